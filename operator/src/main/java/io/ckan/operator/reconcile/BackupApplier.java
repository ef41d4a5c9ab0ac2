package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.contract.Names;
import io.ckan.operator.plan.Step;
import io.ckan.operator.resources.BackupObjects;
import io.ckan.operator.resources.DesiredState;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/** The writes of the backup steps: they need the instance's spec.backup, which the release does not carry. */
final class BackupApplier {
  private BackupApplier() {}

  /** Performs {@code step} if it is a backup step; false otherwise (the {@link StepApplier} performs it). */
  static boolean apply(Step step, StepApplier applier, KubernetesClient client, Owner owner, CkanInstanceSpec spec) {
    if (step instanceof Step.StartBackup b) {
      applier.create(DesiredState.backup(owner, spec, b.revision(), b.name()));
      applier.note(owner, "backup " + b.name() + " started (job " + BackupObjects.backupJobName(owner.name(),
          b.revision()) + ")");
      return true;
    }
    if (step instanceof Step.RecordBackup r) {
      applier.patchMerge(ConfigMap.class, owner, Names.revision(owner.name(), r.revision()),
          Map.of("metadata", Map.of("annotations", Map.of(Labels.BACKUP, r.name()))));
      applier.note(owner, "revision " + r.revision() + " backed up as " + r.name());
      return true;
    }
    if (step instanceof Step.DeleteBackup d) {
      client.batch().v1().jobs().inNamespace(owner.namespace()).withName(d.jobName())
          .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      applier.note(owner, "deleted backup job " + d.jobName() + " (" + d.why() + ")");
      return true;
    }
    return false;
  }
}
