package io.ckan.demo;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.health.HttpStatusShowProbe;
import io.ckan.operator.reconcile.OperatorRunner;
import io.ckan.sim.Behaviour;
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
 * replicas inside the bake window. For each revert it reports
 * <ul>
 *   <li>detect: from the simulated kubelet's status write (0 available) to the operator's RolledBack verdict write,</li>
 *   <li>verdict-to-flip: from that verdict write to the pointer Service write,</li>
 *   <li>failure-to-flip: the two together, and the operator's API writes in that span.</li>
 * </ul>
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
    List<double[]> samples = new ArrayList<>();
    List<Integer> writes = new ArrayList<>();
    try (SimulatedCluster cluster = SimulatedCluster.start(scenario)) {
      cluster.onEvent(line -> events.add(new Stamped(System.nanoTime(), line)));
      try (InputStream crd = RevertBenchmark.class.getClassLoader()
          .getResourceAsStream("META-INF/fabric8/ckaninstances.ckan.io-v1.yml")) {
        cluster.applyCrd(crd);
      }
      KubernetesClient client = cluster.client();
      try (KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(cluster.clientConfig()).build();
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
          long verdict = first(journal, "revision " + n + " verdict RolledBack").nanos();
          long flip = first(journal, "pointer moved from revision " + n + " to revision 1").nanos();
          samples.add(new double[] {(verdict - fail) / 1e6, (flip - verdict) / 1e6, (flip - fail) / 1e6});
          writes.add((int) journal.stream().filter(s -> s.nanos() >= fail && s.nanos() <= flip).count());
        }
      }
    }
    System.out.printf("automatic reverts measured: %d (simulated cluster, time scale 0.05, 2 replicas)%n", iterations);
    print("detect (failure -> verdict)", samples, 0);
    print("verdict -> pointer flip", samples, 1);
    print("failure -> pointer flip", samples, 2);
    System.out.printf("operator API writes from failure to flip: min %d, max %d (the verdict, then the pointer)%n",
        Collections.min(writes), Collections.max(writes));
  }

  private static void print(String what, List<double[]> samples, int column) {
    List<Double> values = new ArrayList<>();
    samples.forEach(s -> values.add(s[column]));
    Collections.sort(values);
    System.out.printf("%-30s median %7.1f ms   p95 %7.1f ms   max %7.1f ms%n", what,
        values.get(values.size() / 2), values.get((int) Math.ceil(values.size() * 0.95) - 1),
        values.get(values.size() - 1));
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
