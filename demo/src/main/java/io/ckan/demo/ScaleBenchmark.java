package io.ckan.demo;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.api.SecretKeyRef;
import io.ckan.operator.api.ServicesSpec;
import io.ckan.sim.CkanJobs;
import io.ckan.sim.Scenario;
import io.ckan.sim.SimulatedCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * N instances in the simulated cluster, the operator in its own JVM with the Helm chart's JVM options (see
 * {@link BenchmarkOperator}). Prints one summary line per run, comparable across commits:
 * <pre>scale instances=N ready_s=… rss_mib=… idle_rss_mib=… first_reconcile_s=… reconcile_wall_p99_ms=…
 *   reconcile_cpu_p99_ms=… writes_per_instance=… reads_per_instance=… idle_writes_per_min=…
 *   idle_probes_per_min=…</pre>
 * Run: {@code java -cp demo/target/ckan-operator-demo.jar io.ckan.demo.ScaleBenchmark [instances] [idle-seconds]}.
 * The operator JVM gets the chart's {@code javaToolOptions} (read from helm/ckan-operator/values.yaml), then {@code
 * -XX:MaxRAM} from {@code CKAN_BENCH_RAM} (default 512m, the chart's memory limit: the JVM sizes its heap and the rest
 * as in that container), then {@code CKAN_BENCH_JVM_OPTS}.
 */
public final class ScaleBenchmark {
  private ScaleBenchmark() {}

  static final Path CHART_VALUES = Path.of("helm/ckan-operator/values.yaml");

  /**
   * The chart's {@code javaToolOptions} as helm/ckan-operator/values.yaml has them (run from the repository), so the
   * benchmark measures what the chart ships; {@code -Xmx} is appended after them and wins over a RAM percentage.
   */
  static List<String> chartJvmOptions() throws IOException {
    for (String line : Files.readAllLines(CHART_VALUES)) {
      if (line.startsWith("javaToolOptions:")) {
        String value = line.substring("javaToolOptions:".length()).trim().replaceAll("^\"|\"$", "");
        return List.of(value.split("\\s+"));
      }
    }
    throw new IllegalStateException("no javaToolOptions in " + CHART_VALUES);
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", "error");
    List<String> positional = new ArrayList<>(List.of(args));
    boolean onApiServer = positional.remove("--apiserver");
    int n = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 100;
    int idleSeconds = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 60;
    Scenario scenario = Scenario.create().timeScale(0.01).defaultJobBehaviour(CkanJobs.succeed(Duration.ofSeconds(1)));
    // the fabric8 mock scans its whole store on every request, so it slows as the cluster grows; --apiserver runs
    // the same on a real kube-apiserver and etcd (the apiserver tier's binaries)
    try (DemoCluster cluster = onApiServer ? ApiServerDemoCluster.start(scenario, false)
        : new MockDemoCluster(scenario)) {
      try (InputStream crd = ScaleBenchmark.class.getClassLoader()
          .getResourceAsStream("META-INF/fabric8/ckaninstances.ckan.io-v1.yml")) {
        cluster.applyCrds(crd);
      }
      KubernetesClient client = cluster.client();
      client.secrets().inNamespace(SimulatedCluster.NAMESPACE).resource(new SecretBuilder()
          .withNewMetadata().withName("bench-services").endMetadata()
          .withStringData(Map.of("database-url", "postgresql://ckan:pw@db:5432/ckan", "solr-url",
              "http://solr:8983/solr/ckan", "redis-url", "redis://redis:6379/0")).build()).create();
      for (int i = 0; i < n; i++) {
        client.resource(instance(String.format("site-%04d", i))).create();
      }
      long start = System.nanoTime();
      double simulatorCpuAtStart = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
          .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
      Process operator = startOperator(cluster);
      try (PrintWriter toOperator = new PrintWriter(operator.getOutputStream(), true, StandardCharsets.UTF_8);
           BufferedReader fromOperator = new BufferedReader(new InputStreamReader(operator.getInputStream(),
               StandardCharsets.UTF_8))) {
        expect(fromOperator, "ready");
        int ready = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while ((ready = ready(client)) < n) {
          if (System.nanoTime() > deadline || !operator.isAlive()) {
            throw new IllegalStateException(ready + " of " + n + " Ready when the benchmark gave up");
          }
          Thread.sleep(250);
        }
        double readySeconds = (System.nanoTime() - start) / 1e9;
        Map<String, String> toReady = stats(toOperator, fromOperator);
        long rssAtReady = rssKib(operator.pid());
        double operatorCpu = cpuSeconds(operator.pid());
        double simulatorCpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9 - simulatorCpuAtStart;

        toOperator.println("reset");
        long probesBefore = cluster.ckan().statusShowCount();
        Thread.sleep(idleSeconds * 1000L);
        Map<String, String> idle = stats(toOperator, fromOperator);
        long idleProbes = cluster.ckan().statusShowCount() - probesBefore;
        long rssIdle = rssKib(operator.pid());
        toOperator.println("quit");

        long reads = count(toReady, "get") + count(toReady, "list");
        long writes = count(toReady, "post") + count(toReady, "put") + count(toReady, "patch")
            + count(toReady, "delete");
        long idleWrites = count(idle, "post") + count(idle, "put") + count(idle, "patch") + count(idle, "delete");
        System.out.printf("scale " + (onApiServer ? "api=kube-apiserver " : "") + "instances=%d ready_s=%.1f rss_mib=%d idle_rss_mib=%d first_reconcile_s=%.2f "
                + "reconcile_wall_p50_ms=%s reconcile_wall_p99_ms=%s reconcile_cpu_p99_ms=%s reconciles=%s "
                + "writes_per_instance=%.2f reads_per_instance=%.2f idle_writes_per_min=%.1f "
                + "idle_probes_per_min=%.1f%n",
            n, readySeconds, rssAtReady / 1024, rssIdle / 1024,
            Long.parseLong(toReady.get("first_reconcile_ms")) / 1000.0, toReady.get("wall_p50_ms"),
            toReady.get("wall_p99_ms"), toReady.get("cpu_p99_ms"), toReady.get("reconciles"),
            writes / (double) n, reads / (double) n, idleWrites * 60.0 / idleSeconds,
            idleProbes * 60.0 / idleSeconds);
        System.out.println("  requests to Ready: " + without(toReady) + "; idle " + idleSeconds + " s: "
            + without(idle));
        System.out.println("  by resource to Ready: " + byResource(toReady));
        System.out.printf("  cpu to Ready: operator %.1f s, simulator (mock API server, controllers, fake CKAN) %.1f s%n",
            operatorCpu, simulatorCpu);
      } finally {
        if (!operator.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          operator.destroyForcibly();
        }
      }
    }
  }

