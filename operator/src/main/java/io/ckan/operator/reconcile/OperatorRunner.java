package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.currency.ReleaseLinesSource;
import io.ckan.operator.health.StatusShowProbe;
import io.ckan.operator.monitoring.DomainMetrics;
import io.ckan.operator.monitoring.MetricsChain;
import io.ckan.operator.monitoring.OperatorHealth;
import io.ckan.operator.monitoring.ProbeServer;
import io.ckan.operator.monitoring.ReconcileClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Wires the reconciler into a JOSDK {@link Operator}: the same wiring for `run`, the demo and the tests. */
public final class OperatorRunner implements AutoCloseable, ProbeServer.Source {

  /**
   * Leader election on a Lease in the operator's own namespace.
   *
   * @param identity this replica (its pod name)
   * @param onLost   what to do when the lease is lost while running: the replica must stop reconciling (`run` exits
   *                 the process, and the restarted pod comes back as a standby)
   */
  public record LeaderElection(String leaseName, String leaseNamespace, String identity, Duration leaseDuration,
      Duration renewDeadline, Duration retryPeriod, Runnable onLost) {
    public static final String LEASE_NAME = "ckan-operator-leader";

    public LeaderElection {
      Objects.requireNonNull(leaseName);
      Objects.requireNonNull(leaseNamespace);
      Objects.requireNonNull(identity);
      Objects.requireNonNull(onLost);
      if (!(leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0)) {
        throw new IllegalArgumentException("leader election needs lease duration > renew deadline > retry period");
      }
    }

    /** Kubernetes' usual timings: a 15 s lease, renewed within 10 s, tried every 2 s. */
    public static LeaderElection of(String leaseNamespace, String identity, Runnable onLost) {
      return new LeaderElection(LEASE_NAME, leaseNamespace, identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
          Duration.ofSeconds(2), onLost);
    }
  }

  /**
   * @param metrics        JOSDK's metrics hook of the caller (the benchmarks count reconciles with it)
   * @param registry       where JOSDK's and the domain metrics go (null: none)
   * @param leaderElection null: this replica reconciles alone (tests, the demo, one replica)
   * @param drainTimeout   how long a stop waits for running reconciles to finish
   */
  public record Options(Metrics metrics, PrometheusMeterRegistry registry, LeaderElection leaderElection,
      Duration drainTimeout, ReleaseLinesSource releaseLines) {
    public static Options defaults() {
      return new Options(Metrics.NOOP, null, null, Duration.ofSeconds(5), null);
    }

    public Options withMetrics(Metrics value) {
      return new Options(value, registry, leaderElection, drainTimeout, releaseLines);
    }

    public Options withRegistry(PrometheusMeterRegistry value) {
      return new Options(metrics, value, leaderElection, drainTimeout, releaseLines);
    }

    public Options withLeaderElection(LeaderElection value) {
      return new Options(metrics, registry, value, drainTimeout, releaseLines);
    }

    public Options withDrainTimeout(Duration value) {
      return new Options(metrics, registry, leaderElection, value, releaseLines);
    }

    /** The release-line table's source (null: the shipped table only). */
    public Options withReleaseLines(ReleaseLinesSource value) {
      return new Options(metrics, registry, leaderElection, drainTimeout, value);
    }
  }

  private final Operator operator;
  private final CkanInstanceReconciler reconciler;
  private final KubernetesClient client;
  private final ReconcileClock reconcileClock;
  private final Leadership leadership;
  private final PrometheusMeterRegistry registry;
  private final DomainMetrics domain;
  private final InformerFailures informerFailures;
  /** Since when (System.nanoTime) the event sources have been unhealthy without a break; -1 while healthy. */
  private final AtomicLong unhealthySince = new AtomicLong(-1);

  private OperatorRunner(Operator operator, CkanInstanceReconciler reconciler, KubernetesClient client,
      ReconcileClock reconcileClock, Leadership leadership, PrometheusMeterRegistry registry, DomainMetrics domain,
      InformerFailures informerFailures) {
    this.operator = operator;
    this.informerFailures = informerFailures;
    this.reconciler = reconciler;
    this.client = client;
    this.reconcileClock = reconcileClock;
    this.leadership = leadership;
    this.registry = registry;
    this.domain = domain;
  }

  /**
   * @param namespaces watched namespaces; empty means all
   * @param journal    receives one human-readable line per write (the demo prints them)
   */
  public static OperatorRunner start(KubernetesClient client, Set<String> namespaces, Clock clock,
      StatusShowProbe probe, Consumer<String> journal) {
    return start(client, namespaces, clock, probe, journal, Options.defaults());
  }

