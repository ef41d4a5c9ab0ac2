package io.ckan.operator.cli.kubectl;

import io.ckan.operator.cli.Main;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * {@code kubectl ckan ...}: the kubectl plugin ({@code kubectl-ckan} on PATH runs {@code ckan-operator.jar kubectl
 * ...}). Connects as kubectl does: {@code --kubeconfig}, else {@code $KUBECONFIG}, else {@code ~/.kube/config};
 * {@code --context}; {@code -n/--namespace}, else the context's namespace, else {@code default}. Exit codes:
 * {@link ExitCodes}.
 */
public final class KubectlCkan {
  private KubectlCkan() {}

  static final String USAGE = String.join("\n",
      "kubectl ckan: drive CkanInstances (ckan-operator)",
      "",
      "  status NAME [-o yaml|json] [-w]   pointer, revisions, conditions, recent Events, next action",
      "  history NAME [-o yaml|json]       the pointer's moves",
      "  rollback NAME [--to N|previous]   annotate ckan.io/rollback-to (default: previous)",
      "  retry NAME                        annotate ckan.io/retry with a new token",
      "  restore NAME BACKUP               start a Job restoring the databases from a backup",
      "  promote NAME [N]                  annotate ckan.io/promote (the revision awaiting promotion)",
      "  pause NAME | resume NAME          set / remove the ckan.io/paused annotation",
      "  diff NAME N M [-o yaml|json]      what differs between revisions N and M",
      "  render -f cr.yaml [--revision N]  the objects the operator would create (offline)",
      "",
      "flags: -n/--namespace NS, --context CTX, --kubeconfig FILE (else $KUBECONFIG, ~/.kube/config)",
      "exit:  0 ok; 1 diff: revisions differ; 2 usage; 3 not found; 4 refused (nothing written); 5 API error");

  /** Runs one plugin command with a client from the kubeconfig; returns the exit code. */
  public static int execute(String[] argv, PrintStream out, PrintStream err, Clock clock) {
    return execute(argv, out, err, clock, builder -> { });
  }

  /** As above, with the client's builder adjusted (a test's request log). */
  public static int execute(String[] argv, PrintStream out, PrintStream err, Clock clock,
      java.util.function.Consumer<KubernetesClientBuilder> client) {
    Args args;
    try {
      args = Args.parse(argv);
    } catch (Args.UsageError e) {
      return usage(err, e.getMessage());
    }
    if (args.words.isEmpty() || args.has("help")) {
      (args.words.isEmpty() && !args.has("help") ? err : out).println(USAGE);
      return args.has("help") ? ExitCodes.OK : ExitCodes.USAGE;
    }
    String command = args.words.get(0);
    if (command.equals("render")) {
      try {
        return Main.execute(argv, out, err);
      } catch (Exception e) {
        err.println("Error: " + e.getMessage());
        return ExitCodes.USAGE;
      }
    }
    String problem = problem(args, command);
    if (problem != null) {
      return usage(err, problem);
    }
    Config config;
    try {
      config = config(args);
    } catch (RuntimeException e) {
      err.println("Error: cannot load the kubeconfig: " + e.getMessage());
      return ExitCodes.API_ERROR;
    }
    String namespace = config.getNamespace() == null ? "default" : config.getNamespace();
    // fail fast like kubectl: fabric8 would retry a refused connection with backoff for about 20 s
    config.setRequestRetryBackoffLimit(0);
    KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(config);
    client.accept(builder);
    try (KubernetesClient kube = builder.build()) {
      return run(args, command, kube, namespace, out, err, clock);
    }
  }

