package io.ckan.sim;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Builds what the Job controller and kubelet would write for a {@link JobRun}: the Job status and the ended pod. */
final class JobObjects {

  private JobObjects() {
  }

  static JobStatus status(JobRun run) {
    String start = Timestamps.format(run.started());
    JobStatusBuilder status = new JobStatusBuilder().withStartTime(start);
    switch (run.state()) {
      case RUNNING:
        return status.withActive(1).withReady(0).build();
      case SUCCEEDED: {
        String end = Timestamps.format(run.finished());
        // a real API server (1.31+) refuses Complete=True without SuccessCriteriaMet=True, as the Job controller sets it
        return status.withSucceeded(1).withReady(0).withCompletionTime(end)
            .withConditions(new JobConditionBuilder().withType("SuccessCriteriaMet").withStatus("True")
                    .withReason("CompletionsReached").withMessage("Reached expected number of succeeded pods")
                    .withLastProbeTime(end).withLastTransitionTime(end).build(),
                new JobConditionBuilder().withType("Complete").withStatus("True")
                    .withReason("CompletionsReached").withMessage("Reached expected number of succeeded pods")
                    .withLastProbeTime(end).withLastTransitionTime(end).build())
            .build();
      }
      case FAILED:
        return failed(status, run, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
      default:
        return failed(status, run, "DeadlineExceeded", "Job was active longer than specified deadline");
    }
  }

  private static JobStatus failed(JobStatusBuilder status, JobRun run, String reason, String message) {
    String end = Timestamps.format(run.finished());
    // a real API server (1.31+) refuses Failed=True without FailureTarget=True, as the Job controller sets it
    return status.withFailed(1).withReady(0)
        .withConditions(new JobConditionBuilder().withType("FailureTarget").withStatus("True").withReason(reason)
                .withMessage(message).withLastProbeTime(end).withLastTransitionTime(end).build(),
            new JobConditionBuilder().withType("Failed").withStatus("True").withReason(reason)
                .withMessage(message).withLastProbeTime(end).withLastTransitionTime(end).build())
        .build();
  }

  /** The terminated pod of a finished run: owned by the Job, labelled like the Job controller does. */
  static Pod pod(Job job, JobRun run) {
    String uid = job.getMetadata().getUid();
    Map<String, String> labels = new HashMap<>(Optional.ofNullable(job.getSpec().getTemplate().getMetadata())
        .map(m -> m.getLabels()).orElse(Map.of()));
    labels.put(Labels.JOB_NAME, job.getMetadata().getName());
    labels.put(Labels.BATCH_JOB_NAME, job.getMetadata().getName());
    labels.put(Labels.CONTROLLER_UID, uid);
    labels.put(Labels.BATCH_CONTROLLER_UID, uid);
    PodSpec spec = new PodSpecBuilder(job.getSpec().getTemplate().getSpec()).withNodeName("sim-node").build();
    Container container = spec.getContainers().get(0);
    boolean succeeded = run.state() == JobRun.State.SUCCEEDED;
    return new PodBuilder()
        .withNewMetadata()
          .withName(podName(job))
          .withNamespace(job.getMetadata().getNamespace())
          .withLabels(labels)
          .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
              .withName(job.getMetadata().getName()).withUid(uid).withController(true)
              .withBlockOwnerDeletion(true).build())
        .endMetadata()
        .withSpec(spec)
        .withNewStatus()
          .withPhase(succeeded ? "Succeeded" : "Failed")
          .withStartTime(Timestamps.format(run.started()))
          .withContainerStatuses(new ContainerStatusBuilder()
              .withName(container.getName())
              .withImage(container.getImage())
              .withImageID(container.getImage())
              .withReady(false)
              .withStarted(false)
              .withRestartCount(0)
              .withNewState().withNewTerminated()
                .withExitCode(succeeded ? 0 : 1)
                .withReason(succeeded ? "Completed" : "Error")
                .withMessage(run.message())
                .withStartedAt(Timestamps.format(run.started()))
                .withFinishedAt(Timestamps.format(run.finished()))
              .endTerminated().endState()
              .build())
        .endStatus()
        .build();
  }

  /** Like the Job controller's generated names ({@code <job>-<5 chars>}), but stable for a given Job uid. */
  static String podName(Job job) {
    String suffix = UUID.nameUUIDFromBytes(String.valueOf(job.getMetadata().getUid()).getBytes(StandardCharsets.UTF_8))
        .toString().replace("-", "").substring(0, 5);
    return job.getMetadata().getName() + "-" + suffix;
  }
}
