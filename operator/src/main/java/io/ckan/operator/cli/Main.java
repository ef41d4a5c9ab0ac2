package io.ckan.operator.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** ckan-operator CLI: {@code run} (against the kubeconfig / in-cluster config) and {@code render} (offline). */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    System.exit(execute(args, System.out, System.err));
  }

  public static int execute(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
      usage(out);
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "run":
        return RunCommand.run(rest, err);
      case "render":
        return RenderCommand.render(rest, out, err);
      case "kubectl":
        // a command-line tool: the client library's warnings (e.g. "unstable version v1alpha1") are not the user's
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        return io.ckan.operator.cli.kubectl.KubectlCkan.execute(rest, out, err, java.time.Clock.systemUTC());
      default:
        err.println("unknown command '" + args[0] + "'");
        usage(err);
        return 2;
    }
  }

  private static void usage(PrintStream out) {
    out.println("usage: ckan-operator run                      reconcile CkanInstances (kubeconfig or in-cluster)");
    out.println("       ckan-operator render -f cr.yaml [--revision N]");
    out.println("                                           print the objects the operator would create (offline)");
    out.println("       ckan-operator kubectl COMMAND ...     the kubectl plugin (kubectl-ckan runs this; see --help)");
    out.println("env:   CKAN_OPERATOR_NAMESPACES   comma-separated namespaces to watch (default: all)");
    out.println("       CKAN_OPERATOR_HEALTH_PORT  port of /healthz and /readyz (default 8080)");
  }
}
