package io.ckan.operator.cli.kubectl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command line as kubectl reads one: positional words and flags anywhere among them, {@code --flag value} or
 * {@code --flag=value}, short aliases ({@code -n}, {@code -o}, {@code -w}, {@code -f}).
 */
final class Args {
  /** Flags that take a value, with their short aliases resolved to the long name. */
  private static final Map<String, String> VALUED = Map.ofEntries(Map.entry("-n", "namespace"),
      Map.entry("--namespace", "namespace"), Map.entry("--context", "context"),
      Map.entry("--kubeconfig", "kubeconfig"), Map.entry("-o", "output"), Map.entry("--output", "output"),
      Map.entry("--to", "to"), Map.entry("-f", "file"), Map.entry("--file", "file"),
      Map.entry("--revision", "revision"), Map.entry("--interval", "interval"), Map.entry("--token", "token"));
  private static final Map<String, String> SWITCHES = Map.of("-w", "watch", "--watch", "watch", "-h", "help",
      "--help", "help");

  final List<String> words = new ArrayList<>();
  private final Map<String, String> values = new HashMap<>();
  private final Set<String> switches = new HashSet<>();

  /** Thrown for a flag that is unknown or lacks its value. */
  static final class UsageError extends Exception {
    UsageError(String message) {
      super(message);
    }
  }

  static Args parse(String[] argv) throws UsageError {
    Args args = new Args();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      String flag = a;
      String inline = null;
      if (a.startsWith("--") && a.contains("=")) {
        flag = a.substring(0, a.indexOf('='));
        inline = a.substring(a.indexOf('=') + 1);
      }
      if (VALUED.containsKey(flag)) {
        String value = inline;
        if (value == null) {
          if (i + 1 >= argv.length) {
            throw new UsageError("flag " + flag + " needs a value");
          }
          value = argv[++i];
        }
        args.values.put(VALUED.get(flag), value);
      } else if (SWITCHES.containsKey(flag) && inline == null) {
        args.switches.add(SWITCHES.get(flag));
      } else if (a.startsWith("-") && a.length() > 1) {
        throw new UsageError("unknown flag " + a);
      } else {
        args.words.add(a);
      }
    }
    return args;
  }

  Optional<String> value(String name) {
    return Optional.ofNullable(values.get(name));
  }

  boolean has(String name) {
    return switches.contains(name);
  }

  /** Flags given that the command does not take (global ones are always taken). */
  List<String> unexpected(Set<String> taken) {
    Set<String> global = Set.of("namespace", "context", "kubeconfig", "help");
    List<String> extra = new ArrayList<>();
    values.keySet().stream().filter(k -> !taken.contains(k) && !global.contains(k)).sorted().forEach(extra::add);
    switches.stream().filter(k -> !taken.contains(k) && !global.contains(k)).sorted().forEach(extra::add);
    return extra;
  }
}