  /**
   * Runs one plugin command (not {@code render}) with a client the caller holds (the demo's), in its namespace
   * unless {@code -n} says otherwise; returns the exit code.
   */
  public static int execute(String[] argv, KubernetesClient kube, String namespace, PrintStream out,
      PrintStream err, Clock clock) {
    try {
      Args args = Args.parse(argv);
      String command = args.words.isEmpty() ? "" : args.words.get(0);
      String problem = problem(args, command);
      return problem != null ? usage(err, problem) : run(args, command, kube, namespace, out, err, clock);
    } catch (Args.UsageError e) {
      return usage(err, e.getMessage());
    }
  }

  /** What is wrong with the command line before anything is sent, or null. */
  private static String problem(Args args, String command) {
    Set<String> flags = flags(command);
    if (flags == null) {
      return "unknown command '" + command + "'";
    }
    List<String> extra = args.unexpected(flags);
    if (!extra.isEmpty()) {
      return command + " does not take " + extra;
    }
    String format = args.value("output").orElse(null);
    if (format != null && !Invocation.FORMATS.contains(format)) {
      return "-o takes yaml or json, not '" + format + "'";
    }
    return null;
  }

  private static int run(Args args, String command, KubernetesClient kube, String namespace, PrintStream out,
      PrintStream err, Clock clock) {
    Invocation inv = new Invocation(args.words.subList(1, args.words.size()), args, new Cluster(kube),
        args.value("namespace").orElse(namespace), out, err, clock);
    try {
      return dispatch(command, inv);
    } catch (Args.UsageError e) {
      return usage(err, e.getMessage());
    } catch (KubernetesClientException e) {
      err.println(apiError(e, kube));
      return ExitCodes.API_ERROR;
    }
  }

  /** The server's answer, or why there was none (the root cause: connection refused, unknown host, TLS). */
  static String apiError(KubernetesClientException e, KubernetesClient kube) {
    if (e.getCode() > 0) {
      return "Error from server (" + e.getCode() + "): " + (e.getStatus() != null && e.getStatus().getMessage() != null
          ? e.getStatus().getMessage() : e.getMessage());
    }
    StringBuilder why = new StringBuilder();
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      why.append(why.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName())
          .append(t.getMessage() == null ? "" : " (" + t.getMessage() + ")");
    }
    return "Error: cannot reach the API server at " + kube.getMasterUrl() + ": " + why;
  }

  private static Set<String> flags(String command) {
    return switch (command) {
      case "status" -> StatusCommand.FLAGS;
      case "history" -> HistoryCommand.FLAGS;
      case "rollback" -> RollbackCommand.FLAGS;
      case "retry" -> RetryCommand.FLAGS;
      case "restore" -> RestoreCommand.FLAGS;
      case "promote" -> PromoteCommand.FLAGS;
      case "pause", "resume" -> PauseCommand.FLAGS;
      case "diff" -> DiffCommand.FLAGS;
      default -> null;
    };
  }

  private static int dispatch(String command, Invocation inv) throws Args.UsageError {
    return switch (command) {
      case "status" -> StatusCommand.run(inv);
      case "history" -> HistoryCommand.run(inv);
      case "rollback" -> RollbackCommand.run(inv);
      case "retry" -> RetryCommand.run(inv);
      case "restore" -> RestoreCommand.run(inv);
      case "promote" -> PromoteCommand.run(inv);
      case "pause" -> PauseCommand.run(inv, true);
      case "resume" -> PauseCommand.run(inv, false);
      case "diff" -> DiffCommand.run(inv);
      default -> throw new Args.UsageError("unknown command '" + command + "'");
    };
  }

  /** The kubeconfig as kubectl reads it: the file named by --kubeconfig, else fabric8's (and kubectl's) defaults. */
  static Config config(Args args) {
    String context = args.value("context").orElse(null);
    return args.value("kubeconfig").map(file -> Config.fromKubeconfig(context, new File(file)))
        .orElseGet(() -> Config.autoConfigure(context));
  }

  private static int usage(PrintStream err, String message) {
    err.println("Error: " + message);
    err.println("Run 'kubectl ckan --help' for usage.");
    return ExitCodes.USAGE;
  }
}
