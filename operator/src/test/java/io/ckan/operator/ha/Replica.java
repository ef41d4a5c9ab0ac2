package io.ckan.operator.ha;

import io.ckan.operator.health.HttpStatusShowProbe;
import io.ckan.operator.it.OperatorHarness;
import io.ckan.operator.reconcile.OperatorRunner;
import io.ckan.sim.RequestLog;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One operator replica as a pod would run it: its own fabric8 client (every request it sends is logged), leader
 * election on the shared Lease under its own identity, and a network it can lose ({@link #cut}: from then on every
 * request goes to a closed port, as when the pod's node dies).
 */
final class Replica implements AutoCloseable {
  static final String LEASE_NAMESPACE = OperatorHarness.NS;

  final String identity;
  final RequestLog requests = new RequestLog();
  final List<String> journal = new CopyOnWriteArrayList<>();
  final AtomicBoolean lostLease = new AtomicBoolean();
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean cut = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final KubernetesClient client;
  private final OperatorRunner runner;

  Replica(OperatorHarness h, String identity, Duration lease) {
    this.identity = identity;
    this.client = new KubernetesClientBuilder().withConfig(h.cluster.clientConfig())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("request-log", requests)
            .addOrReplaceInterceptor("network", new Interceptor() {
              @Override
              public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                if (cut.get()) {
                  builder.uri(URI.create("http://127.0.0.1:1" + request.uri().getRawPath()));
                }
              }
            }))
        .build();
    OperatorRunner.LeaderElection election = new OperatorRunner.LeaderElection(
        OperatorRunner.LeaderElection.LEASE_NAME, LEASE_NAMESPACE, identity, lease,
        lease.multipliedBy(2).dividedBy(3), Duration.ofMillis(250), () -> lostLease.set(true));
    this.runner = OperatorRunner.start(client, Set.of(), Clock.systemUTC(),
        new HttpStatusShowProbe(h.workloads::serviceUrl, Duration.ofSeconds(2)), journal::add,
        OperatorRunner.Options.defaults().withRegistry(registry).withLeaderElection(election));
  }

  boolean leads() {
    return runner.leads();
  }

  OperatorRunner runner() {
    return runner;
  }

  /** The writes this replica sent (everything but GETs), without its lease's and JOSDK's start-up access review. */
  List<RequestLog.Request> objectWrites() {
    return requests.since(0).stream().filter(RequestLog.Request::isWrite)
        .filter(r -> !r.path().contains("/leases") && !r.path().contains("selfsubjectrulesreviews")).toList();
  }

  /** The node dies: nothing this replica sends reaches the API server any more, the lease is not released. */
  void die() {
    cut.set(true);
    close();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      runner.close();
      client.close();
    }
  }
}
