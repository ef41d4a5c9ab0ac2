package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.PlannerTest.pointer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.release.ReleaseOutcome;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Backups before migrations: when one is taken, how its Job's outcome gates the migration, retention, restore hints. */
class BackupPlannerTest {
  static final String BACKUP_2 = "portal-r2-" + R.fingerprint().substring(0, 12);

  /** The live revision 1, running {@code version} with {@code image} and {@code plugins}. */
  static ObservedRevision live(String version, String image, List<String> plugins, String schema, String backup) {
    return new ObservedRevision(1, OLD, image, version, plugins, NOW.minusSeconds(600), null, true, true, true, 2, 2,
        2, true, false, Verdict.STABLE, "Verified", null,
        new ObservedRevision.Runtime("", schema, schema != null, false, 0, true, backup));
  }

  /** Revision 2 of the spec (R) that exists as a config snapshot and waits for its migration. */
  static ObservedRevision waiting(String backup) {
    return new ObservedRevision(2, R.fingerprint(), null, R.version(), R.plugins(), NOW, null, false, true, true, 0, 0,
        0, false, false, null, null, null, new ObservedRevision.Runtime(null, null, false, false, 0, true, backup));
  }

  static Plan plan(List<ObservedRevision> revs, Integer retention, Map<Integer, ObservedBackup> backups,
      Map<Integer, ObservedMigration> migrations) {
    return Planner.plan(new PlanInput("ns", "portal", new ReleaseOutcome.Ready(R), 2, new RolloutSpec(), false, revs,
        pointer(1, null, NOW.minusSeconds(600)), PlannerTest.healthy(revs), null, null, Map.of(), Map.of(),
        migrations, null, NOW, retention, backups));
  }

  static ObservedRevision olderLive() {
    return live("2.11.4", "ckan/ckan-base:2.11.4", R.plugins(), "h1", null);
  }

  static ObservedBackup backup(int revision, JobState state, String message) {
    return new ObservedBackup(revision, "portal-r" + revision + "-backup", "portal-r" + revision + "-"
        + "0123456789ab".substring(0, 12), state, message);
  }

  @Test
  void anUpgradeIsBackedUpBeforeItsMigrationStarts() {
    Plan p = plan(List.of(olderLive()), 5, Map.of(), Map.of());
    assertEquals(List.of(new Step.CreateRevision(2, EnumSet.of(Step.ObjectKind.CONFIG_MAP, Step.ObjectKind.SERVICE),
        2), new Step.StartBackup(2, BACKUP_2)), p.steps(), "no migration before the backup");
    assertEquals("BackingUp", p.condition(Condition.RECONCILING).reason());
    assertEquals(new Plan.StateReport(RevisionState.Migrating, "BackingUp"), p.states().get(2));
  }

  @Test
  void withoutSpecBackupOrWithoutALiveRevisionTheMigrationStartsAtOnce() {
    Plan off = plan(List.of(olderLive()), null, Map.of(), Map.of());
    assertTrue(off.steps().contains(new Step.StartMigration(2, null)), off.steps().toString());
    // the first revision of an instance: nothing serves, nothing to go back to
    Plan first = Planner.plan(new PlanInput("ns", "portal", new ReleaseOutcome.Ready(R), 2, new RolloutSpec(), false,
        List.of(), Optional.empty(), Map.of(), null, null, Map.of(), Map.of(), Map.of(), null, NOW, 5, Map.of()));
    assertTrue(first.steps().contains(new Step.StartMigration(1, null)), first.steps().toString());
    assertTrue(first.steps().stream().noneMatch(Step.StartBackup.class::isInstance));
  }

  @Test
  void aChangeThatKeepsVersionImageAndPluginsTakesNoBackupAndAnyOfThemTakesOne() {
    Plan same = plan(List.of(live(R.version(), R.image(), R.plugins(), "h1", null)), 5, Map.of(), Map.of());
    assertTrue(same.steps().contains(new Step.StartMigration(2, null)), "config only: " + same.steps());
    List<String> fewer = new ArrayList<>(R.plugins());
    fewer.remove(0);
    for (ObservedRevision changed : List.of(live("2.11.4", R.image(), R.plugins(), "h1", null),
        live(R.version(), "registry.example.org/ckan@sha256:" + "a".repeat(64), R.plugins(), "h1", null),
        live(R.version(), R.image(), fewer, "h1", null))) {
      Plan p = plan(List.of(changed), 5, Map.of(), Map.of());
      assertTrue(p.steps().contains(new Step.StartBackup(2, BACKUP_2)), changed + ": " + p.steps());
    }
  }

  @Test
  void aRunningBackupHoldsTheMigration() {
    Plan p = plan(List.of(olderLive(), waiting(null)), 5, Map.of(2, backup(2, JobState.RUNNING, "")), Map.of());
    assertEquals(List.of(), p.steps());
    assertEquals("BackingUp", p.condition(Condition.RECONCILING).reason());
  }

