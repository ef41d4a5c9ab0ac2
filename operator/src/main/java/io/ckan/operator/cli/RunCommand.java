package io.ckan.operator.cli;

import com.sun.net.httpserver.HttpServer;
import io.ckan.operator.health.HttpStatusShowProbe;
import io.ckan.operator.reconcile.OperatorRunner;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/** {@code run}: the operator process in a cluster, with /healthz and /readyz for its probes. */
final class RunCommand {
  private RunCommand() {}

  static int run(String[] args, PrintStream err) throws Exception {
    if (args.length > 0) {
      err.println("run: takes no arguments (configure with CKAN_OPERATOR_NAMESPACES)");
      return 2;
    }
    Set<String> namespaces = parseNamespaces(System.getenv("CKAN_OPERATOR_NAMESPACES"));
    int port = Integer.parseInt(System.getenv().getOrDefault("CKAN_OPERATOR_HEALTH_PORT", "8080"));
    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorRunner runner = OperatorRunner.start(client, namespaces, Clock.systemUTC(),
        HttpStatusShowProbe.inCluster(), line -> { });
    HttpServer health = HttpServer.create(new InetSocketAddress(port), 0);
    health.createContext("/healthz", ex -> respond(ex, 200, "ok"));
    health.createContext("/readyz", ex -> respond(ex, 200, "ready"));
    health.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      health.stop(0);
      runner.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }

  static Set<String> parseNamespaces(String value) {
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }

  private static void respond(com.sun.net.httpserver.HttpExchange ex, int code, String body) throws java.io.IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(code, bytes.length);
    try (var os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }
}
