package io.ckan.demo;

import io.ckan.operator.health.HttpStatusShowProbe;
import io.ckan.operator.reconcile.OperatorRunner;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The operator in its own JVM for {@link ScaleBenchmark}: the same wiring as {@code run}, against the simulated
 * cluster's API ({@code args[0]}) and fake CKAN ({@code args[1]}), with every API request counted by a fabric8
 * interceptor and every reconcile timed (wall and thread CPU) through JOSDK's metrics hook. It answers the parent on
 * stdin: {@code stats} prints one line of counters, {@code reset} zeroes them, {@code quit} stops.
 */
public final class BenchmarkOperator {
  private BenchmarkOperator() {}

  /** Requests by kind: GET of one object, LIST, WATCH, and each write method. */
  static final class Requests implements Interceptor {
    static final Set<String> COLLECTIONS = Set.of("deployments", "services", "configmaps", "jobs", "secrets", "pods",
        "events", "ckaninstances", "ingresses", "persistentvolumeclaims");
    final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
      String kind = kind(request);
      counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
      counts.computeIfAbsent(kind + "." + resource(request), k -> new LongAdder()).increment();
    }

    /** The resource (and subresource) a request is about: "deployments", "ckaninstances/status". */
    static String resource(HttpRequest request) {
      String[] parts = request.uri().getRawPath().split("/");
      for (int i = parts.length - 1; i >= 0; i--) {
        if (COLLECTIONS.contains(parts[i])) {
          return parts[i] + (i + 2 < parts.length ? "/" + parts[i + 2] : "");
        }
      }
      return "other";
    }

    static String kind(HttpRequest request) {
      String method = request.method();
      if (!"GET".equals(method)) {
        return method.toLowerCase();
      }
      String query = request.uri().getRawQuery() == null ? "" : request.uri().getRawQuery();
      if (query.contains("watch=true")) {
        return "watch";
      }
      // a collection ends with the plural resource name: .../namespaces/ns/deployments
      String path = request.uri().getRawPath();
      boolean collection = COLLECTIONS.contains(path.substring(path.lastIndexOf('/') + 1));
      return collection ? "list" : "get";
    }
  }

  /** Reconcile wall and CPU times (ns), and when the first one started. */
  static final class Timings implements Metrics {
    final List<long[]> samples = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong firstReconcileEpochMs = new AtomicLong();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Override
    public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
      firstReconcileEpochMs.compareAndSet(0, System.currentTimeMillis());
      long cpu0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      try {
        return execution.execute();
      } finally {
        samples.add(new long[] {System.nanoTime() - t0, threads.getCurrentThreadCpuTime() - cpu0});
      }
    }
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Requests requests = new Requests();
    Timings timings = new Timings();
    // args[0]: the mock's URL (no auth), or a kubeconfig file (a real kube-apiserver)
    Config config = args[0].startsWith("http") ? new ConfigBuilder(Config.empty()).withMasterUrl(args[0])
        .withNamespace("default").withTrustCerts(true).withHttp2Disable(true).build()
        : Config.fromKubeconfig(java.nio.file.Files.readString(java.nio.file.Path.of(args[0])));
    String ckanBase = args[1];
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", requests)).build();
         OperatorRunner ignored = OperatorRunner.start(client, Set.of(), Clock.systemUTC(),
             new HttpStatusShowProbe((ns, svc) -> URI.create(ckanBase + "/" + ns + "/" + svc), Duration.ofSeconds(2)),
             line -> { }, timings)) {
      System.out.println("ready");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
        if (line.equals("reset")) {
          requests.counts.clear();
          timings.samples.clear();
        } else if (line.equals("stats")) {
          System.out.println(stats(requests, timings));
        }
      }
    }
    System.exit(0);
  }

  private static String stats(Requests requests, Timings timings) {
    Map<String, Long> counts = new TreeMap<>();
    requests.counts.forEach((k, v) -> counts.put(k, v.sum()));
    List<long[]> samples;
    synchronized (timings.samples) {
      samples = new ArrayList<>(timings.samples);
    }
    List<Long> wall = samples.stream().map(s -> s[0]).sorted().toList();
    List<Long> cpu = samples.stream().map(s -> s[1]).sorted().toList();
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    StringBuilder line = new StringBuilder("stats");
    counts.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
    line.append(" reconciles=").append(samples.size());
    line.append(" wall_p50_ms=").append(ms(percentile(wall, 0.50))).append(" wall_p99_ms=")
        .append(ms(percentile(wall, 0.99))).append(" cpu_p99_ms=").append(ms(percentile(cpu, 0.99)))
        .append(" cpu_total_ms=").append(ms(cpu.stream().mapToLong(Long::longValue).sum()));
    long first = timings.firstReconcileEpochMs.get();
    line.append(" first_reconcile_ms=").append(first == 0 ? -1 : first - jvmStart);
    return line.toString();
  }

  static long percentile(List<Long> sorted, double p) {
    return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p) - 1));
  }

  private static String ms(long nanos) {
    return String.format("%.1f", nanos / 1e6);
  }
}
