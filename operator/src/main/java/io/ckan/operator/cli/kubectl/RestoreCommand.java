package io.ckan.operator.cli.kubectl;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.resources.BackupObjects;
import io.ckan.operator.resources.BackupScripts;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * {@code kubectl ckan restore NAME BACKUP}: creates the Job that restores the instance's databases from a backup the
 * operator took before a migration ({@link BackupObjects#restore}: the same destination, image and database
 * Secrets as the backup). A person asks for it, once, at the moment they chose; the operator never restores by
 * itself. The Job is owned by the instance and named after the backup and a token (the time, or {@code --token}),
 * so the same request sent twice creates one Job. The restore does not move the pointer: the rollback that follows is
 * {@code kubectl ckan rollback NAME --to N} with {@code spec.rollout.allowRevertAcrossMigrations: true}.
 */
final class RestoreCommand {
  private RestoreCommand() {}

  static final String USAGE = "kubectl ckan restore NAME BACKUP [--token T]";
  static final Set<String> FLAGS = Set.of("token");
  private static final DateTimeFormatter TOKEN = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  static int run(Invocation inv) throws Args.UsageError {
    String name = inv.name(USAGE);
    if (inv.words().size() != 2) {
      throw new Args.UsageError("restore takes NAME and BACKUP; usage: " + USAGE);
    }
    String backup = inv.words().get(1);
    if (!BackupScripts.isBackupName(backup) || !backup.startsWith(name + "-r")) {
      throw new Args.UsageError("'" + backup + "' is not a backup of " + name + " (backups are named " + name
          + "-r<N>-<12 hex digits>; see kubectl ckan status " + name + ")");
    }
    var found = inv.cluster().instance(inv.namespace(), name);
    if (found.isEmpty()) {
      return inv.notFound(name);
    }
    CkanInstance ci = found.get();
    if (ci.getSpec() == null || ci.getSpec().backup == null) {
      inv.err().println("Error: " + name + " has no spec.backup: there is no destination to restore from");
      return ExitCodes.REFUSED;
    }
    String token = inv.args().value("token").orElseGet(() -> TOKEN.format(inv.clock().instant()));
    Job job = BackupObjects.restore(Owner.of(ci), ci.getSpec(), backup, token);
    try {
      inv.cluster().create(job);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        inv.err().println("Error: job " + job.getMetadata().getName() + " exists: this restore was requested "
            + "already (token " + token + ")");
        return ExitCodes.REFUSED;
      }
      throw e;
    }
    inv.out().println("job.batch/" + job.getMetadata().getName() + " created: restoring " + backup);
    inv.out().println("next: kubectl wait --for=condition=complete job/" + job.getMetadata().getName() + " -n "
        + inv.namespace() + ", then set spec.rollout.allowRevertAcrossMigrations: true and kubectl ckan rollback "
        + name + " --to <the revision that ran before the backup>");
    return ExitCodes.OK;
  }
}
