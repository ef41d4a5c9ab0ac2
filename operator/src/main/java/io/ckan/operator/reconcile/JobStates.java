package io.ckan.operator.reconcile;

import io.ckan.operator.plan.JobState;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/** Reads a Job's status: succeeded once a pod succeeded, failed on the Failed condition or a failed pod. */
final class JobStates {
  private JobStates() {}

  static JobState of(Job job) {
    var status = job.getStatus();
    if (status == null) {
      return JobState.RUNNING;
    }
    if (status.getSucceeded() != null && status.getSucceeded() > 0) {
      return JobState.SUCCEEDED;
    }
    boolean failedCondition = status.getConditions() != null && status.getConditions().stream()
        .anyMatch(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()));
    if (failedCondition || (status.getFailed() != null && status.getFailed() > 0)) {
      return JobState.FAILED;
    }
    return JobState.RUNNING;
  }
}
