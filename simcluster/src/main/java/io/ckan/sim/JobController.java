package io.ckan.sim;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Plays the Job controller and the kubelet for the operator's Jobs (build, migrate): decides each Job's behaviour when
 * it is first seen, and when it ends creates the terminated pod (with the termination message) and then writes the
 * Job's final status. Deleting a Job deletes its pods, like the garbage collector would.
 */
final class JobController implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JobController.class);
  private static final Duration RETRY = Duration.ofMillis(100);

  private final KubernetesClient client;
  private final Scenario scenario;
  private final ControllerLoop loop;
  private final EventLog events;
  private final ManagedInformer<Job> informer;
  /** Loop-thread state per Job uid. */
  private final Map<String, JobRun> runs = new HashMap<>();

  JobController(KubernetesClient client, Scenario scenario, ControllerLoop loop, EventLog events) {
    this.client = client;
    this.scenario = scenario;
    this.loop = loop;
    this.events = events;
    this.informer = new ManagedInformer<>(
        client.batch().v1().jobs().inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE),
        loop, this::reconcile, this::deleted);
  }

  void start() {
    informer.start();
  }

  private void reconcile(String key) {
    Job job = informer.get(key);
    if (job == null || job.getMetadata().getUid() == null) {
      return;
    }
    Instant now = loop.clock().instant();
    JobRun run = runs.computeIfAbsent(job.getMetadata().getUid(), uid -> {
      JobBehaviour behaviour = scenario.jobBehaviourFor(job);
      events.record("job %s started, behaviour: %s", key, behaviour);
      return new JobRun(behaviour, now);
    });
    JobRun.State before = run.state();
    Instant next = run.advance(job, scenario.timeScale(), now);
    if (run.state() != before) {
      logEnd(key, run);
    }
    try {
      write(client, job, run);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return;
      }
      LOG.debug("updating job {} failed ({}), retrying", key, e.getCode());
      next = now.plus(RETRY);
    }
    if (next != null) {
      loop.scheduleAt("job:" + key, next, () -> reconcile(key));
    }
  }

  /** Writes what the run has come to: the ended pod (once) and the Job's status, where they changed. */
  static void write(KubernetesClient client, Job job, JobRun run) {
    if (run.needsPod()) {
      createPod(client, job, run);
    }
    JobStatus desired = JobObjects.status(run);
    if (!Objects.equals(desired, job.getStatus())) {
      client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace())
          .resource(new JobBuilder(job).withStatus(desired).build()).updateStatus();
    }
  }

  /**
   * Creates the ended pod, then writes its status through the status subresource: a real API server drops the status
   * of a create (the pod starts Pending), the mock keeps it; either way the second write leaves the terminated state.
   */
  private static void createPod(KubernetesClient client, Job job, JobRun run) {
    Pod pod = JobObjects.pod(job, run);
    Pod stored;
    try {
      stored = client.pods().inNamespace(job.getMetadata().getNamespace()).resource(pod).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      stored = client.pods().inNamespace(job.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
    }
    if (stored != null && !Objects.equals(pod.getStatus(), stored.getStatus())) {
      client.pods().inNamespace(job.getMetadata().getNamespace())
          .resource(new PodBuilder(stored).withStatus(pod.getStatus()).build()).updateStatus();
    }
    run.podCreated();
  }

  private void logEnd(String key, JobRun run) {
    switch (run.state()) {
      case SUCCEEDED:
        events.record("job %s succeeded, termination message: %s", key, run.message());
        break;
      case FAILED:
        events.record("job %s failed (BackoffLimitExceeded), termination message: %s", key, run.message());
        break;
      default:
        events.record("job %s failed (DeadlineExceeded)", key);
    }
  }

  private void deleted(Job job) {
    String key = job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
    String uid = job.getMetadata().getUid();
    runs.remove(uid);
    loop.cancel("job:" + key);
    try {
      deletePods(client, job.getMetadata().getNamespace(), uid);
    } catch (KubernetesClientException e) {
      LOG.debug("deleting pods of job {} failed", key, e);
    }
    events.record("job %s deleted", key);
  }

  /** What the garbage collector does to the pods of a deleted Job. */
  static void deletePods(KubernetesClient client, String namespace, String jobUid) {
    client.pods().inNamespace(namespace).withLabel(Labels.CONTROLLER_UID, jobUid).delete();
  }

  @Override
  public void close() {
    informer.close();
  }
}
