package io.ckan.operator.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.health.HttpStatusShowProbe;
import io.ckan.operator.health.StatusShowProbe;
import io.ckan.operator.reconcile.OperatorRunner;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.CkanJobs;
import io.ckan.sim.RequestLog;
import io.ckan.sim.Scenario;
import io.ckan.sim.SimulatedCluster;
import io.ckan.sim.SimulatedWorkloads;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The real operator against an API server plus the simulated cluster's controllers: the fabric8 mock
 * ({@link #OperatorHarness(Scenario)}), or a real kube-apiserver ({@link #onServer}).
 */
public final class OperatorHarness implements AutoCloseable {
  public static final String NS = SimulatedCluster.NAMESPACE;
  public static final Path CRD = Path.of("target/classes/META-INF/fabric8/ckaninstances.ckan.io-v1.yml");

  /** The mock cluster; null on a real API server. */
  public final SimulatedCluster cluster;
  /** The simulated controllers and the fake CKAN (the mock's own, or attached to the real server). */
  public final SimulatedWorkloads workloads;
  public final KubernetesClient client;
  public final List<String> journal = new CopyOnWriteArrayList<>();
  /** Every request of the operator's client. */
  public final RequestLog requests = new RequestLog();
  /** Reconciles the operator has finished (JOSDK's metrics hook), to know that one triggered has run. */
  public final java.util.concurrent.atomic.AtomicInteger reconciles = new java.util.concurrent.atomic.AtomicInteger();
  private final Supplier<Config> operatorConfig;
  private final java.util.function.UnaryOperator<StatusShowProbe> probeWrapper;
  private KubernetesClient operatorClient;
  private OperatorRunner operator;
  /** The namespaces the operator watches (the chart's watchNamespaces); empty: all. */
  private Set<String> watchNamespaces = Set.of();

  /** The scenario's Jobs behave like CKAN's unless a test's rules say otherwise (builds push, migrations succeed). */
  public OperatorHarness(Scenario scenario) {
    this(scenario, java.util.function.UnaryOperator.identity());
  }

  /** As above, the operator watching only the given namespaces (the chart's watchNamespaces). */
  public OperatorHarness(Scenario scenario, Set<String> watchNamespaces) {
    this(scenario, java.util.function.UnaryOperator.identity(), watchNamespaces, true);
  }

  /** As above, with the operator's status_show probe wrapped (a CKAN that hangs, say). */
  public OperatorHarness(Scenario scenario, java.util.function.UnaryOperator<StatusShowProbe> probe) {
    this(scenario, probe, Set.of(), true);
  }

  /** The mock cluster and the simulated controllers, with no operator: the test starts its own (several, say). */
  public static OperatorHarness withoutOperator(Scenario scenario) {
    return new OperatorHarness(scenario, java.util.function.UnaryOperator.identity(), Set.of(), false);
  }

  private OperatorHarness(Scenario scenario, java.util.function.UnaryOperator<StatusShowProbe> probe,
      Set<String> watchNamespaces, boolean startOperator) {
    this.watchNamespaces = watchNamespaces;
    this.probeWrapper = probe;
    scenario.defaultJobBehaviour(CkanJobs.succeed(Duration.ofSeconds(1)));
    this.cluster = SimulatedCluster.start(scenario);
    cluster.applyCrd(CRD);
    this.workloads = cluster.workloads();
    this.client = cluster.client();
    this.operatorConfig = cluster::clientConfig;
    client.secrets().inNamespace(NS).resource(io.ckan.operator.TestServices.secret(NS)).create();
    if (startOperator) {
      startOperator();
    }
  }

  private OperatorHarness(Scenario scenario, KubernetesClient admin, KubernetesClient controllers,
      Supplier<Config> operatorConfig) {
    scenario.defaultJobBehaviour(CkanJobs.succeed(Duration.ofSeconds(1)));
    this.cluster = null;
    this.probeWrapper = java.util.function.UnaryOperator.identity();
    this.client = admin;
    this.operatorConfig = operatorConfig;
    this.workloads = SimulatedWorkloads.start(controllers, scenario);
    try {
      client.secrets().inNamespace(NS).resource(io.ckan.operator.TestServices.secret(NS))
          .createOr(NonDeletingOperation::update);
      startOperator();
    } catch (RuntimeException e) {
      workloads.close();
      throw e;
    }
  }

  /**
   * The operator and the simulated controllers against a real API server where the CRD is already established:
   * {@code admin} is the tests' client, {@code controllers} the simulated controllers', {@code operatorConfig} gives
   * the operator's own client (one per start). The clients stay the caller's.
   */
  public static OperatorHarness onServer(Scenario scenario, KubernetesClient admin, KubernetesClient controllers,
      Supplier<Config> operatorConfig) {
    return new OperatorHarness(scenario, admin, controllers, operatorConfig);
  }

  /**
   * JOSDK asks at the start of leader election whether it may use Leases (a SelfSubjectRulesReview), which the mock
   * cannot answer: it answers as the chart's leader-election Role does.
   */
  public void answerLeaseAccessReviews() {
    var allowed = new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder().withNewStatus()
        .withIncomplete(false).withResourceRules(new io.fabric8.kubernetes.api.model.authorization.v1
            .ResourceRuleBuilder().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "create", "update", "patch").build()).endStatus().build();
    cluster.server().expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, allowed).always();
  }

  /** Called on the operator's client thread before each request it sends (a test's way in between two writes). */
  public volatile java.util.function.Consumer<io.fabric8.kubernetes.client.http.HttpRequest> beforeRequest;

  /** Leader election for the next {@link #startOperator()} (null: the operator reconciles alone, the default). */
  public OperatorRunner.LeaderElection leaderElection;

  /**
   * For the next {@link #startOperator()}: the ConfigMap in {@link #NS} that overrides the release-line table, as the
   * chart's releaseLinesConfigMap names it (null: the shipped table only, the default).
   */
  public String releaseLinesConfigMap;

  public void startOperator() {
    operatorClient = new KubernetesClientBuilder().withConfig(operatorConfig.get())
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("request-log", requests)
            .addOrReplaceInterceptor("test-hook", new io.fabric8.kubernetes.client.http.Interceptor() {
              @Override
              public void before(io.fabric8.kubernetes.client.http.BasicBuilder builder,
                  io.fabric8.kubernetes.client.http.HttpRequest request, RequestTags tags) {
                java.util.function.Consumer<io.fabric8.kubernetes.client.http.HttpRequest> hook = beforeRequest;
                if (hook != null) {
                  hook.accept(request);
                }
              }
            })).build();
    io.ckan.operator.currency.ReleaseLinesSource lines = releaseLinesConfigMap == null ? null
        : io.ckan.operator.currency.ReleaseLinesSource.overriddenBy(operatorClient, NS, releaseLinesConfigMap,
            Clock.systemUTC());
    operator = OperatorRunner.start(operatorClient, watchNamespaces, Clock.systemUTC(),
        probeWrapper.apply(new HttpStatusShowProbe(workloads::serviceUrl, Duration.ofSeconds(2))), this::journal,
        OperatorRunner.Options.defaults().withLeaderElection(leaderElection).withReleaseLines(lines).withMetrics(
        new io.javaoperatorsdk.operator.api.monitoring.Metrics() {
          @Override
          public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
            try {
              return execution.execute();
            } finally {
              reconciles.incrementAndGet();
            }
          }
        }));
  }

  private volatile Predicate<String> crashAfter;
  private final java.util.concurrent.Semaphore crashed = new java.util.concurrent.Semaphore(0);

  /** Thrown right after the write the test chose: nothing after it runs, as if the process had been killed. */
  static final class SimulatedCrash extends RuntimeException {
    SimulatedCrash(String after) {
      super("simulated crash after: " + after);
    }
  }

  /** The running operator (what its probe server serves). */
  public OperatorRunner runner() {
    return operator;
  }

  private volatile Predicate<String> blockAfter;
  private volatile java.util.concurrent.CountDownLatch blockUntil;

  /** The reconcile that writes the first line matching {@code line} then waits (holding its thread) until released. */
  public void blockAfterWrite(Predicate<String> line, java.util.concurrent.CountDownLatch release) {
    blockUntil = release;
    blockAfter = line;
  }

  private void journal(String line) {
    journal.add(line);
    Predicate<String> block = blockAfter;
    if (block != null && block.test(line)) {
      blockAfter = null;
      try {
        blockUntil.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Predicate<String> trigger = crashAfter;
    if (trigger != null && trigger.test(line)) {
      crashAfter = null;
      crashed.release();
      throw new SimulatedCrash(line);
    }
  }

  /**
   * Kills the operator right after the first write whose journal line matches, then starts a new one, as a
   * restarted pod would. Returns false when no such write happened within the timeout.
   */
  public boolean crashAfterWrite(Predicate<String> line, Duration timeout) throws InterruptedException {
    crashAfter = line;
    boolean hit = crashed.tryAcquire(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    crashAfter = null;
    if (hit) {
      stopOperator();
      startOperator();
    }
    return hit;
  }

  public void annotate(String name, String key, String value) {
    retryOnConflict(() -> cr(name).edit(ci -> {
      Map<String, String> annotations = ci.getMetadata().getAnnotations() == null ? new java.util.HashMap<>()
          : new java.util.HashMap<>(ci.getMetadata().getAnnotations());
      if (value == null) {
        annotations.remove(key);
      } else {
        annotations.put(key, value);
      }
      ci.getMetadata().setAnnotations(annotations);
      return ci;
    }));
  }

  public void stopOperator() {
    if (operator != null) {
      operator.close();
      operatorClient.close();
    }
  }

  @Override
  public void close() {
    try {
      stopOperator();
    } finally {
      if (cluster != null) {
        cluster.close();
      } else {
        workloads.close();
      }
    }
  }

  // ---- the user's side ----

  public static CkanInstance instance(String name, CkanInstanceSpec spec) {
    CkanInstance ci = new CkanInstance();
    ci.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    ci.setSpec(spec);
    return ci;
  }

  public Resource<CkanInstance> cr(String name) {
    return client.resources(CkanInstance.class).inNamespace(NS).withName(name);
  }

  public CkanInstance apply(CkanInstance ci) {
    return client.resource(ci).createOr(existing -> existing.update());
  }

  /**
   * Deletes the instance and then what the API server's garbage collector would: every object whose controller
   * reference names the instance's uid (the mock server has no garbage collector).
   */
  public void deleteWithGarbageCollection(String name) {
    String uid = cr(name).get().getMetadata().getUid();
    cr(name).delete();
    java.util.List<io.fabric8.kubernetes.api.model.HasMetadata> owned = new java.util.ArrayList<>();
    owned.addAll(client.apps().deployments().inNamespace(NS).list().getItems());
    owned.addAll(client.services().inNamespace(NS).list().getItems());
    owned.addAll(client.configMaps().inNamespace(NS).list().getItems());
    owned.addAll(client.batch().v1().jobs().inNamespace(NS).list().getItems());
    owned.addAll(client.persistentVolumeClaims().inNamespace(NS).list().getItems());
    owned.addAll(client.network().v1().ingresses().inNamespace(NS).list().getItems());
    owned.stream().filter(o -> o.getMetadata().getOwnerReferences() != null && o.getMetadata().getOwnerReferences()
        .stream().anyMatch(r -> uid.equals(r.getUid()) && Boolean.TRUE.equals(r.getController())))
        .forEach(o -> client.resource(o).delete());
  }

  public CkanInstance edit(String name, Consumer<CkanInstanceSpec> change) {
    return retryOnConflict(() -> cr(name).edit(ci -> {
      change.accept(ci.getSpec());
      return ci;
    }));
  }

  /** What a person (or kubectl) does when the operator's status write raced their edit: read again and retry. */
  static <X> X retryOnConflict(java.util.function.Supplier<X> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  // ---- what the cluster shows ----

  public Integer pointer(String name) {
    Service svc = client.services().inNamespace(NS).withName(name).get();
    if (svc == null || svc.getSpec().getSelector() == null) {
      return null;
    }
    String rev = svc.getSpec().getSelector().get(Labels.REVISION);
    return rev == null ? null : Integer.valueOf(rev);
  }

  public Map<Integer, Deployment> revisions(String name) {
    Map<Integer, Deployment> byNumber = new TreeMap<>();
    client.apps().deployments().inNamespace(NS).withLabel(Labels.INSTANCE, name).withLabel(Labels.COMPONENT, Labels.WEB)
        .list().getItems()
        .forEach(d -> byNumber.put(Integer.valueOf(d.getMetadata().getLabels().get(Labels.REVISION)), d));
    return byNumber;
  }

  public Condition condition(String name, String type) {
    CkanInstance ci = cr(name).get();
    if (ci == null || ci.getStatus() == null || ci.getStatus().conditions == null) {
      return null;
    }
    return ci.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  public boolean conditionIs(String name, String type, String status) {
    Condition c = condition(name, type);
    return c != null && status.equals(c.getStatus());
  }

  public void awaitCondition(String name, String type, String status, Duration timeout) {
    await().atMost(timeout).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertTrue(conditionIs(name, type, status),
            type + " should be " + status + " but is " + condition(name, type) + "\njournal: " + journal));
  }

  public void awaitReady(String name, int revision, Duration timeout) {
    await().atMost(timeout).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      CkanInstance ci = cr(name).get();
      assertEquals(revision, pointer(name), "pointer; journal: " + journal);
      assertTrue(conditionIs(name, "Ready", "True"), "Ready: " + condition(name, "Ready") + "; journal: " + journal);
      assertEquals(revision, ci.getStatus().currentRevision);
      assertEquals(ci.getMetadata().getGeneration(), ci.getStatus().observedGeneration);
    });
  }

  /** Polls the cluster until {@code until} holds, checking {@code invariant} at every observation. */
  public void watchUntil(Duration timeout, Runnable invariant, Predicate<OperatorHarness> until) {
    await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
      invariant.run();
      return until.test(this);
    });
  }
}
