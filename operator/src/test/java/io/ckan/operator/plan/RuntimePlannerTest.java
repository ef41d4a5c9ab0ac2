package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.PlannerTest.healthy;
import static io.ckan.operator.plan.PlannerTest.pointer;
import static io.ckan.operator.plan.PlannerTest.rollout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.release.ReleaseOutcome;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Migrations before web pods, schema-safe reverts, workers that follow the pointer. */
class RuntimePlannerTest {
  static final String A = "aaaaaaaaaaaa";
  static final String B = "bbbbbbbbbbbb";

  static ObservedRevision rev(int n, String fp, int replicas, int available, String before, String after,
      int workers, Verdict verdict) {
    return new ObservedRevision(n, fp, "img", "2.11.5", List.of("activity", "envvars"), NOW.minusSeconds(60), null,
        true, true, true, replicas, available, replicas, true, false, verdict, verdict == null ? null : "x", null,
        new ObservedRevision.Runtime(before, after, after != null, true, workers));
  }

  static ObservedRevision snapshotOnly(int n) {
    return new ObservedRevision(n, R.fingerprint(), "img", "2.11.5", List.of(), NOW, null, false, true, true, 0, 0, 0,
        false, false, null, null, null, ObservedRevision.Runtime.NONE);
  }

  static Plan plan(List<ObservedRevision> revs, Optional<Pointer> pointer, Map<Integer, ObservedMigration> migrations,
      String rollbackTo, RolloutSpec rollout) {
    return Planner.plan(new PlanInput("ns", "portal", new ReleaseOutcome.Ready(R), 2, rollout, false, revs, pointer,
        healthy(revs), rollbackTo, null, Map.of(), Map.of(), migrations, 3, NOW));
  }

  @Test
  void aNewRevisionMigratesBeforeItHasAnyWebPod() {
    ObservedRevision live = rev(1, OLD, 2, 2, null, A, 3, Verdict.STABLE);
    Plan create = plan(List.of(live), pointer(1, null, NOW.minusSeconds(600)), Map.of(), null, rollout(60, 5));
    assertEquals(new Step.CreateRevision(2, EnumSet.of(Step.ObjectKind.CONFIG_MAP, Step.ObjectKind.SERVICE), 2),
        create.steps().get(0));
    assertTrue(create.steps().contains(new Step.StartMigration(2, null)), create.steps().toString());
    assertTrue(create.steps().stream().noneMatch(s -> s instanceof Step.CreateRevision c
        && c.missing().contains(Step.ObjectKind.DEPLOYMENT)), "no web pod before the migration");

    Plan running = plan(List.of(live, snapshotOnly(2)), pointer(1, null, NOW.minusSeconds(600)),
        Map.of(2, new ObservedMigration(2, JobState.RUNNING, null, null, "")), null, rollout(60, 5));
    assertTrue(running.steps().isEmpty(), running.steps().toString());
    assertEquals("Migrating", running.condition(Condition.RECONCILING).reason());

    Plan done = plan(List.of(live, snapshotOnly(2)), pointer(1, null, NOW.minusSeconds(600)),
        Map.of(2, new ObservedMigration(2, JobState.SUCCEEDED, A, B, "")), null, rollout(60, 5));
    assertEquals(new Step.RecordMigration(2, A, B), done.steps().get(0), "heads on record first");
    assertEquals(new Step.CreateRevision(2, EnumSet.of(Step.ObjectKind.DEPLOYMENT, Step.ObjectKind.WORKER), 2),
        done.steps().get(1));
  }

  @Test
  void aFailedMigrationFailsTheRevisionAndThePointerStays() {
    ObservedRevision live = rev(1, OLD, 2, 2, null, A, 3, Verdict.STABLE);
    Plan p = plan(List.of(live, snapshotOnly(2)), pointer(1, null, NOW.minusSeconds(600)),
        Map.of(2, new ObservedMigration(2, JobState.FAILED, null, null, "relation already exists")),
        null, rollout(60, 5));
    Step.RecordVerdict v = (Step.RecordVerdict) p.steps().get(0);
    assertEquals(Verdict.FAILED, v.verdict());
    assertEquals(Step.ObjectKind.CONFIG_MAP, v.on());
    assertTrue(v.reason().startsWith("MigrationFailed: relation already exists"), v.reason());
    assertEquals("MigrationFailed", p.condition(Condition.STALLED).reason());
    assertTrue(p.condition(Condition.AVAILABLE).status());

    ObservedRevision failed = new ObservedRevision(2, R.fingerprint(), "img", "2.11.5", List.of(), NOW, null, false,
        true, true, 0, 0, 0, false, false, Verdict.FAILED, v.reason(), null, ObservedRevision.Runtime.NONE);
    Plan after = plan(List.of(live, failed), pointer(1, null, NOW.minusSeconds(600)),
        Map.of(2, new ObservedMigration(2, JobState.FAILED, null, null, "relation already exists")), null,
        rollout(60, 5));
    assertTrue(after.steps().isEmpty(), after.steps().toString());
    assertEquals("MigrationFailed", after.condition(Condition.STALLED).reason(), "still says what failed");
  }

