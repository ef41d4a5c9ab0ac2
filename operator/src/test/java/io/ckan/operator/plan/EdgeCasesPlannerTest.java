package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.Scenario.Rev.rev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.release.ReleaseOutcome;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Less travelled paths of the state machine, each one a situation an instance can be in. */
class EdgeCasesPlannerTest {
  static final String MID = "a".repeat(64);

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {
      // verdict, its reason, the Stalled reason that keeps saying what failed
      "FAILED, BuildFailed: pip, BuildFailed",
      "FAILED, MigrationFailed: relation exists, MigrationFailed",
      "FAILED, VerificationFailed: x, RevisionFailed",
      "FAILED, BuildFailedTwice, RevisionFailed",
      "FAILED, null, RevisionFailed",
      "ROLLED_BACK, BuildFailed: pip, RevisionRolledBack"})
  void aJudgedSpecRevisionStallsWithWhatFailed(Verdict verdict, String reason, String stalled) {
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 0, 0).judged(verdict, reason))
        .pointer(1, null, 600).plan();
    assertEquals(stalled, p.condition(Condition.STALLED).reason());
    assertTrue(p.steps().isEmpty(), p.steps().toString());
  }

  @Test
  void aBakeFailureRevertTakesTheWorkersBackToo() {
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable().worker(0), rev(2, R.fingerprint(), 2, 0).worker(3))
        .pointer(2, 1, 10).workers(3).plan();
    assertInstanceOf(Step.MovePointer.class, p.steps().get(0), p.steps().toString());
    assertEquals(List.of(new Step.ScaleWorkers(1, 3, "follow the pointer"), new Step.ScaleWorkers(2, 0, "reverted")),
        p.steps().subList(1, 3), p.steps().toString());
    assertEquals("AutoReverting", p.condition(Condition.RECONCILING).reason());
  }

  @Test
  void aRollbackTargetIsNotBakedAndTheRevisionItReplacedIsScaledDown() {
    // the spec's revision 3 failed earlier; revision 2 served until a rollback to revision 1
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, MID, 2, 2).stable(),
        rev(3, R.fingerprint(), 0, 0).judged(Verdict.FAILED, "VerificationFailed: x")).pointer(1, 2, 10).plan();
    assertEquals(List.of(new Step.Scale(2, 0, "superseded")), p.steps());
    assertEquals(new Plan.StateReport(RevisionState.Stable, "Current"), p.states().get(1));
  }

  @Test
  void aPointerWithoutASwitchTimeDoesNotBake() {
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 2))
        .pointer(new Pointer(2, 1, null, List.of(Scenario.deployed(1, 2)))).plan();
    assertTrue(p.steps().contains(new Step.RecordVerdict(2, Verdict.STABLE, "Verified")), p.steps().toString());
    assertTrue(p.steps().contains(new Step.Scale(1, 0, "superseded")), p.steps().toString());
  }

  @Test
  void theHandledRequestIsCarriedOverByLaterMoves() {
    Pointer afterRollback = new Pointer(1, 2, NOW.minusSeconds(600), List.of(Scenario.deployed(2, 1)), "1");
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, MID, 0, 0).judged(Verdict.ROLLED_BACK, "ManualRollback"),
        rev(3, R.fingerprint(), 2, 2)).pointer(afterRollback).rollbackTo("1").plan();
    Step.MovePointer move = (Step.MovePointer) p.steps().get(0);
    assertEquals(3, move.to());
    assertEquals("1", move.handledRollback(), "else the still-set annotation would roll back again");
  }

  @Test
  void aRollbackToTheSpecRevisionDoesNotJudgeIt() {
    Plan toSpec = Scenario.of(rev(1, R.fingerprint(), 2, 2).stable(), rev(2, OLD, 2, 2).stable()).pointer(2, 1, 600)
        .rollbackTo("1").plan();
    assertEquals(1, ((Step.MovePointer) toSpec.steps().get(0)).to());
    assertTrue(toSpec.steps().stream().noneMatch(s -> s instanceof Step.RecordVerdict), toSpec.steps().toString());

    Plan newSpec = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, MID, 2, 2).stable()).pointer(2, 1, 600)
        .rollbackTo("1").plan();
    assertEquals(1, ((Step.MovePointer) newSpec.steps().get(0)).to(), "the request goes before the new spec");
    assertTrue(newSpec.steps().stream().noneMatch(s -> s instanceof Step.RecordVerdict || s instanceof Step.CreateRevision),
        newSpec.steps().toString());
  }

  @Test
  void previousWithoutARecordedPreviousGoesToTheNewestOtherStableRevision() {
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 2).stable()).pointer(2, null, 600)
        .rollbackTo("previous").plan();
    Step.MovePointer move = (Step.MovePointer) p.steps().get(1);
    assertEquals(1, move.to());
  }

  @Test
  void theDatabaseSchemaIsTheNewestRecordedOneEvenWhileANewerRevisionHasNotMigrated() {
    Plan p = Scenario.of(rev(1, OLD, 0, 0).stable().schema(null, "h1"), rev(2, MID, 2, 2).stable().schema("h1", "h2"),
        rev(3, R.fingerprint(), 0, 0).snapshotOnly()).pointer(2, 1, 600).rollbackTo("1").plan();
    assertEquals("RollbackBlockedBySchema", p.condition(Condition.STALLED).reason());
    assertTrue(p.condition(Condition.STALLED).message().contains("the database schema is at h2 (migrated by "
        + "revision 2) but revision 1 expects h1"), p.condition(Condition.STALLED).message());
  }

  @Test
  void aNoOpMigrationIsNotNamedAsTheMigrator() {
    Plan p = Scenario.of(rev(1, OLD, 0, 0).stable().schema(null, "h1"), rev(2, MID, 0, 0).stable().schema("h1", "h2"),
        rev(3, R.fingerprint(), 2, 2).stable().schema("h2", "h2")).pointer(3, 2, 600).rollbackTo("1").plan();
    assertTrue(p.condition(Condition.STALLED).message().contains("(migrated by revision 2)"),
        p.condition(Condition.STALLED).message());
  }

  @Test
  void emptyRevisionsAreNotFailuresWhenNoReplicasAreWanted() {
    Plan zeroDuringBake = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 0)).pointer(2, 1, 10)
        .replicas(0).plan();
    assertEquals(List.of(new Step.Scale(2, 0, "spec.replicas changed (in place)")), zeroDuringBake.steps(),
        "no revert");
    assertEquals("Baking", zeroDuringBake.condition(Condition.RECONCILING).reason());

    Plan scalingUp = Scenario.of(rev(1, R.fingerprint(), 0, 0).stable()).pointer(1, null, 600).plan();
    assertEquals(List.of(new Step.Scale(1, 2, "spec.replicas changed (in place)")), scalingUp.steps());
    assertEquals("Scaling", scalingUp.condition(Condition.RECONCILING).reason());
  }

  @Test
  void missingPiecesOfTheServingRevisionAreCreatedNotScaled() {
    Scenario.Rev noService = rev(1, R.fingerprint(), 2, 2).stable();
    noService.service = false;
    noService.configMap = false;
    Plan p = Scenario.of(noService).pointer(1, null, 600).workers(3).plan();
    assertEquals(List.of(new Step.CreateRevision(1, EnumSet.of(Step.ObjectKind.CONFIG_MAP, Step.ObjectKind.SERVICE,
        Step.ObjectKind.WORKER), 2)), p.steps());

    Plan noWorkers = Scenario.of(rev(1, R.fingerprint(), 2, 2).stable()).pointer(1, null, 600).plan();
    assertTrue(noWorkers.steps().isEmpty(), "no worker Deployment without spec workers: " + noWorkers.steps());
  }

  @Test
  void aLeftoverWithTheSpecFingerprintIsNotTheSpecRevision() {
    Scenario.Rev leftover = rev(3, R.fingerprint(), 0, 0).snapshotOnly().worker(0);
    leftover.configMap = false;
    Plan p = Scenario.of(rev(2, OLD, 2, 2).stable(), leftover).pointer(2, null, 600).plan();
    assertEquals(4, p.desiredRevision());
    assertTrue(p.steps().contains(new Step.Prune(3)), p.steps().toString());
  }

  @Test
  void anInvalidSpecDoesNoHousekeeping() {
    Scenario s = Scenario.of(rev(1, OLD, 2, 2).stable().worker(2), rev(2, MID, 2, 2).stable()).pointer(2, 1, 600);
    s.outcome = new ReleaseOutcome.Invalid(List.of());
    assertTrue(s.plan().steps().isEmpty());
  }

  @Test
  void pausedIsNeitherReadyNorStalled() {
    Scenario s = Scenario.of(rev(1, R.fingerprint(), 2, 2).stable()).pointer(1, null, 600);
    s.paused = true;
    Plan p = s.plan();
    assertFalse(p.condition(Condition.READY).status());
    assertFalse(p.condition(Condition.STALLED).status());
    assertFalse(p.condition(Condition.RECONCILING).status());
    assertEquals("Paused", p.condition(Condition.STALLED).reason());
  }

  @Test
  void aHandEditedSelectorIsRepairedBesideOtherWrites() {
    Pointer edited = new Pointer(1, null, NOW.minusSeconds(600), List.of(Scenario.deployed(null, 1)), null, null,
        "5", false);
    Plan p = Scenario.of(rev(1, R.fingerprint(), 2, 2).stable()).pointer(edited).replicas(3).plan();
    assertEquals(List.of(new Step.RepairPointer(1, "5"), new Step.Scale(1, 3, "spec.replicas changed (in place)")),
        p.steps());
  }

  @Test
  void anAvailableRevisionNotProbedYetIsVerifiedSoon() {
    Scenario s = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 2)).pointer(1, null, 600);
    s.unprobed.add(2);
    Plan p = s.plan();
    assertTrue(p.steps().isEmpty(), p.steps().toString());
    assertEquals("Verifying", p.condition(Condition.RECONCILING).reason());
    assertEquals(Optional.of(Planning.VERIFY_RETRY), p.requeueAfter());
  }
}
