package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.Scenario.Rev.rev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.release.ReleaseFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the plan reports for every revision and condition, and the housekeeping after every phase. */
class ReportAndHousekeepingPlannerTest {
  static String fp(char c) {
    return String.valueOf(c).repeat(64);
  }

  @Test
  void everyRevisionHasItsState() {
    Plan p = Scenario.of(rev(1, fp('1'), 0, 0).judged(Verdict.FAILED, "VerificationFailed: x"),
        rev(2, fp('2'), 0, 0).judged(Verdict.ROLLED_BACK, "AutoRevert: y"),
        rev(3, fp('3'), 0, 0).stable(),
        rev(4, fp('4'), 0, 0),
        rev(5, fp('5'), 0, 0),
        rev(6, OLD, 2, 2).stable(),
        rev(7, R.fingerprint(), 2, 1))
        .pointer(new Pointer(6, 4, NOW.minusSeconds(600), List.of(Scenario.deployed(null, 4),
            Scenario.deployed(4, 6))))
        .plan();
    assertEquals(Map.of(
        1, new Plan.StateReport(RevisionState.Failed, "VerificationFailed: x"),
        2, new Plan.StateReport(RevisionState.RolledBack, "AutoRevert: y"),
        3, new Plan.StateReport(RevisionState.Superseded, "Replaced"),
        4, new Plan.StateReport(RevisionState.Superseded, "Replaced"),
        5, new Plan.StateReport(RevisionState.Superseded, "ReplacedBeforeLive"),
        6, new Plan.StateReport(RevisionState.Stable, "Current"),
        7, new Plan.StateReport(RevisionState.Deploying, "1/2 available")), p.states());
    assertEquals(7, p.desiredRevision());
    assertTrue(p.steps().isEmpty(), "within the history limit nothing is pruned: " + p.steps());
  }

  @Test
  void availableSaysWhetherAndWhatServes() {
    Plan none = Scenario.of(rev(1, R.fingerprint(), 2, 1)).plan();
    assertEquals(new Condition(Condition.AVAILABLE, false, "NoCurrentRevision", "no revision serves traffic yet"),
        none.condition(Condition.AVAILABLE));

    Plan serving = Scenario.of(rev(1, R.fingerprint(), 2, 2).stable()).pointer(1, null, 600).plan();
    assertEquals(new Condition(Condition.AVAILABLE, true, "Serving", "revision 1 serves 2 available replicas"),
        serving.condition(Condition.AVAILABLE));
  }

  @Test
  void rolledBackSaysWhoRolledTheSpecRevisionBack() {
    Scenario manual = Scenario.of(rev(1, OLD, 2, 2).stable(),
        rev(2, R.fingerprint(), 0, 0).judged(Verdict.ROLLED_BACK, "ManualRollback: rollback request '1'"))
        .pointer(1, 2, 600);
    Condition byHand = manual.plan().condition(Condition.ROLLED_BACK);
    assertTrue(byHand.status());
    assertEquals("ManualRollback", byHand.reason());

    Scenario unexplained = Scenario.of(rev(1, OLD, 2, 2).stable(),
        rev(2, R.fingerprint(), 0, 0).judged(Verdict.ROLLED_BACK, null)).pointer(1, 2, 600);
    Condition auto = unexplained.plan().condition(Condition.ROLLED_BACK);
    assertTrue(auto.status());
    assertEquals("AutoReverted", auto.reason());

    Scenario current = Scenario.of(rev(1, OLD, 2, 2).stable(),
        rev(2, R.fingerprint(), 2, 0).judged(Verdict.ROLLED_BACK, "AutoRevert: x")).pointer(2, 1, 10);
    assertFalse(current.plan().condition(Condition.ROLLED_BACK).status(), "not rolled back until the pointer left");
  }

  @Test
  void anInvalidSpecHasNoDesiredRevision() {
    CkanInstanceSpec bad = new CkanInstanceSpec();
    bad.version = "2.11";
    Scenario s = Scenario.of(rev(1, OLD, 2, 2).stable()).pointer(1, null, 600);
    s.outcome = ReleaseFactory.from(bad);
    Plan p = s.plan();
    assertEquals(null, p.desiredRevision());
    assertEquals("NotRolledBack", p.condition(Condition.ROLLED_BACK).reason());
    assertEquals(new Plan.StateReport(RevisionState.Stable, "Current"), p.states().get(1));
  }

  @Test
  void workersStopWhereNoTrafficGoesButNotWhereThePlanSendsIt() {
    Plan idle = Scenario.of(rev(1, OLD, 0, 0).stable().worker(2), rev(2, R.fingerprint(), 2, 2).stable().worker(3))
        .pointer(2, 1, 600).workers(3).plan();
    assertEquals(List.of(new Step.ScaleWorkers(1, 0, "not serving")), idle.steps());

    Plan rollback = Scenario.of(rev(1, OLD, 2, 2).stable().worker(1), rev(2, R.fingerprint(), 2, 2).stable()
        .worker(3)).pointer(2, 1, 600).workers(3).rollbackTo("1").plan();
    assertTrue(rollback.steps().contains(new Step.ScaleWorkers(1, 3, "follow the pointer")), rollback.steps().toString());
    assertTrue(rollback.steps().stream().noneMatch(s -> s instanceof Step.ScaleWorkers w && w.revision() == 1
        && w.replicas() == 0), rollback.steps().toString());
  }

  @Test
  void theSpecRevisionIsNeverPrunedEvenBeyondTheHistoryLimit() {
    Scenario s = Scenario.of(rev(1, R.fingerprint(), 0, 0).judged(Verdict.FAILED, "VerificationFailed: x"),
        rev(2, fp('2'), 0, 0).stable(), rev(3, fp('3'), 0, 0).stable(), rev(4, OLD, 2, 2).stable())
        .pointer(4, 3, 600);
    s.rollout = PlannerTest.rollout(60, 1);
    Plan p = s.plan();
    assertEquals(List.of(new Step.Prune(2)), p.steps(), "revision 1 keeps its verdict on record");
    assertEquals("RevisionFailed", p.condition(Condition.STALLED).reason());
  }

  @Test
  void aHandEditedSelectorIsNotRepairedWhenThePlanMovesThePointerAnyway() {
    Pointer edited = new Pointer(1, null, NOW.minusSeconds(600), List.of(Scenario.deployed(null, 1)), null, null,
        "5", false);
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 2)).pointer(edited).plan();
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.RepairPointer), p.steps().toString());
    Step.MovePointer move = (Step.MovePointer) p.steps().get(0);
    assertEquals(2, move.to());
    assertEquals("5", move.expectedVersion());

    Plan steady = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 1)).pointer(edited).plan();
    assertEquals(List.of(new Step.RepairPointer(1, "5")), steady.steps());
  }
}
