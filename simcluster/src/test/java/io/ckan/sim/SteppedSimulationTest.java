package io.ckan.sim;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controllers on demand: nothing happens between steps, and each step acts as of the instant it is given. The
 * tests' rules name their own objects, so they share one scenario.
 */
class SteppedSimulationTest {

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static SimulatedCluster cluster;
  private static KubernetesClient client;
  private static SteppedSimulation sim;

  @BeforeAll
  static void start() {
    cluster = SimulatedCluster.stepped(Scenario.create());
    client = cluster.client();
    sim = cluster.stepper();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aDeploymentBecomesAvailableOnlyAtAStepAfterItsReadyDelay() throws InterruptedException {
    client.resource(TestObjects.config("web", 1, "activity text_view")).create();
    client.resource(TestObjects.revisionService("web", 1)).create();
    client.resource(TestObjects.web("web", 1, 2, TestObjects.GOOD_DIGEST, "2.11.5")).create();
    Thread.sleep(50);
    assertNull(status("web-r1"), "no controller acts by itself");
    assertEquals(503, sim.statusShow("default", "web-r1").status());

    sim.step("default", T0);
    assertNull(status("web-r1").getAvailableReplicas(), "pods are not ready at once");
    List<io.fabric8.kubernetes.api.model.apps.Deployment> after = sim.step("default",
        T0.plus(Behaviour.DEFAULT_READY_DELAY));
    assertEquals(2, status("web-r1").getAvailableReplicas());
    assertEquals(status("web-r1"), after.get(0).getStatus(), "the step returns the Deployments as it left them");
    FakeCkan.Answer answer = sim.statusShow("default", "web-r1");
    assertEquals(200, answer.status());
    assertTrue(answer.body().contains("\"ckan_version\":\"2.11.5\"") && answer.body().contains("text_view"),
        answer.body());

    cluster.scenario().whenRevision("web", 1, Behaviour.crashLoop());
    sim.step("default", T0.plusSeconds(10));
    assertNull(status("web-r1").getAvailableReplicas(), "the scenario's change is seen at the next step");
    assertEquals(503, sim.statusShow("default", "web-r1").status());
  }

  @Test
  void aJobEndsAtTheStepAfterItsDelayAndItsPodsGoWithIt() {
    cluster.scenario().whenJob("steps-migrate", JobBehaviour.fail(Duration.ofSeconds(5), "alembic: no such table"));
    Job job = client.resource(TestObjects.job("steps-migrate", "portal", "migrate")).create();
    sim.step("default", T0);
    assertEquals(1, job("steps-migrate").getStatus().getActive());
    sim.step("default", T0.plusSeconds(4));
    assertEquals(1, job("steps-migrate").getStatus().getActive());
    sim.step("default", T0.plusSeconds(5));
    assertEquals(1, job("steps-migrate").getStatus().getFailed());
    ContainerStateTerminated ended = pods(job).get(0).getStatus().getContainerStatuses().get(0).getState()
        .getTerminated();
    assertEquals("alembic: no such table", ended.getMessage());

    client.resource(job).delete();
    sim.step("default", T0.plusSeconds(6));
    assertTrue(pods(job).isEmpty(), "the pods of a deleted Job are collected");
  }

  private static DeploymentStatus status(String name) {
    return client.apps().deployments().inNamespace("default").withName(name).get().getStatus();
  }

  private static Job job(String name) {
    return client.batch().v1().jobs().inNamespace("default").withName(name).get();
  }

  private static List<Pod> pods(Job job) {
    return client.pods().inNamespace("default").withLabel(Labels.CONTROLLER_UID, job.getMetadata().getUid()).list()
        .getItems();
  }
}
