package io.ckan.sim;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpecBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pod model without a cluster: wall-clock instants are given, time scale 1. */
class SimulatedPodsTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final Duration DEADLINE = Duration.ofSeconds(600);

  @Test
  void healthyPodsBecomeReadyAfterTheDelayAndTheNextChangeIsAnnounced() {
    SimulatedPods pods = new SimulatedPods();
    Behaviour healthy = Behaviour.healthy(Duration.ofSeconds(5));
    SimulatedPods.Snapshot start = pods.observe("a", 3, healthy, 1.0, DEADLINE, T0);
    assertEquals(0, start.available());
    assertEquals(3, start.updated());
    assertEquals(T0.plusSeconds(5), start.nextChange());
    SimulatedPods.Snapshot ready = pods.observe("a", 3, healthy, 1.0, DEADLINE, T0.plusSeconds(5));
    assertEquals(3, ready.available());
    assertTrue(ready.complete());
    assertNull(ready.nextChange());
  }

  @Test
  void crashLoopHitsTheDeadlineAndNeverCompletes() {
    SimulatedPods pods = new SimulatedPods();
    SimulatedPods.Snapshot start = pods.observe("a", 2, Behaviour.crashLoop(), 0.5, DEADLINE, T0);
    assertEquals(T0.plusSeconds(300), start.nextChange(), "deadline scaled by 0.5");
    assertFalse(start.deadlineExceeded());
    SimulatedPods.Snapshot late = pods.observe("a", 2, Behaviour.crashLoop(), 0.5, DEADLINE, T0.plusSeconds(300));
    assertTrue(late.deadlineExceeded());
    assertFalse(late.complete());
    assertEquals(0, late.available());
    assertNull(late.nextChange());
  }

  @Test
  void aTemplateChangeKeepsOldReadyPodsUntilNewOnesAreReady() {
    SimulatedPods pods = new SimulatedPods();
    Behaviour healthy = Behaviour.healthy(Duration.ofSeconds(1));
    pods.observe("a", 2, healthy, 1.0, DEADLINE, T0);
    assertEquals(2, pods.observe("a", 2, healthy, 1.0, DEADLINE, T0.plusSeconds(1)).available());
    SimulatedPods.Snapshot rolling = pods.observe("b", 2, healthy, 1.0, DEADLINE, T0.plusSeconds(10));
    assertEquals(2, rolling.available());
    assertEquals(4, rolling.replicas());
    assertEquals(2, rolling.updated());
    assertFalse(rolling.complete());
    SimulatedPods.Snapshot done = pods.observe("b", 2, healthy, 1.0, DEADLINE, T0.plusSeconds(11));
    assertEquals(2, done.replicas());
    assertTrue(done.complete());
  }

  @Test
  void becomesUnhealthyStaysCompleteButLosesAvailability() {
    SimulatedPods pods = new SimulatedPods();
    Behaviour flaky = Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(1), Duration.ofSeconds(10));
    pods.observe("a", 1, flaky, 1.0, DEADLINE, T0);
    SimulatedPods.Snapshot ready = pods.observe("a", 1, flaky, 1.0, DEADLINE, T0.plusSeconds(1));
    assertEquals(1, ready.available());
    assertEquals(T0.plusSeconds(11), ready.nextChange());
    SimulatedPods.Snapshot broken = pods.observe("a", 1, flaky, 1.0, DEADLINE, T0.plusSeconds(11));
    assertEquals(0, broken.available());
    assertTrue(broken.complete());
    assertFalse(broken.deadlineExceeded());
  }

  @Test
  void scaleDownIsImmediate() {
    SimulatedPods pods = new SimulatedPods();
    Behaviour healthy = Behaviour.healthy(Duration.ofSeconds(1));
    pods.observe("a", 3, healthy, 1.0, DEADLINE, T0);
    pods.observe("a", 3, healthy, 1.0, DEADLINE, T0.plusSeconds(2));
    SimulatedPods.Snapshot down = pods.observe("a", 1, healthy, 1.0, DEADLINE, T0.plusSeconds(3));
    assertEquals(1, down.replicas());
    assertEquals(1, down.available());
    SimulatedPods.Snapshot zero = pods.observe("a", 0, healthy, 1.0, DEADLINE, T0.plusSeconds(4));
    assertEquals(0, zero.replicas());
    assertTrue(zero.complete());
  }

  @Test
  void maxUnavailableDefaultsTo25PercentRoundedDown() {
    assertEquals(0, DeploymentStatusFactory.maxUnavailable(new DeploymentSpec(), 1));
    assertEquals(1, DeploymentStatusFactory.maxUnavailable(new DeploymentSpec(), 4));
    DeploymentSpec explicit = new DeploymentSpecBuilder().withNewStrategy().withType("RollingUpdate")
        .withNewRollingUpdate().withMaxUnavailable(new IntOrString(2)).endRollingUpdate().endStrategy().build();
    assertEquals(2, DeploymentStatusFactory.maxUnavailable(explicit, 4));
    DeploymentSpec recreate = new DeploymentSpecBuilder().withNewStrategy().withType("Recreate").endStrategy().build();
    assertEquals(0, DeploymentStatusFactory.maxUnavailable(recreate, 4));
  }
}