  @Test
  void aSucceededBackupIsPutOnRecordBeforeTheMigrationStartsInTheSamePass() {
    ObservedBackup done = backup(2, JobState.SUCCEEDED, "");
    Plan p = plan(List.of(olderLive(), waiting(null)), 5, Map.of(2, done), Map.of());
    assertEquals(List.of(new Step.RecordBackup(2, done.name()), new Step.StartMigration(2, null)), p.steps());
    // once on record, the Job is not needed any more (retention may have deleted it)
    Plan later = plan(List.of(olderLive(), waiting(done.name())), 5, Map.of(), Map.of());
    assertEquals(List.of(new Step.StartMigration(2, null)), later.steps());
  }

  @Test
  void aFailedBackupFailsTheRevisionAndThePointerStays() {
    Plan p = plan(List.of(olderLive(), waiting(null)), 5, Map.of(2, backup(2, JobState.FAILED,
        "pg_dump of the CKAN database failed\n")), Map.of());
    assertEquals(List.of(new Step.RecordVerdict(2, Verdict.FAILED, "BackupFailed: pg_dump of the CKAN database "
        + "failed; see kubectl logs job/portal-r2-backup -n ns", Step.ObjectKind.CONFIG_MAP)), p.steps(),
        "no migration, no pointer move");
    Condition stalled = p.condition(Condition.STALLED);
    assertEquals("BackupFailed", stalled.reason());
    assertTrue(stalled.message().contains("the pointer stays on revision 1"), stalled.message());
    assertTrue(p.condition(Condition.AVAILABLE).status(), "the live revision keeps serving");
  }

  @Test
  void aRetryOfARevisionWhoseBackupFailedDeletesTheFailedJob() {
    ObservedRevision failed = PlannerTest.withVerdict(waiting(null), Verdict.FAILED, "BackupFailed: x");
    failed = new ObservedRevision(2, failed.fingerprint(), null, failed.version(), failed.plugins(), NOW, null, false,
        true, true, 0, 0, 0, false, false, Verdict.FAILED, "BackupFailed: x", null, waiting(null).runtime());
    List<ObservedRevision> revs = List.of(olderLive(), failed);
    Plan p = Planner.plan(new PlanInput("ns", "portal", new ReleaseOutcome.Ready(R), 2, new RolloutSpec(), false,
        revs, pointer(1, null, NOW.minusSeconds(600)), PlannerTest.healthy(revs), null, "t1", Map.of(), Map.of(),
        Map.of(), null, NOW, 5, Map.of(2, backup(2, JobState.FAILED, ""))));
    assertTrue(p.steps().contains(new Step.DeleteBackup("portal-r2-backup", "retry of revision 2")), p.steps()
        .toString());
  }

  @Test
  void backupJobsBeyondTheRetentionCountAreDeletedOldestFirst() {
    Map<Integer, ObservedBackup> jobs = Map.of(1, backup(1, JobState.SUCCEEDED, ""), 2, backup(2, JobState.FAILED, ""),
        3, backup(3, JobState.SUCCEEDED, ""), 4, backup(4, JobState.SUCCEEDED, ""));
    ObservedRevision current = live(R.version(), R.image(), R.plugins(), "h1", null);
    Plan p = Planner.plan(new PlanInput("ns", "portal", new ReleaseOutcome.Ready(R), 2, new RolloutSpec(), false,
        List.of(current), pointer(1, null, NOW.minusSeconds(600)), PlannerTest.healthy(List.of(current)), null, null,
        Map.of(), Map.of(), Map.of(), null, NOW, 2, jobs));
    assertEquals(List.of(new Step.DeleteBackup("portal-r2-backup", "beyond spec.backup.retention 2"),
        new Step.DeleteBackup("portal-r1-backup", "beyond spec.backup.retention 2")),
        p.steps().stream().filter(Step.DeleteBackup.class::isInstance).toList());
  }

  @Test
  void aRollbackBlockedBySchemaNamesTheBackupToRestore() {
    ObservedRevision r1 = new ObservedRevision(1, OLD, "img", "2.11.4", R.plugins(), NOW.minusSeconds(900), null,
        true, true, true, 2, 2, 2, true, false, Verdict.STABLE, "Verified", null,
        new ObservedRevision.Runtime("", "h1", true, false, 0, true, null));
    ObservedRevision r2 = new ObservedRevision(2, R.fingerprint(), "img2", R.version(), R.plugins(),
        NOW.minusSeconds(600), null, true, true, true, 2, 2, 2, true, false, Verdict.STABLE, "Verified", null,
        new ObservedRevision.Runtime("h1", "h2", true, false, 0, true, BACKUP_2));
    List<ObservedRevision> revs = List.of(r1, r2);
    Plan p = Planner.plan(new PlanInput("ns", "portal", new ReleaseOutcome.Ready(R), 2, new RolloutSpec(), false,
        revs, pointer(2, 1, NOW.minusSeconds(600)), PlannerTest.healthy(revs), "1", null, Map.of(), Map.of(),
        Map.of(), null, NOW, 5, Map.of()));
    Condition stalled = p.condition(Condition.STALLED);
    assertEquals("RollbackBlockedBySchema", stalled.reason());
    assertTrue(stalled.message().contains("restore the backup " + BACKUP_2 + " (kubectl ckan restore portal "
        + BACKUP_2 + ")"), stalled.message());
  }
}