  @Test
  void revertAcrossASchemaChangeIsRefused() {
    ObservedRevision previous = rev(1, OLD, 2, 2, null, A, 3, Verdict.STABLE);
    ObservedRevision broken = rev(2, R.fingerprint(), 2, 0, A, B, 0, null);
    Plan p = plan(List.of(previous, broken), pointer(2, 1, NOW.minusSeconds(10)), Map.of(), null, rollout(60, 5));
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.MovePointer), p.steps().toString());
    assertEquals("RollbackBlockedBySchema", p.condition(Condition.STALLED).reason());
    String message = p.condition(Condition.STALLED).message();
    assertTrue(message.contains("migrated by revision 2"), message);
    assertTrue(message.contains("restore the database backup"), message);

    RolloutSpec allow = rollout(60, 5);
    allow.allowRevertAcrossMigrations = true;
    Plan allowed = plan(List.of(previous, broken), pointer(2, 1, NOW.minusSeconds(10)), Map.of(), null, allow);
    assertTrue(allowed.steps().stream().anyMatch(s -> s instanceof Step.MovePointer), allowed.steps().toString());
  }

  @Test
  void revertWithinTheSameSchemaIsStillOneServiceWriteThenTheVerdict() {
    ObservedRevision previous = rev(1, OLD, 2, 2, null, A, 3, Verdict.STABLE);
    ObservedRevision broken = rev(2, R.fingerprint(), 2, 0, A, A, 0, null);
    Plan p = plan(List.of(previous, broken), pointer(2, 1, NOW.minusSeconds(10)), Map.of(), null, rollout(60, 5));
    assertTrue(p.steps().get(0) instanceof Step.MovePointer);
    assertTrue(p.steps().get(1) instanceof Step.RecordVerdict);
  }

  @Test
  void manualRollbackAcrossASchemaChangeIsRefused() {
    ObservedRevision old = rev(1, OLD, 0, 0, null, A, 0, Verdict.STABLE);
    ObservedRevision live = rev(2, R.fingerprint(), 2, 2, A, B, 3, Verdict.STABLE);
    Plan p = plan(List.of(old, live), pointer(2, 1, NOW.minusSeconds(600)), Map.of(), "1", rollout(60, 5));
    assertTrue(p.steps().isEmpty(), p.steps().toString());
    assertEquals("RollbackBlockedBySchema", p.condition(Condition.STALLED).reason());
    assertEquals("RollbackBlockedBySchema", p.condition(Condition.ROLLED_BACK).reason());
    assertFalse(p.condition(Condition.ROLLED_BACK).status());
  }

  @Test
  void workersAreSwitchedWithTheWebTier() {
    ObservedRevision live = rev(1, OLD, 2, 2, null, A, 3, Verdict.STABLE);
    ObservedRevision next = rev(2, R.fingerprint(), 2, 2, A, A, 0, null);
    Plan move = plan(List.of(live, next), pointer(1, null, NOW.minusSeconds(600)), Map.of(), null, rollout(60, 5));
    assertTrue(move.steps().get(0) instanceof Step.MovePointer);
    assertEquals(new Step.ScaleWorkers(2, 3, "switched with the web tier"), move.steps().get(1));
    assertTrue(move.steps().stream().noneMatch(s -> s instanceof Step.ScaleWorkers w && w.revision() == 1),
        "the previous revision's workers run until the new one is Stable: " + move.steps());

    ObservedRevision nowLive = rev(2, R.fingerprint(), 2, 2, A, A, 3, null);
    Plan baking = plan(List.of(live, nowLive), pointer(2, 1, NOW.minusSeconds(10)), Map.of(), null, rollout(60, 5));
    assertTrue(baking.steps().stream().noneMatch(s -> s instanceof Step.ScaleWorkers), baking.steps().toString());

    Plan stable = plan(List.of(live, nowLive), pointer(2, 1, NOW.minusSeconds(61)), Map.of(), null, rollout(60, 5));
    assertTrue(stable.steps().contains(new Step.ScaleWorkers(1, 0, "not serving")), stable.steps().toString());
  }
}
