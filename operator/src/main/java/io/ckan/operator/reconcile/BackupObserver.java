package io.ckan.operator.reconcile;

import io.ckan.operator.contract.Labels;
import io.ckan.operator.plan.JobState;
import io.ckan.operator.plan.ObservedBackup;
import io.ckan.operator.resources.BackupObjects;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads an instance's backup Jobs; a failed one's reason is in its pod's termination message, read only for the
 * revision waiting for its backup (older Jobs cost no pod reads).
 */
final class BackupObserver {
  private BackupObserver() {}

  static Map<Integer, ObservedBackup> backups(Collection<Job> jobs, String instance, Integer awaiting,
      Function<String, List<Pod>> podsOfJob) {
    Map<Integer, ObservedBackup> result = new HashMap<>();
    for (Job job : jobs) {
      if (!ClusterObserver.isComponentOf(job, instance, BackupObjects.BACKUP)) {
        continue;
      }
      Optional<Integer> revision = ClusterObserver.revisionOf(job);
      if (revision.isEmpty()) {
        continue;
      }
      String name = job.getMetadata().getAnnotations() == null ? null
          : job.getMetadata().getAnnotations().get(Labels.BACKUP);
      JobState state = JobStates.of(job);
      String message = "";
      if (state == JobState.FAILED && revision.get().equals(awaiting)) {
        message = BuildObserver.terminationMessage(podsOfJob.apply(job.getMetadata().getName())).orElse("");
      }
      result.put(revision.get(), new ObservedBackup(revision.get(), job.getMetadata().getName(), name, state,
          message));
    }
    return result;
  }
}
