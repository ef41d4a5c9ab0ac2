package io.ckan.operator.cli;

import io.ckan.operator.health.HttpStatusShowProbe;
import io.ckan.operator.monitoring.ProbeServer;
import io.ckan.operator.currency.ReleaseLinesSource;
import io.ckan.operator.reconcile.OperatorRunner;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * {@code run}: the operator process in a cluster, with /healthz, /readyz and /metrics on one port (see
 * {@link RunSettings} for the environment it reads). SIGTERM stops reconciling, lets running reconciles finish within
 * the drain time and releases the lease.
 */
final class RunCommand {
  private RunCommand() {}

  static int run(String[] args, PrintStream err) throws Exception {
    if (args.length > 0) {
      err.println("run: takes no arguments (configure with CKAN_OPERATOR_* environment variables)");
      return 2;
    }
    RunSettings settings;
    try {
      settings = RunSettings.from(System.getenv());
    } catch (IllegalArgumentException e) {
      err.println("run: " + e.getMessage());
      return 2;
    }
    // the probes answer from the start: not ready (and alive) while the informers sync
    ProbeServer probes = ProbeServer.start(settings.port(), settings.stuckAfter());
    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorRunner.Options options = OperatorRunner.Options.defaults()
        .withRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
        .withDrainTimeout(settings.drain());
    // a leader that loses its lease while running exits; its restart comes back as a standby
    options = options.withReleaseLines(settings.releaseLines().map(cm -> ReleaseLinesSource.overriddenBy(client,
        cm.get(0), cm.get(1), Clock.systemUTC())).orElse(null));
    options = settings.leaderElection(() -> new Thread(() -> System.exit(1), "lease-lost").start())
        .map(options::withLeaderElection).orElse(options);
    OperatorRunner runner;
    try {
      runner = OperatorRunner.start(client, settings.namespaces(), Clock.systemUTC(),
          HttpStatusShowProbe.inCluster(), line -> { }, options);
    } catch (RuntimeException e) {
      probes.close(); // its thread would keep the JVM alive
      client.close();
      throw e;
    }
    probes.serve(runner);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      runner.close();
      probes.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
    return 0;
  }
}