  /** As above, with JOSDK's metrics hook (reconcile timings, events) told about every reconcile. */
  public static OperatorRunner start(KubernetesClient client, Set<String> namespaces, Clock clock,
      StatusShowProbe probe, Consumer<String> journal, Metrics metrics) {
    return start(client, namespaces, clock, probe, journal, Options.defaults().withMetrics(metrics));
  }

  /** Starts the operator; with leader election it returns once the informers synced, leading or not. */
  public static OperatorRunner start(KubernetesClient client, Set<String> namespaces, Clock clock,
      StatusShowProbe probe, Consumer<String> journal, Options options) {
    ReconcileClock reconcileClock = new ReconcileClock();
    Leadership leadership = options.leaderElection() == null ? null : new Leadership(options.leaderElection());
    PrometheusMeterRegistry registry = options.registry();
    List<Metrics> hooks = new ArrayList<>(List.of(options.metrics(), reconcileClock));
    DomainMetrics domain = null;
    if (registry != null) {
      hooks.add(MicrometerMetrics.withoutPerResourceMetrics(registry));
      domain = new DomainMetrics(registry, () -> leadership == null || leadership.leads());
      Gauge.builder("ckan.operator.leader", () -> leadership == null || leadership.leads() ? 1 : 0)
          .description("1 when this replica leads (reconciles), 0 for a standby").register(registry);
    }
    InformerFailures informerFailures = InformerFailures.exitingTheProcess();
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withInformerStoppedHandler(informerFailures)
          .withMetrics(new MetricsChain(hooks))
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withCloseClientOnStop(false)
          .withConcurrentReconciliationThreads(4)
          .withReconciliationTerminationTimeout(options.drainTimeout());
      if (leadership != null) {
        o.withLeaderElectionConfiguration(leadership.configuration());
      }
    });
    Consumer<ControllerConfigurationOverrider<CkanInstance>> config = c -> {
      c.withItemStore(new PrunedStore<>(CkanInstance.class));
      if (!namespaces.isEmpty()) {
        c.settingNamespaces(namespaces);
      }
    };
    DomainMetrics counted = domain;
    CkanInstanceReconciler.Listener listener = counted == null ? CkanInstanceReconciler.Listener.NONE
        : new CkanInstanceReconciler.Listener() {
          @Override
          public void pointerWritten(CkanInstance instance) {
            reconcileClock.pointerWritten(ResourceID.fromResource(instance));
          }

          @Override
          public void reconciled(CkanInstance instance, Reconciliation.Outcome outcome, java.time.Instant now,
              DomainMetrics.Objects cluster) {
            counted.reconciled(instance, outcome.applied(), now,
                reconcileClock.triggerToPointerWrite(ResourceID.fromResource(instance)), cluster);
          }
        };
    CkanInstanceReconciler reconciler = new CkanInstanceReconciler(clock, probe, journal, listener,
        options.releaseLines() == null ? ReleaseLinesSource.shippedOnly() : options.releaseLines());
    operator.register(reconciler, config);
    operator.start();
    return new OperatorRunner(operator, reconciler, client, reconcileClock, leadership, registry, domain,
        informerFailures);
  }

  /** Whether this replica reconciles: it leads, or runs without leader election. */
  public boolean leads() {
    return leadership == null || leadership.leads();
  }

  @Override
  public OperatorHealth health() {
    RuntimeInfo info = operator.getRuntimeInfo();
    boolean started = info.isStarted();
    Set<String> unhealthy = new TreeSet<>();
    if (started) {
      info.unhealthyEventSources().forEach((controller, sources) ->
          sources.keySet().forEach(source -> unhealthy.add(controller + "/" + source)));
    }
    long now = System.nanoTime();
    if (unhealthy.isEmpty()) {
      unhealthySince.set(-1);
    } else {
      unhealthySince.compareAndSet(-1, now);
    }
    long since = unhealthySince.get();
    return new OperatorHealth(started, unhealthy,
        since < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(now - since)), reconcileClock.oldestRunning(),
        leadership != null, leads(), Optional.ofNullable(leadership == null ? null : leadership.leader()));
  }

  /** Prometheus text of every metric (empty without a registry); the state gauges are read from the caches first. */
  @Override
  public String scrape() {
    if (registry == null) {
      return "";
    }
    domain.refresh(reconciler.cachedInstances());
    return registry.scrape();
  }

  /**
   * Stops reconciling (running reconciles get the drain timeout to finish), then gives the lease up if this replica
   * held it, so that a standby takes over at its next try rather than when the lease expires.
   */
  @Override
  public void close() {
    informerFailures.stopping();
    if (leadership != null) {
      leadership.stopping();
    }
    operator.stop();
    reconciler.close();
    if (leadership != null) {
      leadership.release(client);
    }
  }
}
