package io.ckan.operator.plan;

import io.ckan.operator.resources.BackupObjects;
import io.ckan.operator.resources.BackupScripts;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Backups before migrations. A revision whose code differs from the live revision's (another CKAN version, another
 * image, which holds the extension set, or another plugin list: what {@code ckan db upgrade} migrates for) gets a
 * backup of the databases before its migration Job starts, when spec.backup is set. The first revision of an
 * instance gets none: there is no live revision, so nothing to go back to. The backup Job's outcome is read from
 * the cluster every pass: running, the migration waits; succeeded, its name goes on the revision's ConfigMap and the
 * migration starts; failed, the revision fails with BackupFailed and the pointer stays where it is.
 */
final class Backups {
  private Backups() {}

  static final String BACKUP_FAILED = "BackupFailed";
  static final String BACKING_UP = "BackingUp";

  /**
   * Empty when revision {@code revision} may migrate now (no backup wanted, or it succeeded: put on record in this
   * pass); otherwise the condition while the backup runs or after it failed.
   */
  static Optional<Condition> beforeMigration(Planning p, int revision, String recorded) {
    if (p.in.backupRetention() == null || p.current == null || recorded != null || !changesCode(p)) {
      return Optional.empty();
    }
    ObservedBackup b = p.in.backups().get(revision);
    String job = BackupObjects.backupJobName(p.in.instance(), revision);
    if (b == null || b.state() == JobState.RUNNING) {
      p.states.put(revision, new Plan.StateReport(RevisionState.Migrating, BACKING_UP));
    }
    if (b == null) {
      String name = BackupScripts.backupName(p.in.instance(), revision, p.release.fingerprint());
      p.actions.add(new Step.StartBackup(revision, name));
      p.requeue = Planning.POLL;
      return Optional.of(Planning.progressing(BACKING_UP, "backing up the database before the migration of revision "
          + revision + " (backup " + name + ", job " + job + ")"));
    }
    if (b.state() == JobState.RUNNING) {
      p.requeue = Planning.POLL;
      return Optional.of(Planning.progressing(BACKING_UP, "waiting for backup " + b.name() + " before the migration "
          + "of revision " + revision + " (job " + job + ")"));
    }
    if (b.state() == JobState.SUCCEEDED) {
      p.records.add(new Step.RecordBackup(revision, b.name()));
      return Optional.empty();
    }
    String why = (b.message() == null || b.message().isBlank() ? "the backup Job failed" : b.message().trim())
        + "; see kubectl logs job/" + job + " -n " + p.in.namespace();
    p.records.add(new Step.RecordVerdict(revision, Verdict.FAILED, BACKUP_FAILED + ": " + why,
        Step.ObjectKind.CONFIG_MAP));
    p.states.put(revision, new Plan.StateReport(RevisionState.Failed, BACKUP_FAILED + ": " + why));
    return Optional.of(Planning.stalled(BACKUP_FAILED, "revision " + revision + " was not migrated: backup "
        + b.name() + " failed (" + why + "); " + p.pointerStays()
        + ". Fix the cause and annotate ckan.io/retry=<token> to back up and migrate again"));
  }

  /** The spec's release runs other code than the live revision: another version, image or plugin list. */
  static boolean changesCode(Planning p) {
    ObservedRevision live = p.current;
    Step.BuiltImage built = p.builtImage();
    String image = p.release.build() == null ? p.release.image() : built == null ? null : built.image();
    return !p.release.version().equals(live.version()) || image == null || !image.equals(live.image())
        || !new HashSet<>(p.release.plugins()).equals(new HashSet<>(live.plugins()));
  }

  /** A retry of a revision whose backup failed: the failed Job goes, so the backup runs again. */
  static void retry(Planning p, ObservedRevision target) {
    ObservedBackup b = p.in.backups().get(target.number());
    if (b != null && b.state() == JobState.FAILED && target.runtime().backup() == null) {
      p.actions.add(new Step.DeleteBackup(b.jobName(), "retry of revision " + target.number()));
    }
  }

  /** Backup Jobs beyond the retention count go (newest kept; a running one and the desired revision's stay). */
  static void prune(Planning p) {
    Integer keep = p.in.backupRetention();
    if (keep == null) {
      return;
    }
    List<ObservedBackup> old = p.in.backups().values().stream()
        .sorted(Comparator.comparingInt(ObservedBackup::revision).reversed()).skip(keep).toList();
    Set<String> deleting = new HashSet<>();
    p.steps().stream().filter(Step.DeleteBackup.class::isInstance).forEach(s -> deleting.add(((Step.DeleteBackup) s)
        .jobName()));
    for (ObservedBackup b : old) {
      boolean desired = p.target != null && p.target.number() == b.revision();
      if (b.state() != JobState.RUNNING && !desired && deleting.add(b.jobName())) {
        p.cleanup.add(new Step.DeleteBackup(b.jobName(), "beyond spec.backup.retention " + keep));
      }
    }
  }

  /**
   * The backup to restore before going back to revision {@code to}: the one taken before the first migration after
   * it (on a revision's ConfigMap, or on a backup Job still retained), or null when none is known.
   */
  static String toRestoreFor(Planning p, ObservedRevision to) {
    record Known(int revision, String name) {}
    java.util.List<Known> known = new java.util.ArrayList<>();
    p.byNumber.values().stream().filter(r -> r.runtime().backup() != null)
        .forEach(r -> known.add(new Known(r.number(), r.runtime().backup())));
    p.in.backups().values().stream().filter(b -> b.state() == JobState.SUCCEEDED)
        .forEach(b -> known.add(new Known(b.revision(), b.name())));
    return known.stream().filter(k -> k.revision() > to.number()).min(Comparator.comparingInt(Known::revision))
        .map(Known::name).orElse(null);
  }

  /** What to restore before going back to {@code to}, for the RollbackBlockedBySchema message. */
  static String restoreAdvice(Planning p, ObservedRevision to) {
    String backup = toRestoreFor(p, to);
    return backup == null ? "database backup taken before the upgrade"
        : "backup " + backup + " (kubectl ckan restore " + p.in.instance() + " " + backup + ")";
  }
}
