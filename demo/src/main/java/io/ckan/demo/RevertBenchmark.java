package io.ckan.demo;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.health.HttpStatusShowProbe;
import io.ckan.operator.reconcile.OperatorRunner;
import io.ckan.sim.Behaviour;
import io.ckan.sim.RequestLog;
import io.ckan.sim.Scenario;
import io.ckan.sim.SimulatedCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * Measures automatic reverts in the simulated cluster: N times, a new revision goes live and then loses all its
 * replicas inside the bake window. For each revert it takes, from the operator client's own requests (a fabric8
 * interceptor, not the operator's journal), the span from the simulated kubelet's decision to report 0 available
 * replicas (logged just before its status write) to the operator's pointer Service PATCH, and the writes and reads
 * the operator sent in it. Prints one summary line:
 * {@code revert runs=N writes_to_flip=… reads_to_flip=… p50_ms=… p95_ms=… max_ms=…}.
 * Run: {@code java -cp demo/target/ckan-operator-demo.jar io.ckan.demo.RevertBenchmark [iterations]}
 */
public final class RevertBenchmark {
  private RevertBenchmark() {}

  record Stamped(long nanos, String line) {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", "error");
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Scenario scenario = Scenario.create().timeScale(0.05)
        .defaultJobBehaviour(io.ckan.sim.CkanJobs.succeed(Duration.ofSeconds(1)));
    ConcurrentLinkedQueue<Stamped> journal = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Stamped> events = new ConcurrentLinkedQueue<>();
    RequestLog requests = new RequestLog();
    List<Double> latencies = new ArrayList<>();
    List<Integer> writes = new ArrayList<>();
    List<Integer> reads = new ArrayList<>();
    try (SimulatedCluster cluster = SimulatedCluster.start(scenario)) {
      cluster.onEvent(line -> events.add(new Stamped(System.nanoTime(), line)));
      try (InputStream crd = RevertBenchmark.class.getClassLoader()
          .getResourceAsStream("META-INF/fabric8/ckaninstances.ckan.io-v1.yml")) {
        cluster.applyCrd(crd);
      }
      KubernetesClient client = cluster.client();
      try (KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(cluster.clientConfig())
          .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("timeline", requests)).build();
           OperatorRunner ignored = OperatorRunner.start(operatorClient, Set.of(), Clock.systemUTC(),
               new HttpStatusShowProbe(cluster::serviceUrl, Duration.ofSeconds(2)),
               line -> journal.add(new Stamped(System.nanoTime(), line)))) {
        CkanInstance ci;
        try (InputStream in = RevertBenchmark.class.getClassLoader().getResourceAsStream("examples/minimal.yaml")) {
          ci = Serialization.unmarshal(in, CkanInstance.class);
        }
        ci.getSpec().rollout.bakeSeconds = 60;
        ci.getSpec().config = new HashMap<>(ci.getSpec().config);
        client.resource(ci).create();
        await(() -> Integer.valueOf(1).equals(Kubectl.pointer(client, "portal")), "revision 1 live");
        for (int i = 1; i <= iterations; i++) {
          int n = i + 1;
          String title = "iteration " + i;
          scenario.whenRevision("portal", n, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(20)));
          Kubectl.edit(client, "portal", c -> c.getSpec().config.put("ckan.site_title", title));
          await(() -> Integer.valueOf(n).equals(Kubectl.pointer(client, "portal")), "revision " + n + " live");
          String flipped = "pointer moved from revision " + n + " to revision 1";
          await(() -> Integer.valueOf(1).equals(Kubectl.pointer(client, "portal"))
              && journal.stream().anyMatch(l -> l.line().contains(flipped)),
              "revision " + n + " reverted");
          long fail = first(events, "portal-r" + n + " unhealthy").nanos();
          List<RequestLog.Request> after = requests.since(fail);
          int flip = RequestLog.indexOf(after, "PATCH", "/services/portal");
          if (flip < 0) {
            throw new IllegalStateException("no pointer write after revision " + n + " failed");
          }
          List<RequestLog.Request> toFlip = after.subList(0, flip + 1);
          latencies.add((after.get(flip).nanos() - fail) / 1e6);
          writes.add((int) toFlip.stream().filter(RequestLog.Request::isWrite).count());
          reads.add((int) toFlip.stream().filter(r -> !r.isWrite()).count());
        }
      }
    }
    List<Double> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    System.out.printf("revert runs=%d writes_to_flip=%d..%d reads_to_flip=%d..%d p50_ms=%.1f p95_ms=%.1f max_ms=%.1f%n",
        iterations, Collections.min(writes), Collections.max(writes), Collections.min(reads), Collections.max(reads),
        sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1),
        sorted.get(sorted.size() - 1));
  }

  private static Stamped first(ConcurrentLinkedQueue<Stamped> lines, String fragment) {
    Predicate<String> match = l -> l.contains(fragment);
    return lines.stream().filter(s -> match.test(s.line())).findFirst()
        .orElseThrow(() -> new IllegalStateException("no line matching '" + fragment + "' in " + lines.stream()
            .skip(Math.max(0, lines.size() - 6)).map(Stamped::line).toList()));
  }

  private static void await(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
