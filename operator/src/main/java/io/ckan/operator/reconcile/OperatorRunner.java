package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.health.StatusShowProbe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

/** Wires the reconciler into a JOSDK {@link Operator}: the same wiring for `run`, the demo and the tests. */
public final class OperatorRunner implements AutoCloseable {
  private final Operator operator;
  private final CkanInstanceReconciler reconciler;

  private OperatorRunner(Operator operator, CkanInstanceReconciler reconciler) {
    this.operator = operator;
    this.reconciler = reconciler;
  }

  /**
   * @param namespaces watched namespaces; empty means all
   * @param journal    receives one human-readable line per write (the demo prints them)
   */
  public static OperatorRunner start(KubernetesClient client, Set<String> namespaces, Clock clock,
      StatusShowProbe probe, Consumer<String> journal) {
    return start(client, namespaces, clock, probe, journal, Metrics.NOOP);
  }

  /** As above, with JOSDK's metrics hook (reconcile timings, events) told about every reconcile. */
  public static OperatorRunner start(KubernetesClient client, Set<String> namespaces, Clock clock,
      StatusShowProbe probe, Consumer<String> journal, Metrics metrics) {
    Operator operator = new Operator(o -> o
        .withKubernetesClient(client)
        .withMetrics(metrics)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .withCloseClientOnStop(false)
        .withConcurrentReconciliationThreads(4)
        .withReconciliationTerminationTimeout(Duration.ofSeconds(5)));
    Consumer<ControllerConfigurationOverrider<CkanInstance>> config = c -> {
      c.withItemStore(new PrunedStore<>(CkanInstance.class));
      if (!namespaces.isEmpty()) {
        c.settingNamespaces(namespaces);
      }
    };
    CkanInstanceReconciler reconciler = new CkanInstanceReconciler(clock, probe, journal);
    operator.register(reconciler, config);
    operator.start();
    return new OperatorRunner(operator, reconciler);
  }


  @Override
  public void close() {
    operator.stop();
    reconciler.close();
  }
}
