package io.ckan.operator.cli.kubectl;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/** One command's inputs: its words (after the command), its flags, where it reads and writes, and the clock. */
record Invocation(List<String> words, Args args, Cluster cluster, String namespace, PrintStream out,
    PrintStream err, Clock clock) {

  /** Output formats besides the human one. */
  static final Set<String> FORMATS = Set.of("yaml", "json");

  /** The -o format, or null for tables. */
  String format() {
    return args.value("output").orElse(null);
  }

  /** Prints {@code value} as the -o format asks. */
  void print(Object value) {
    out.print("json".equals(format()) ? Serialization.asJson(value) + "\n" : Serialization.asYaml(value));
  }

  /** The one instance name the command takes, or a usage error. */
  String name(String usage) throws Args.UsageError {
    if (words.isEmpty()) {
      throw new Args.UsageError("missing NAME; usage: " + usage);
    }
    return words.get(0);
  }

  int notFound(String name) {
    err.println("Error: ckaninstance \"" + name + "\" not found in namespace \"" + namespace + "\"");
    return ExitCodes.NOT_FOUND;
  }
}
