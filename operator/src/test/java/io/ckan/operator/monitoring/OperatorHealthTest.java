package io.ckan.operator.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstance;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What /readyz and /healthz answer, and the reconcile clock /healthz reads. */
class OperatorHealthTest {
  static final Duration BOUND = Duration.ofMinutes(5);

  static OperatorHealth health(boolean started, Set<String> unhealthy, Duration unhealthyFor, Duration oldest) {
    return new OperatorHealth(started, unhealthy, Optional.ofNullable(unhealthyFor), Optional.ofNullable(oldest),
        true, false, Optional.of("operator-a"));
  }

  @Test
  void readyOnlyOnceStartedWithHealthyInformersAndTheBodySaysWhoLeads() {
    assertEquals(503, health(false, Set.of(), null, null).readiness().code());
    assertEquals(503, health(true, Set.of("ckaninstance/deployment"), Duration.ZERO, null).readiness().code());
    OperatorHealth.Answer ready = health(true, Set.of(), null, null).readiness();
    assertEquals(200, ready.code());
    assertEquals("ready\nleader: false (lease held by operator-a)\n", ready.body());
  }

  @Test
  void wedgedWhenAReconcileOrUnhealthyInformersOutlastTheBound() {
    assertEquals(200, health(false, Set.of(), null, null).liveness(BOUND).code(), "a slow start is not wedged");
    assertEquals(200, health(true, Set.of(), null, BOUND).liveness(BOUND).code());
    OperatorHealth.Answer stuck = health(true, Set.of(), null, BOUND.plusSeconds(1)).liveness(BOUND);
    assertEquals(503, stuck.code());
    assertTrue(stuck.body().startsWith("wedged: a reconcile has been running for 301 s"), stuck.body());
    assertEquals(200, health(true, Set.of("c/s"), BOUND, null).liveness(BOUND).code(), "a reconnecting watch");
    assertEquals(503, health(true, Set.of("c/s"), BOUND.plusSeconds(1), null).liveness(BOUND).code());
  }

  @Test
  void theClockKnowsTheOldestRunningReconcileAndWhatTriggeredIt() {
    AtomicLong now = new AtomicLong();
    ReconcileClock clock = new ReconcileClock(now::get);
    CkanInstance a = instance("a");
    CkanInstance b = instance("b");
    clock.reconciliationExecutionStarted(a, Map.of());
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    clock.reconciliationExecutionStarted(b, Map.of());
    now.addAndGet(Duration.ofSeconds(5).toNanos());
    assertEquals(Optional.of(Duration.ofSeconds(15)), clock.oldestRunning());
    clock.reconciliationExecutionFinished(a, Map.of());
    assertEquals(Optional.of(Duration.ofSeconds(5)), clock.oldestRunning());
    clock.failedReconciliation(b, new RuntimeException(), Map.of());
    assertEquals(Optional.empty(), clock.oldestRunning());
  }

  static CkanInstance instance(String name) {
    CkanInstance ci = new CkanInstance();
    ci.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    return ci;
  }
}
