package io.ckan.operator.plan;

import static io.ckan.operator.plan.BuildPlannerTest.FP;
import static io.ckan.operator.plan.BuildPlannerTest.JOB;
import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.PlannerTest.pointer;
import static io.ckan.operator.plan.PlannerTest.rev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.release.ReleaseOutcome;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Getting the spec's revision ready: its build and migration as they finish or fail, and retry requests. */
class ReleasesPlannerTest {

  static Plan migrating(ObservedMigration m) {
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), RuntimePlannerTest.snapshotOnly(2));
    return Planner.plan(new PlanInput("ns", "portal", new ReleaseOutcome.Ready(R), 2, null, false, revs,
        pointer(1, null, NOW.minusSeconds(600)), PlannerTest.healthy(revs), null, null, Map.of(), Map.of(),
        m == null ? Map.of() : Map.of(2, m), null, NOW));
  }

  @Test
  void aRevisionWithoutItsMigrationRunsIt() {
    Plan p = migrating(null);
    assertEquals(List.of(new Step.StartMigration(2, null)), p.steps());
    assertEquals(new Plan.StateReport(RevisionState.Migrating, "ckan db upgrade"), p.states().get(2));
    assertEquals(Optional.of(Planning.POLL), p.requeueAfter());
  }

  @Test
  void aSucceededMigrationIsPutOnRecordAndTheWebTierIsCreatedNotScaled() {
    Plan p = migrating(new ObservedMigration(2, JobState.SUCCEEDED, "h1", "h2", ""));
    assertEquals(List.of(new Step.RecordMigration(2, "h1", "h2"),
        new Step.CreateRevision(2, EnumSet.of(Step.ObjectKind.DEPLOYMENT), 2)), p.steps());
    assertEquals("Deploying", p.condition(Condition.RECONCILING).reason());
  }

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      // state, after, message, what the verdict says
      "FAILED, null, relation already exists, relation already exists",
      "FAILED, null, null, the migration Job failed",
      "FAILED, null, '  ', the migration Job failed",
      "SUCCEEDED, null, '', the migration Job failed"})
  void aMigrationWithoutAResultFailsTheRevision(JobState state, String after, String message, String why) {
    Plan p = migrating(new ObservedMigration(2, state, null, after, message));
    Step.RecordVerdict verdict = (Step.RecordVerdict) p.steps().get(0);
    assertEquals(new Step.RecordVerdict(2, Verdict.FAILED, "MigrationFailed: " + why
        + "; see kubectl logs job/portal-r2-migrate -n ns", Step.ObjectKind.CONFIG_MAP), verdict);
    assertEquals("MigrationFailed", p.condition(Condition.STALLED).reason());
  }

  @Test
  void aBuildOfTheSpecRevisionIsReportedAsBuilding() {
    Plan p = BuildPlannerTest.plan(List.of(rev(1, OLD, 2, 2), BuildPlannerTest.configOnly(2)),
        pointer(1, null, NOW.minusSeconds(600)), Map.of(FP, BuildPlannerTest.build(JobState.RUNNING, null, false,
            true)), Map.of(), null);
    assertEquals(RevisionState.Building, p.states().get(2).state());
    assertEquals("Building", p.condition(Condition.RECONCILING).reason());
  }

  @Test
  void aNewReleaseWhoseSharedBuildFailedStallsWithoutAVerdictToRecord() {
    Plan p = BuildPlannerTest.plan(List.of(rev(1, OLD, 2, 2)), pointer(1, null, NOW.minusSeconds(600)),
        Map.of(FP, BuildPlannerTest.build(JobState.FAILED, null, false, true)), Map.of(), null);
    assertEquals(List.of(new Step.CreateRevision(2, EnumSet.of(Step.ObjectKind.CONFIG_MAP, Step.ObjectKind.SERVICE),
        2)), p.steps(), "the revision is created; its verdict follows once it exists");
    assertEquals("BuildFailed", p.condition(Condition.STALLED).reason());
    assertTrue(p.condition(Condition.STALLED).message().contains("build failed: pip's resolver"),
        p.condition(Condition.STALLED).message());
  }

  @Test
  void aBuildThatSucceededWithoutADigestFailsTheRevision() {
    Plan p = BuildPlannerTest.plan(List.of(rev(1, OLD, 2, 2), BuildPlannerTest.configOnly(2)),
        pointer(1, null, NOW.minusSeconds(600)), Map.of(FP, BuildPlannerTest.build(JobState.SUCCEEDED, null, false,
            true)), Map.of(), null);
    Step.RecordVerdict verdict = (Step.RecordVerdict) p.steps().get(0);
    assertEquals(Verdict.FAILED, verdict.verdict());
    assertTrue(verdict.reason().startsWith("BuildFailed: build succeeded but reported no valid digest"),
        verdict.reason());
  }

  @Test
  void aRetryOfARevisionThatWasBuiltKeepsTheBuild() {
    ObservedRevision failed = PlannerTest.withVerdict(rev(2, BuildPlannerTest.BUILT.fingerprint(), 0, 0),
        Verdict.FAILED, "VerificationFailed: x");
    Plan p = BuildPlannerTest.plan(List.of(rev(1, OLD, 2, 2), failed), pointer(1, null, NOW.minusSeconds(600)),
        Map.of(FP, BuildPlannerTest.build(JobState.FAILED, null, false, true)), Map.of(), "again");
    assertEquals(List.of(new Step.ClearVerdict(2, "again", Step.ObjectKind.DEPLOYMENT)), p.steps());
    assertTrue(p.steps().stream().noneMatch(s -> s.equals(new Step.DeleteBuild(JOB))));
  }
}
