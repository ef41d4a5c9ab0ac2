package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.Scenario.Rev.rev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.health.Verification;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ckan.io/rollback-to: bring the target up, verify it, move the pointer; or fail it, or refuse the request. */
class RollbackRequestPlannerTest {
  static final String MID = "a".repeat(64);

  /** Revision 1 (Stable, older) and the live spec revision 2; the request asks for revision 1. */
  static Scenario backToOne(Scenario.Rev one) {
    return Scenario.of(one, rev(2, R.fingerprint(), 2, 2).stable()).pointer(2, 1, 600).rollbackTo("1");
  }

  static void assertFailed(Plan p, String reason) {
    Step.RecordVerdict verdict = (Step.RecordVerdict) p.steps().get(0);
    assertEquals(1, verdict.revision());
    assertEquals(Verdict.FAILED, verdict.verdict());
    assertTrue(verdict.reason().startsWith(reason + ":"), verdict.reason());
    assertEquals(List.of(verdict, new Step.RecordRollbackHandled("1"), new Step.Scale(1, 0, "rollback target failed")),
        p.steps(), "the request is answered, the target scaled down, the pointer stays");
    assertEquals("RollbackFailed", p.condition(Condition.STALLED).reason());
    assertEquals("RollbackFailed", p.condition(Condition.ROLLED_BACK).reason());
    assertFalse(p.condition(Condition.ROLLED_BACK).status());
    assertTrue(p.condition(Condition.ROLLED_BACK).message().contains("the pointer stays on revision 2"));
  }

  @Test
  void aTargetThatDoesNotComeUpInTimeFails() {
    Plan p = backToOne(rev(1, OLD, 2, 0).stable().created(9000).attempt(700)).plan();
    assertFailed(p, "ProgressDeadlineExceeded");
  }

  @Test
  void aTargetComingUpIsWaitedFor() {
    Plan p = backToOne(rev(1, OLD, 2, 1).stable().created(9000).attempt(30)).plan();
    assertTrue(p.steps().isEmpty(), p.steps().toString());
    assertEquals("RollingBack", p.condition(Condition.RECONCILING).reason());
    assertEquals(Optional.of(Planning.POLL), p.requeueAfter());
    assertEquals("KeptWarm", p.states().get(1).reason());
  }

  @Test
  void aTargetThatFailsVerificationFails() {
    Plan p = backToOne(rev(1, OLD, 2, 2).stable())
        .health(1, new Verification.Result(false, true, "status_show reports CKAN 2.9.0")).plan();
    assertFailed(p, "VerificationFailed");
  }

  @Test
  void anUnansweredStatusShowIsRetriedSoonThenTimesOut() {
    Verification.Result pending = Verification.Result.pending("status_show failed: HTTP 503");
    Plan waiting = backToOne(rev(1, OLD, 2, 2).stable().attempt(30)).health(1, pending).plan();
    assertTrue(waiting.steps().isEmpty(), waiting.steps().toString());
    assertEquals("RollingBack", waiting.condition(Condition.RECONCILING).reason());
    assertEquals(Optional.of(Planning.VERIFY_RETRY), waiting.requeueAfter());

    Plan expired = backToOne(rev(1, OLD, 2, 2).stable().attempt(700)).health(1, pending).plan();
    assertFailed(expired, "HealthCheckTimeout");
  }

  @Test
  void aTargetNotProbedYetIsVerifiedSoonThenTimesOut() {
    Scenario waiting = backToOne(rev(1, OLD, 2, 2).stable().attempt(30));
    waiting.unprobed.add(1);
    Plan p = waiting.plan();
    assertTrue(p.steps().isEmpty(), p.steps().toString());
    assertTrue(p.condition(Condition.RECONCILING).message().contains("status_show not checked yet"));
    assertEquals(Optional.of(Planning.VERIFY_RETRY), p.requeueAfter());

    Scenario expired = backToOne(rev(1, OLD, 2, 2).stable().attempt(700));
    expired.unprobed.add(1);
    assertFailed(expired.plan(), "HealthCheckTimeout");
  }

