package io.ckan.operator.reconcile;

import io.ckan.operator.plan.JobState;
import io.ckan.operator.plan.ObservedMigration;
import io.ckan.operator.release.MigrationResult;
import io.ckan.operator.contract.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Reads an instance's migration Jobs; a finished one's result is in its pod's termination message. */
final class MigrationObserver {
  private MigrationObserver() {}

  /**
   * @param awaiting revisions waiting for their migration's result (no heads on record, no web Deployment): the
   *                 Jobs of all others are not read, so old Jobs cost no pod reads
   */
  static Map<Integer, ObservedMigration> migrations(Collection<Job> jobs, String instance, Set<Integer> awaiting,
      Function<String, List<Pod>> podsOfJob) {
    Map<Integer, ObservedMigration> result = new HashMap<>();
    for (Job job : jobs) {
      if (!ClusterObserver.isComponentOf(job, instance, Labels.MIGRATE)) {
        continue;
      }
      Optional<Integer> revision = ClusterObserver.revisionOf(job);
      if (revision.isEmpty() || !awaiting.contains(revision.get())) {
        continue;
      }
      JobState state = JobStates.of(job);
      boolean succeeded = state == JobState.SUCCEEDED;
      if (state == JobState.RUNNING) {
        result.put(revision.get(), new ObservedMigration(revision.get(), JobState.RUNNING, null, null,
            ""));
        continue;
      }
      Optional<String> message = BuildObserver.terminationMessage(podsOfJob.apply(job.getMetadata().getName()));
      if (succeeded) {
        Optional<MigrationResult> parsed = message.flatMap(MigrationResult::parse);
        result.put(revision.get(), parsed
            .map(r -> new ObservedMigration(revision.get(), JobState.SUCCEEDED, r.before(), r.after(), ""))
            .orElseGet(() -> new ObservedMigration(revision.get(), JobState.FAILED, null, null,
                "the migration reported no schema heads: " + message.orElse("no termination message"))));
      } else {
        String why = message.flatMap(MigrationResult::error).or(() -> message).orElse("the migration Job failed");
        result.put(revision.get(), new ObservedMigration(revision.get(), JobState.FAILED, null, null,
            why));
      }
    }
    return result;
  }
}