  private static CkanInstance instance(String name) {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = "2.11.5";
    spec.plugins = new ArrayList<>(List.of("activity", "datatables_view", "text_view"));
    spec.config = new HashMap<>(Map.of("ckan.site_url", "https://" + name + ".example.org"));
    spec.replicas = 1;
    spec.services = new ServicesSpec();
    spec.services.databaseUrl = ref("database-url");
    spec.services.solrUrl = "http://solr:8983/solr/ckan";
    spec.services.redisUrl = ref("redis-url");
    spec.rollout = new RolloutSpec();
    spec.rollout.bakeSeconds = 1;
    CkanInstance ci = new CkanInstance();
    ci.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(SimulatedCluster.NAMESPACE).build());
    ci.setSpec(spec);
    return ci;
  }

  private static SecretKeyRef ref(String key) {
    SecretKeyRef ref = new SecretKeyRef();
    ref.name = "bench-services";
    ref.key = key;
    return ref;
  }

  private static int ready(KubernetesClient client) {
    int ready = 0;
    for (CkanInstance ci : client.resources(CkanInstance.class).inNamespace(SimulatedCluster.NAMESPACE).list()
        .getItems()) {
      if (ci.getStatus() != null && ci.getStatus().conditions != null) {
        for (Condition c : ci.getStatus().conditions) {
          if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
            ready++;
          }
        }
      }
    }
    return ready;
  }

  /** The operator JVM: this jar's classpath, the chart's options, a heap as in a 512 MiB container. */
  private static Process startOperator(DemoCluster cluster) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(chartJvmOptions());
    // the JVM sizes itself as in a container with the chart's 512 MiB limit: heap by MaxRAMPercentage (384 MiB),
    // initial heap 1.6% of it, as a container would give it
    command.add("-XX:MaxRAM=" + System.getenv().getOrDefault("CKAN_BENCH_RAM", "512m"));
    String extra = System.getenv("CKAN_BENCH_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchmarkOperator.class.getName(),
        cluster.operatorTarget(), cluster.ckan().base().toString()));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  private static Map<String, String> stats(PrintWriter to, BufferedReader from) throws IOException {
    to.println("stats");
    String line = expect(from, "stats");
    Map<String, String> values = new HashMap<>();
    for (String part : line.substring("stats".length()).trim().split(" ")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        values.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    return values;
  }

  private static String expect(BufferedReader from, String prefix) throws IOException {
    for (String line = from.readLine(); line != null; line = from.readLine()) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException("the operator JVM ended before printing '" + prefix + "'");
  }

  private static long count(Map<String, String> stats, String key) {
    return Long.parseLong(stats.getOrDefault(key, "0"));
  }

  private static String without(Map<String, String> stats) {
    Map<String, String> requests = new java.util.TreeMap<>();
    for (String k : List.of("get", "list", "watch", "post", "put", "patch", "delete")) {
      requests.put(k, stats.getOrDefault(k, "0"));
    }
    return requests.toString();
  }

  private static String byResource(Map<String, String> stats) {
    Map<String, String> requests = new java.util.TreeMap<>();
    stats.forEach((k, v) -> {
      if (k.contains(".") && !k.startsWith("watch.")) {
        requests.put(k, v);
      }
    });
    return requests.toString();
  }

  /** User + system CPU time of a process so far, from /proc (clock ticks of 10 ms). */
  static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
  }

  /** Resident set size of a process, from /proc (KiB). */
  static long rssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
