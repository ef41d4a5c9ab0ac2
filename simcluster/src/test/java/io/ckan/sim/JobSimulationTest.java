package io.ckan.sim;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobSimulationTest {

  private static SimulatedCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = SimulatedCluster.start(Scenario.create().timeScale(0.001));
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @BeforeEach
  void resetScenario() {
    cluster.scenario().clearRules();
  }

  @Test
  void defaultJobSucceedsWithEmptyJsonMessage() {
    create(TestObjects.job("portal-r1-migrate", "portal", "migrate"));
    JobStatus status = awaitStatus("portal-r1-migrate", s -> s.getSucceeded() != null);
    assertEquals(1, status.getSucceeded());
    assertNotNull(status.getCompletionTime());
    assertEquals("True", condition(status, "Complete").getStatus());
    Pod pod = onlyPod("portal-r1-migrate");
    assertEquals("{}", terminated(pod).getMessage());
  }

  @Test
  void succeedingJobLeavesATerminatedPodWithTheMessage() {
    String digest = JobBehaviour.fakeDigest("fp1");
    cluster.scenario().whenJobComponent("build",
        JobBehaviour.succeed(Duration.ofSeconds(30), "{\"digest\":\"" + digest + "\"}"));
    Job job = create(TestObjects.job("portal-build-0123456789ab", "portal", "build"));

    JobStatus running = awaitStatus("portal-build-0123456789ab", s -> s.getActive() != null);
    assertEquals(1, running.getActive());
    assertNotNull(running.getStartTime());

    JobStatus status = awaitStatus("portal-build-0123456789ab", s -> s.getSucceeded() != null);
    assertNull(status.getActive());
    assertEquals("True", condition(status, "Complete").getStatus());

    Pod pod = onlyPod("portal-build-0123456789ab");
    assertEquals("Succeeded", pod.getStatus().getPhase());
    assertEquals(0, terminated(pod).getExitCode());
    assertEquals("{\"digest\":\"" + digest + "\"}", terminated(pod).getMessage());
    assertEquals("Job", pod.getMetadata().getOwnerReferences().get(0).getKind());
    assertEquals(job.getMetadata().getUid(), pod.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals("portal-build-0123456789ab", pod.getMetadata().getLabels().get("batch.kubernetes.io/job-name"));
    assertEquals("build", pod.getMetadata().getLabels().get(Labels.COMPONENT), "template labels are copied");
    assertTrue(digest.matches("sha256:[0-9a-f]{64}"));
  }

  @Test
  void failingJobReportsBackoffLimitExceededAndAFailedPod() {
    cluster.scenario().whenJob("bad-migrate", JobBehaviour.fail(Duration.ofSeconds(5), "alembic: duplicate column"));
    create(TestObjects.job("bad-migrate", "portal", "migrate"));
    JobStatus status = awaitStatus("bad-migrate", s -> s.getFailed() != null);
    assertEquals(1, status.getFailed());
    JobCondition failed = condition(status, "Failed");
    assertEquals("True", failed.getStatus());
    assertEquals("BackoffLimitExceeded", failed.getReason());
    assertNull(condition(status, "Complete"));

    Pod pod = onlyPod("bad-migrate");
    assertEquals("Failed", pod.getStatus().getPhase());
    assertEquals(1, terminated(pod).getExitCode());
    assertEquals("alembic: duplicate column", terminated(pod).getMessage());
  }

  @Test
  void sequenceFailsTheFirstJobAndSucceedsTheNext() {
    cluster.scenario().whenJob("seq-", JobBehaviour.fail(Duration.ZERO, "first"),
        JobBehaviour.succeed(Duration.ZERO, "second"));
    create(TestObjects.job("seq-1", "portal", "build"));
    awaitStatus("seq-1", s -> s.getFailed() != null);
    create(TestObjects.job("seq-2", "portal", "build"));
    awaitStatus("seq-2", s -> s.getSucceeded() != null);
    create(TestObjects.job("seq-3", "portal", "build"));
    awaitStatus("seq-3", s -> s.getSucceeded() != null);
  }

  @Test
  void hangingJobStaysActiveUntilItsActiveDeadline() throws InterruptedException {
    cluster.scenario().whenJob("stuck", JobBehaviour.hang());
    create(TestObjects.job("stuck-forever", "portal", "build"));
    Job withDeadline = TestObjects.job("stuck-deadline", "portal", "build");
    withDeadline.getSpec().setActiveDeadlineSeconds(300L);
    create(withDeadline);

    JobStatus deadline = awaitStatus("stuck-deadline", s -> s.getFailed() != null);
    assertEquals("DeadlineExceeded", condition(deadline, "Failed").getReason());
    assertTrue(pods("stuck-deadline").isEmpty(), "a job killed by its deadline leaves no terminated pod");

    Thread.sleep(100);
    JobStatus forever = client.batch().v1().jobs().inNamespace("default").withName("stuck-forever").get().getStatus();
    assertEquals(1, forever.getActive());
    assertTrue(forever.getConditions().isEmpty());
  }

  @Test
  void deletingAJobDeletesItsPods() {
    create(TestObjects.job("short-lived", "portal", "migrate"));
    awaitStatus("short-lived", s -> s.getSucceeded() != null);
    assertFalse(pods("short-lived").isEmpty());
    client.batch().v1().jobs().inNamespace("default").withName("short-lived").delete();
    await().atMost(Duration.ofSeconds(5)).until(() -> pods("short-lived").isEmpty());
  }

  @Test
  void statusWipedByAMainPutIsReasserted() {
    create(TestObjects.job("rewritten", "portal", "migrate"));
    awaitStatus("rewritten", s -> s.getSucceeded() != null);
    Job current = client.batch().v1().jobs().inNamespace("default").withName("rewritten").get();
    current.setStatus(null);
    current.getMetadata().getLabels().put("touched", "yes");
    client.batch().v1().jobs().inNamespace("default").resource(current).update();
    awaitStatus("rewritten", s -> s.getSucceeded() != null);
    assertEquals(1, pods("rewritten").size());
  }

  private static Job create(Job job) {
    return client.batch().v1().jobs().inNamespace("default").resource(job).create();
  }

  private static JobStatus awaitStatus(String name, Predicate<JobStatus> condition) {
    JobStatus[] found = new JobStatus[1];
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
      Job job = client.batch().v1().jobs().inNamespace("default").withName(name).get();
      found[0] = job == null ? null : job.getStatus();
      return found[0] != null && condition.test(found[0]);
    });
    return found[0];
  }

  private static List<Pod> pods(String jobName) {
    return client.pods().inNamespace("default").withLabel("job-name", jobName).list().getItems();
  }

  private static Pod onlyPod(String jobName) {
    List<Pod> pods = pods(jobName);
    assertEquals(1, pods.size(), "pods of " + jobName);
    return pods.get(0);
  }

  private static ContainerStateTerminated terminated(Pod pod) {
    return pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
  }

  private static JobCondition condition(JobStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }
}
