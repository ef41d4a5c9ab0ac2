package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.Scenario.Rev.rev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.contract.Reasons;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** CURRENT_JUDGED: the pointer sits on a Failed or RolledBack revision (an interrupted revert) and must move off. */
class CurrentJudgedPlannerTest {
  static final String MID = "a".repeat(64);

  static Step.MovePointer onlyMove(Plan p) {
    List<Step.MovePointer> moves = p.steps().stream().filter(s -> s instanceof Step.MovePointer)
        .map(s -> (Step.MovePointer) s).toList();
    assertEquals(1, moves.size(), p.steps().toString());
    return moves.get(0);
  }

  static String lastType(Step.MovePointer move) {
    return move.history().get(move.history().size() - 1).type;
  }

  @Test
  void thePointerGoesBackToThePreviousRevisionWhoseWorkersFollow() {
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable().worker(0),
        rev(2, R.fingerprint(), 2, 0).judged(Verdict.ROLLED_BACK, "AutoRevert: x").worker(3))
        .pointer(2, 1, 10).workers(3).plan();
    Step.MovePointer move = onlyMove(p);
    assertEquals(1, move.to());
    assertEquals(2, move.from());
    assertEquals(Reasons.AUTO_REVERT, lastType(move));
    assertEquals(null, move.handledRollback());
    assertEquals(List.of(move, new Step.ScaleWorkers(1, 3, "follow the pointer"),
        new Step.ScaleWorkers(2, 0, "not serving")), p.steps());
    assertEquals("Reverting", p.condition(Condition.RECONCILING).reason());
    assertEquals(RevisionState.RolledBack, p.states().get(2).state());
  }

  @Test
  void withoutAPreviousRevisionTheNewestStableOneIsBroughtUp() {
    // revision 2 is newer but Failed, revision 1 is Stable but older: revision 3 is the one to fall back to
    Scenario s = Scenario.of(rev(1, OLD, 0, 0).stable(), rev(2, MID, 0, 0).judged(Verdict.FAILED, "x"),
        rev(3, "b".repeat(64), 0, 0).stable(), rev(4, R.fingerprint(), 2, 0).judged(Verdict.FAILED, "y"))
        .pointer(4, null, 600);
    Plan p = s.plan();
    assertEquals(List.of(new Step.BringUp(3, 2, "revert target")), p.steps());
    assertEquals("Reverting", p.condition(Condition.RECONCILING).reason());
    assertTrue(p.condition(Condition.RECONCILING).message().contains("bringing up revision 3"));
    assertEquals(Optional.of(Planning.POLL), p.requeueAfter());
    assertEquals("KeptWarm", p.states().get(3).reason());

    Plan scaledToZero = s.replicas(0).plan();
    assertEquals(List.of(new Step.BringUp(3, 1, "revert target")), scaledToZero.steps(),
        "a revert target needs at least one replica to take traffic");
  }

  @Test
  void aFallbackStillComingUpIsWaitedFor() {
    Plan p = Scenario.of(rev(1, OLD, 2, 1).stable(), rev(2, R.fingerprint(), 2, 0).judged(Verdict.FAILED, "y"))
        .pointer(2, 1, 10).plan();
    assertTrue(p.steps().isEmpty(), p.steps().toString());
    assertEquals("Reverting", p.condition(Condition.RECONCILING).reason());
    assertEquals(Optional.of(Planning.POLL), p.requeueAfter());
  }

  @Test
  void aPreviousRevisionThatIsJudgedOrGoneIsNotAFallback() {
    Plan judgedPrevious = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, MID, 2, 2).judged(Verdict.FAILED, "x"),
        rev(3, R.fingerprint(), 2, 0).judged(Verdict.FAILED, "y")).pointer(3, 2, 10).plan();
    assertEquals(1, onlyMove(judgedPrevious).to());

    Plan prunedPrevious = Scenario.of(rev(1, OLD, 2, 2).stable(),
        rev(3, R.fingerprint(), 2, 0).judged(Verdict.FAILED, "y")).pointer(3, 2, 10).plan();
    assertEquals(1, onlyMove(prunedPrevious).to());

    Plan snapshotPrevious = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, MID, 0, 0).snapshotOnly(),
        rev(3, R.fingerprint(), 2, 0).judged(Verdict.FAILED, "y")).pointer(3, 2, 10).plan();
    assertEquals(1, onlyMove(snapshotPrevious).to());
  }

  @Test
  void withNothingToFallBackToItStallsAndSaysSo() {
    Plan p = Scenario.of(rev(1, MID, 0, 0).judged(Verdict.FAILED, "x"),
        rev(2, R.fingerprint(), 2, 0).judged(Verdict.FAILED, "y")).pointer(2, null, 600).plan();
    assertTrue(p.steps().isEmpty(), p.steps().toString());
    assertEquals("NoRevisionToRevertTo", p.condition(Condition.STALLED).reason());
    assertTrue(p.condition(Condition.STALLED).status());
    assertFalse(p.condition(Condition.AVAILABLE).status());
    assertEquals("CurrentUnavailable", p.condition(Condition.AVAILABLE).reason());
  }

  @Test
  void aFallbackOnAnOlderSchemaIsRefused() {
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable().schema(null, "h1"),
        rev(2, R.fingerprint(), 2, 0).judged(Verdict.ROLLED_BACK, "AutoRevert: x").schema("h1", "h2"))
        .pointer(2, 1, 10).plan();
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.MovePointer), p.steps().toString());
    assertEquals("RollbackBlockedBySchema", p.condition(Condition.STALLED).reason());
    assertTrue(p.condition(Condition.STALLED).message().contains("cannot be replaced by revision 1"));
  }

  @Test
  void aPendingRollbackRequestChoosesTheFallbackAndIsAnsweredByTheMove() {
    Scenario s = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, MID, 2, 2).stable(),
        rev(3, R.fingerprint(), 2, 0).judged(Verdict.FAILED, "y")).pointer(3, 2, 10);
    Step.MovePointer toOne = onlyMove(s.rollbackTo("1").plan());
    assertEquals(1, toOne.to());
    assertEquals(Reasons.ROLLBACK, lastType(toOne));
    assertEquals("1", toOne.handledRollback());

    Step.MovePointer namesCurrent = onlyMove(s.rollbackTo("3").plan());
    assertEquals(2, namesCurrent.to(), "the judged revision itself is no fallback: the previous one is");
    assertEquals("3", namesCurrent.handledRollback());

    Scenario failedTarget = Scenario.of(rev(1, OLD, 2, 2).judged(Verdict.FAILED, "x"), rev(2, MID, 2, 2).stable(),
        rev(3, R.fingerprint(), 2, 0).judged(Verdict.FAILED, "y")).pointer(3, 2, 10).rollbackTo("1");
    assertEquals(2, onlyMove(failedTarget.plan()).to(), "a Failed revision takes no traffic, even when asked");
  }
}