  @Test
  void theWorkersFollowThePointerBack() {
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable().worker(0), rev(2, R.fingerprint(), 2, 2).stable().worker(3))
        .pointer(2, 1, 600).rollbackTo("1").workers(3).plan();
    Step.MovePointer move = (Step.MovePointer) p.steps().get(1);
    assertEquals(1, move.to());
    assertEquals(List.of(new Step.ScaleWorkers(1, 3, "follow the pointer"),
        new Step.ScaleWorkers(2, 0, "the pointer left this revision")), p.steps().subList(2, 4));
  }

  @Test
  void aSpecRevisionAlreadyJudgedIsNotJudgedAgain() {
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, MID, 2, 2).stable(),
        rev(3, R.fingerprint(), 0, 0).judged(Verdict.FAILED, "VerificationFailed: x")).pointer(2, 1, 600)
        .rollbackTo("1").plan();
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.RecordVerdict), p.steps().toString());
    assertEquals(1, ((Step.MovePointer) p.steps().get(0)).to());
  }

  @Test
  void requestsThatCannotBeMetAreRefused() {
    Scenario noPrevious = Scenario.of(rev(2, R.fingerprint(), 2, 2).stable()).pointer(2, null, 600)
        .rollbackTo("previous");
    assertRefused(noPrevious.plan(), "previous", "there is no retained revision to go back to");

    Scenario snapshot = Scenario.of(rev(1, OLD, 0, 0).snapshotOnly(), rev(2, R.fingerprint(), 2, 2).stable())
        .pointer(2, null, 600).rollbackTo("1");
    assertRefused(snapshot.plan(), "1", "revision 1 is not retained (retained: r2)");
  }

  static void assertRefused(Plan p, String raw, String why) {
    String message = p.condition(Condition.ROLLED_BACK).message();
    assertTrue(message.contains(why), message);
    assertEquals("RollbackRejected", p.condition(Condition.ROLLED_BACK).reason());
    assertEquals(List.of(new Step.RecordRollbackHandled(raw, message)), p.steps(), "on record, nothing else");
  }

  @Test
  void aRequestBeforeAnyRevisionServesIsRecordedByTheFirstMove() {
    Scenario s = Scenario.of(rev(1, R.fingerprint(), 2, 2)).rollbackTo("1");
    Plan p = s.plan();
    Step.MovePointer move = (Step.MovePointer) p.steps().get(0);
    assertEquals("1", move.handledRollback(), "refused now, on record with the first pointer");
    assertEquals("RollbackRejected", p.condition(Condition.ROLLED_BACK).reason());
    assertTrue(p.condition(Condition.ROLLED_BACK).message().contains("no revision serves yet"));
  }

  @Test
  void aRefusalOnRecordIsReportedWhileItsAnnotationStays() {
    String note = "rollback request '9' rejected: revision 9 is not retained (retained: r2); nothing was changed";
    Scenario refused = Scenario.of(rev(2, R.fingerprint(), 2, 2).stable()).rollbackTo("9")
        .pointer(new Pointer(2, null, NOW.minusSeconds(600), List.of(Scenario.deployed(null, 2)), "9", note, "1",
            true));
    Plan p = refused.plan();
    assertTrue(p.steps().isEmpty(), p.steps().toString());
    assertEquals(new Condition(Condition.ROLLED_BACK, false, "RollbackRejected", note),
        p.condition(Condition.ROLLED_BACK));

    Plan otherRequest = refused.rollbackTo("9#again").plan();
    assertEquals("RollbackRejected", otherRequest.condition(Condition.ROLLED_BACK).reason());
    assertTrue(otherRequest.condition(Condition.ROLLED_BACK).message().contains("'9#again'"),
        "a new request gets its own answer, not the old note");

    Plan removed = refused.rollbackTo(null).plan();
    assertEquals("NotRolledBack", removed.condition(Condition.ROLLED_BACK).reason());
  }

  @Test
  void aRequestThatWasMetOrAnOlderNoteReportsNoRefusal() {
    Scenario met = Scenario.of(rev(2, R.fingerprint(), 2, 2).stable()).rollbackTo("2")
        .pointer(new Pointer(2, null, NOW.minusSeconds(600), List.of(Scenario.deployed(null, 2)), "2"));
    assertEquals("NotRolledBack", met.plan().condition(Condition.ROLLED_BACK).reason());

    Scenario olderNote = Scenario.of(rev(2, R.fingerprint(), 2, 2).stable()).rollbackTo("9")
        .pointer(new Pointer(2, null, NOW.minusSeconds(600), List.of(Scenario.deployed(null, 2)), "9",
            "rollback request '8' rejected: revision 8 is not retained", "1", true));
    assertEquals("NotRolledBack", olderNote.plan().condition(Condition.ROLLED_BACK).reason());
  }
}
