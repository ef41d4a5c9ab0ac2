package io.ckan.sim;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeploymentSimulationTest {

  /** 600 s of simulated time take 0.6 s. */
  private static final double SCALE = 0.001;

  private static SimulatedCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = SimulatedCluster.start(Scenario.create().timeScale(SCALE));
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @BeforeEach
  void resetScenario() {
    cluster.scenario().clearRules().defaultBehaviour(Behaviour.healthy(Duration.ofSeconds(100)));
  }

  @Test
  void healthyDeploymentBecomesAvailableWithAllCounts() {
    Deployment created = create(TestObjects.web("healthy", 1, 2, TestObjects.GOOD_DIGEST, "2.11.3"));
    assertEquals(1L, created.getMetadata().getGeneration(), "the CRUD mock sets generation on create");

    DeploymentStatus status = awaitStatus("healthy-r1", s -> "True".equals(condition(s, "Available").getStatus()));
    assertEquals(2, status.getReplicas());
    assertEquals(2, status.getUpdatedReplicas());
    assertEquals(2, status.getReadyReplicas());
    assertEquals(2, status.getAvailableReplicas());
    assertNull(status.getUnavailableReplicas());
    assertEquals(1L, status.getObservedGeneration());
    assertEquals("MinimumReplicasAvailable", condition(status, "Available").getReason());
    assertEquals("True", condition(status, "Progressing").getStatus());
    assertEquals("NewReplicaSetAvailable", condition(status, "Progressing").getReason());
    // the event is recorded right after the status write, so it may trail what the API already shows
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> assertTrue(
        cluster.events().stream().anyMatch(e -> e.endsWith("deployment default/healthy-r1 available 2/2")),
        cluster.events().toString()));
  }

  @Test
  void aSettledDeploymentCausesNoFurtherWrites() throws InterruptedException {
    create(TestObjects.web("quiet", 1, 1, TestObjects.GOOD_DIGEST, "2.11.3"));
    awaitStatus("quiet-r1", s -> Integer.valueOf(1).equals(s.getAvailableReplicas()));
    Thread.sleep(100);
    String resourceVersion = client.apps().deployments().inNamespace("default").withName("quiet-r1").get()
        .getMetadata().getResourceVersion();
    Thread.sleep(300);
    assertEquals(resourceVersion, client.apps().deployments().inNamespace("default").withName("quiet-r1").get()
        .getMetadata().getResourceVersion(), "re-asserting an equal status must be a no-op");
  }

  @Test
  void progressingBeforeTheDelay() {
    cluster.scenario().whenRevision("slowpoke", 1, Behaviour.slow(Duration.ofSeconds(3000)));
    create(TestObjects.web("slowpoke", 1, 1, TestObjects.GOOD_DIGEST, "2.11.3"));
    DeploymentStatus status = awaitStatus("slowpoke-r1", s -> s.getConditions().size() == 2);
    assertEquals("False", condition(status, "Available").getStatus());
    assertEquals("ReplicaSetUpdated", condition(status, "Progressing").getReason());
    assertEquals(1, status.getUpdatedReplicas());
    assertNull(status.getAvailableReplicas());
    assertEquals(1, status.getUnavailableReplicas());
  }

  @Test
  void crashLoopNeverBecomesAvailableAndExceedsTheScaledProgressDeadline() {
    cluster.scenario().whenImageContains(TestObjects.BAD_DIGEST, Behaviour.crashLoop());
    long start = System.nanoTime();
    create(TestObjects.web("crash", 1, 2, TestObjects.BAD_DIGEST, "2.11.3"));

    DeploymentStatus rolling = awaitStatus("crash-r1", s -> condition(s, "Progressing") != null);
    assertEquals("ReplicaSetUpdated", condition(rolling, "Progressing").getReason());
    DeploymentStatus status = awaitStatus("crash-r1",
        s -> "ProgressDeadlineExceeded".equals(condition(s, "Progressing").getReason()));
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(elapsedMillis >= 550, "deadline of 600 s x 0.001 should take ~600 ms, took " + elapsedMillis);
    assertEquals("False", condition(status, "Progressing").getStatus());
    assertEquals("False", condition(status, "Available").getStatus());
    assertEquals(2, status.getReplicas());
    assertEquals(2, status.getUpdatedReplicas());
    assertNull(status.getReadyReplicas());
    assertNull(status.getAvailableReplicas());
    assertEquals(2, status.getUnavailableReplicas());
  }

  @Test
  void scalingToZeroAndBack() {
    create(TestObjects.web("scaler", 1, 2, TestObjects.GOOD_DIGEST, "2.11.3"));
    awaitStatus("scaler-r1", s -> Integer.valueOf(2).equals(s.getAvailableReplicas()));

    client.apps().deployments().inNamespace("default").withName("scaler-r1").scale(0);
    DeploymentStatus zero = awaitStatus("scaler-r1", s -> s.getReplicas() == null);
    assertNull(zero.getAvailableReplicas(), "zero counts are omitted, like the real API does");
    assertEquals("True", condition(zero, "Available").getStatus());

    client.apps().deployments().inNamespace("default").withName("scaler-r1").scale(3);
    DeploymentStatus three = awaitStatus("scaler-r1", s -> Integer.valueOf(3).equals(s.getAvailableReplicas()));
    assertEquals(3, three.getReplicas());
    assertEquals("True", condition(three, "Available").getStatus());
    assertEquals(3L, three.getObservedGeneration(), "every spec change bumps generation in the CRUD mock");
  }

  @Test
  void scalingUpAnAvailableDeploymentShowsTheNewCountsAfterTheDelay() {
    cluster.scenario().whenRevision("grower", 1, Behaviour.healthy(Duration.ofSeconds(300)));
    create(TestObjects.web("grower", 1, 1, TestObjects.GOOD_DIGEST, "2.11.3"));
    awaitStatus("grower-r1", s -> Integer.valueOf(1).equals(s.getAvailableReplicas()));

    client.apps().deployments().inNamespace("default").withName("grower-r1").scale(4);
    DeploymentStatus during = awaitStatus("grower-r1", s -> Integer.valueOf(4).equals(s.getReplicas()));
    assertEquals(1, during.getAvailableReplicas());
    assertEquals(3, during.getUnavailableReplicas());
    assertEquals("False", condition(during, "Available").getStatus(), "1 of 4 is below 4 - 25%");
    DeploymentStatus after = awaitStatus("grower-r1", s -> Integer.valueOf(4).equals(s.getAvailableReplicas()));
    assertEquals("True", condition(after, "Available").getStatus());
  }

  @Test
  void statusWipedByAMainPutIsReasserted() {
    create(TestObjects.web("wiped", 1, 1, TestObjects.GOOD_DIGEST, "2.11.3"));
    Deployment available = awaitDeployment("wiped-r1",
        d -> d.getStatus() != null && Integer.valueOf(1).equals(d.getStatus().getAvailableReplicas()));

    // what the operator does when it writes its desired object with PUT: no status in the body
    Deployment desired = new DeploymentBuilder(available).withStatus(null).build();
    desired.getMetadata().getLabels().put("touched", "yes");
    Deployment afterPut = client.apps().deployments().inNamespace("default").resource(desired).update();
    assertNull(afterPut.getStatus(), "mock quirk: a main PUT of a built-in kind replaces its status");
    assertEquals(1L, afterPut.getMetadata().getGeneration(), "metadata-only change: generation unchanged");

    DeploymentStatus status = awaitStatus("wiped-r1", s -> Integer.valueOf(1).equals(s.getAvailableReplicas()));
    assertEquals("True", condition(status, "Available").getStatus());
  }

  @Test
  void jsonMergePatchKeepsStatusAndBumpsGenerationOnSpecChange() {
    create(TestObjects.web("patched", 1, 1, TestObjects.GOOD_DIGEST, "2.11.3"));
    awaitStatus("patched-r1", s -> Integer.valueOf(1).equals(s.getAvailableReplicas()));
    cluster.scenario().whenImageContains(TestObjects.BAD_DIGEST, Behaviour.crashLoop());

    Deployment patched = client.apps().deployments().inNamespace("default").withName("patched-r1")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
            + "[{\"name\":\"ckan\",\"image\":\"registry.example.org/ckan@" + TestObjects.BAD_DIGEST + "\"}]}}}}");
    assertEquals(2L, patched.getMetadata().getGeneration());
    // a template change to a bad image: the old pod keeps serving, the rollout never completes
    DeploymentStatus status = awaitStatus("patched-r1",
        s -> "ProgressDeadlineExceeded".equals(condition(s, "Progressing").getReason()));
    assertEquals(2L, status.getObservedGeneration());
    assertEquals(1, status.getAvailableReplicas());
    assertEquals(2, status.getReplicas());
    assertEquals(1, status.getUpdatedReplicas());
  }

  @Test
  void becomesUnhealthyAfterBeingAvailable() {
    cluster.scenario().whenRevision("baker", 1,
        Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(10), Duration.ofSeconds(300)));
    create(TestObjects.web("baker", 1, 2, TestObjects.GOOD_DIGEST, "2.11.3"));
    awaitStatus("baker-r1", s -> Integer.valueOf(2).equals(s.getAvailableReplicas()));
    DeploymentStatus broken = awaitStatus("baker-r1", s -> s.getAvailableReplicas() == null);
    assertEquals("False", condition(broken, "Available").getStatus());
    assertEquals("NewReplicaSetAvailable", condition(broken, "Progressing").getReason());
    assertEquals(2, broken.getUnavailableReplicas());
  }

  @Test
  void changingTheScenarioAtRuntimeBreaksARunningRevision() {
    create(TestObjects.web("demo", 1, 1, TestObjects.GOOD_DIGEST, "2.11.3"));
    awaitStatus("demo-r1", s -> Integer.valueOf(1).equals(s.getAvailableReplicas()));
    cluster.scenario().whenRevision("demo", 1, Behaviour.crashLoop());
    DeploymentStatus status = awaitStatus("demo-r1", s -> s.getAvailableReplicas() == null);
    assertEquals("False", condition(status, "Available").getStatus());
  }

  private static Deployment create(Deployment deployment) {
    return client.apps().deployments().inNamespace("default").resource(deployment).create();
  }

  private static Deployment awaitDeployment(String name, java.util.function.Predicate<Deployment> condition) {
    Deployment[] found = new Deployment[1];
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
      found[0] = client.apps().deployments().inNamespace("default").withName(name).get();
      return found[0] != null && condition.test(found[0]);
    });
    return found[0];
  }

  private static DeploymentStatus awaitStatus(String name, java.util.function.Predicate<DeploymentStatus> condition) {
    return awaitDeployment(name, d -> d.getStatus() != null && d.getStatus().getConditions().size() == 2
        && condition.test(d.getStatus())).getStatus();
  }

  static DeploymentCondition condition(DeploymentStatus status, String type) {
    return Optional.ofNullable(status).map(DeploymentStatus::getConditions).orElse(java.util.List.of()).stream()
        .filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
