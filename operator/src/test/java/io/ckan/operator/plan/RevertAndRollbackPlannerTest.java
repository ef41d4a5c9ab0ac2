package io.ckan.operator.plan;

import io.ckan.operator.api.HistoryEntry;

import io.ckan.operator.contract.Reasons;
import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.PlannerTest.healthy;
import static io.ckan.operator.plan.PlannerTest.pointer;
import static io.ckan.operator.plan.PlannerTest.rev;
import static io.ckan.operator.plan.PlannerTest.rollout;
import static io.ckan.operator.plan.PlannerTest.withVerdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.health.Verification;
import io.ckan.operator.release.ReleaseOutcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Health-gated switching, automatic revert, manual rollback and retry requests. */
class RevertAndRollbackPlannerTest {
  static final String MID = "a".repeat(64);

  static Plan plan(List<ObservedRevision> revs, Optional<Pointer> pointer, Map<Integer, Verification.Result> health,
      String rollbackTo, String retry, RolloutSpec rollout) {
    return Planner.plan(new PlanInput(new ReleaseOutcome.Ready(R), 2, rollout, false, revs, pointer, health,
        rollbackTo, retry, NOW));
  }

  static Plan plan(List<ObservedRevision> revs, Optional<Pointer> pointer, String rollbackTo) {
    return plan(revs, pointer, healthy(revs), rollbackTo, null, rollout(60, 5));
  }

  static Map<Integer, Verification.Result> with(List<ObservedRevision> revs, int n, Verification.Result r) {
    Map<Integer, Verification.Result> health = new HashMap<>(healthy(revs));
    health.put(n, r);
    return health;
  }

  static void assertConditions(Plan p, boolean ready, boolean stalled, boolean available, boolean rolledBack) {
    assertEquals(ready, p.condition(Condition.READY).status(), "Ready " + p.conditions());
    assertEquals(stalled, p.condition(Condition.STALLED).status(), "Stalled " + p.conditions());
    assertEquals(available, p.condition(Condition.AVAILABLE).status(), "Available " + p.conditions());
    assertEquals(rolledBack, p.condition(Condition.ROLLED_BACK).status(), "RolledBack " + p.conditions());
  }

  // ---- verification before the switch ------------------------------------------------------------------------

  @Test
  void wrongPluginsFailTheRevisionAndThePointerStays() {
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 2));
    Plan p = plan(revs, pointer(1, null, NOW.minusSeconds(600)),
        with(revs, 2, new Verification.Result(false, true, "status_show is missing plugins [dcat]")), null, null,
        rollout(60, 5));
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.MovePointer), p.steps().toString());
    Step.RecordVerdict v = (Step.RecordVerdict) p.steps().get(0);
    assertEquals(Verdict.FAILED, v.verdict());
    assertTrue(v.reason().contains("missing plugins [dcat]"), v.reason());
    assertEquals(new Step.Scale(2, 0, "failed before the switch"), p.steps().get(1));
    assertConditions(p, false, true, true, false);
  }

  @Test
  void unansweredStatusShowWaitsThenTimesOut() {
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 2));
    Verification.Result pending = Verification.Result.pending("status_show failed: HTTP 503");
    Plan waiting = plan(revs, pointer(1, null, NOW.minusSeconds(600)), with(revs, 2, pending), null, null,
        rollout(60, 5));
    assertTrue(waiting.steps().isEmpty(), waiting.steps().toString());
    assertEquals("Verifying", waiting.condition(Condition.RECONCILING).reason());

    RolloutSpec shortDeadline = rollout(60, 5);
    shortDeadline.progressDeadlineSeconds = 30;
    Plan expired = plan(revs, pointer(1, null, NOW.minusSeconds(600)), with(revs, 2, pending), null, null,
        shortDeadline);
    assertTrue(((Step.RecordVerdict) expired.steps().get(0)).reason().startsWith("HealthCheckTimeout"));
  }

  // ---- bake window and automatic revert ------------------------------------------------------------------------

  @Test
  void failureDuringBakeRevertsWithThePointerWriteFirstAndTheVerdictAfter() {
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 0));
    Plan p = plan(revs, pointer(2, 1, NOW.minusSeconds(10)), null);
    assertEquals(2, p.steps().size(), p.steps().toString());
    Step.MovePointer move = (Step.MovePointer) p.steps().get(0);
    assertEquals(1, move.to());
    HistoryEntry entry = move.history().get(move.history().size() - 1);
    assertEquals(Reasons.AUTO_REVERT, entry.type);
    assertEquals(Integer.valueOf(2), entry.from);
    assertEquals("revision 2 has no available replicas", entry.reason);
    Step.RecordVerdict verdict = (Step.RecordVerdict) p.steps().get(1);
    assertEquals(Verdict.ROLLED_BACK, verdict.verdict());
    assertEquals("AutoRevert: revision 2 has no available replicas", verdict.reason());
  }

  @Test
  void aCrashAfterTheRevertWriteLeavesTheRevertedRevisionRolledBackAndItsVerdictIsWritten() {
    // the pointer write happened (history names revision 2), the verdict annotation did not: revision 2 has none
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 0));
    HistoryEntry reverted = new HistoryEntry(Reasons.AUTO_REVERT, 2, 1, "revision 2 has no available replicas",
        NOW.minusSeconds(1).toString());
    Pointer after = new Pointer(1, 2, NOW.minusSeconds(1), List.of(reverted), null, null, "7", true);
    Plan p = plan(revs, java.util.Optional.of(after), null);
    assertEquals(List.of(new Step.RecordVerdict(2, Verdict.ROLLED_BACK,
        "AutoRevert: revision 2 has no available replicas")), p.steps().stream()
        .filter(s -> !(s instanceof Step.Scale)).toList(), p.steps().toString());
    assertFalse(p.steps().stream().anyMatch(s -> s instanceof Step.MovePointer), "revision 2 must not go live again");
    assertEquals(RevisionState.RolledBack, p.states().get(2).state());
  }

  @Test
  void aRetriedRevisionIsNotJudgedAgainByAnOlderRevert() {
    // revision 2 was reverted, then retried (its attempt restarted after the history entry): no inferred verdict
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 0, 0));
    HistoryEntry reverted = new HistoryEntry(Reasons.AUTO_REVERT, 2, 1, "revision 2 has no available replicas",
        NOW.minusSeconds(60).toString());
    ObservedRevision retried = Planning.inferVerdict(withAttempt(revs.get(1), NOW.minusSeconds(30)),
        List.of(reverted));
    assertEquals(null, retried.verdict());
    ObservedRevision notRetried = Planning.inferVerdict(withAttempt(revs.get(1), NOW.minusSeconds(90)),
        List.of(reverted));
    assertEquals(Verdict.ROLLED_BACK, notRetried.verdict());
    assertFalse(notRetried.verdictOnRecord());
  }

  private static ObservedRevision withAttempt(ObservedRevision r, java.time.Instant attempt) {
    return new ObservedRevision(r.number(), r.fingerprint(), r.image(), r.version(), r.plugins(), r.createdAt(),
        attempt, r.hasDeployment(), r.hasService(), r.hasConfigMap(), r.specReplicas(), r.availableReplicas(),
        r.updatedReplicas(), r.rolledOut(), r.deadlineExceeded(), r.verdict(), r.verdictReason(), r.retryHandled(),
        r.runtime());
  }

  @Test
  void wrongReleaseReportedDuringBakeAlsoReverts() {
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 2));
    Plan p = plan(revs, pointer(2, 1, NOW.minusSeconds(10)),
        with(revs, 2, new Verification.Result(false, true, "status_show reports CKAN 2.10.1, expected 2.11.5")),
        null, null, rollout(60, 5));
    assertInstanceOf(Step.MovePointer.class, p.steps().get(0));
  }

  @Test
  void autoRevertOffKeepsServingAndSaysSo() {
    RolloutSpec noRevert = rollout(60, 5);
    noRevert.autoRevert = false;
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 0));
    Plan p = plan(revs, pointer(2, 1, NOW.minusSeconds(10)), healthy(revs), null, null, noRevert);
    assertTrue(p.steps().isEmpty(), p.steps().toString());
    assertEquals("UnhealthyDuringBake", p.condition(Condition.STALLED).reason());
  }

  @Test
  void afterTheRevertTheConditionsSayWhatHappened() {
    ObservedRevision reverted = withVerdict(rev(2, R.fingerprint(), 2, 0), Verdict.ROLLED_BACK,
        "AutoRevert: has no available replicas");
    List<ObservedRevision> revs = List.of(withVerdict(rev(1, OLD, 2, 2), Verdict.STABLE, "Verified"), reverted);
    Plan p = plan(revs, pointer(1, 2, NOW.minusSeconds(1)), null);
    assertConditions(p, false, true, true, true);
    assertEquals("AutoReverted", p.condition(Condition.ROLLED_BACK).reason());
    assertEquals(List.of(new Step.Scale(2, 0, "superseded")), p.steps(), "no retry of the reverted fingerprint");
    assertEquals(RevisionState.RolledBack, p.states().get(2).state());
    assertEquals(RevisionState.Stable, p.states().get(1).state(), "no bake for the revert target");
  }

  @Test
  void anInterruptedRevertIsFinished() {
    // the operator died after writing the verdict and before moving the pointer
    ObservedRevision judged = withVerdict(rev(2, R.fingerprint(), 2, 0), Verdict.ROLLED_BACK, "AutoRevert: x");
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), judged);
    Plan p = plan(revs, pointer(2, 1, NOW.minusSeconds(10)), null);
    Step.MovePointer move = (Step.MovePointer) p.steps().get(0);
    assertEquals(1, move.to());
  }

  // ---- manual rollback ----------------------------------------------------------------------------------------

  @Test
  void rollbackBringsTheTargetUpFirst() {
    List<ObservedRevision> revs = List.of(withVerdict(rev(1, OLD, 0, 0), Verdict.STABLE, "Verified"),
        withVerdict(rev(2, R.fingerprint(), 2, 2), Verdict.STABLE, "Verified"));
    Plan p = plan(revs, pointer(2, 1, NOW.minusSeconds(600)), "1");
    assertEquals(List.of(new Step.BringUp(1, 2, "rollback target")), p.steps());
    assertEquals("RollingBack", p.condition(Condition.RECONCILING).reason());
  }

  @Test
  void rollbackMovesThePointerOnceTheTargetIsVerifiedAndBlocksTheSpecRevision() {
    List<ObservedRevision> revs = List.of(withVerdict(rev(1, OLD, 2, 2), Verdict.STABLE, "Verified"),
        withVerdict(rev(2, R.fingerprint(), 2, 2), Verdict.STABLE, "Verified"));
    Plan p = plan(revs, pointer(2, 1, NOW.minusSeconds(600)), "previous");
    Step.RecordVerdict verdict = (Step.RecordVerdict) p.steps().get(0);
    assertEquals(new Step.RecordVerdict(2, Verdict.ROLLED_BACK, verdict.reason()), verdict);
    assertTrue(verdict.reason().startsWith("ManualRollback"));
    Step.MovePointer move = (Step.MovePointer) p.steps().get(1);
    assertEquals(1, move.to());
    assertEquals("previous", move.handledRollback());
    assertEquals(Reasons.ROLLBACK, move.history().get(0).type);
  }

  @Test
  void aHandledRequestIsNotActedOnAgain() {
    List<ObservedRevision> revs = List.of(withVerdict(rev(1, OLD, 2, 2), Verdict.STABLE, "Verified"),
        withVerdict(rev(2, R.fingerprint(), 0, 0), Verdict.ROLLED_BACK, "ManualRollback: x"));
    Optional<Pointer> afterRollback = Optional.of(new Pointer(1, 2, NOW.minusSeconds(5), List.of(), "1"));
    Plan p = plan(revs, afterRollback, "1");
    assertTrue(p.steps().isEmpty(), p.steps().toString());
    assertConditions(p, false, true, true, true);
    assertEquals("ManualRollback", p.condition(Condition.ROLLED_BACK).reason());
  }

  @Test
  void unknownRevisionIsRejectedRecordedAsHandledAndNothingElseChanges() {
    List<ObservedRevision> revs = List.of(withVerdict(rev(2, R.fingerprint(), 2, 2), Verdict.STABLE, "Verified"));
    Plan p = plan(revs, pointer(2, null, NOW.minusSeconds(600)), "9");
    assertOnlyRecordedAsRefused(p, "9");
    assertEquals("RollbackRejected", p.condition(Condition.ROLLED_BACK).reason());
    assertTrue(p.condition(Condition.ROLLED_BACK).message().contains("revision 9 is not retained (retained: r2)"));
    assertTrue(p.condition(Condition.READY).status(), "the instance itself is fine");
  }

  @Test
  void malformedRequestIsRejected() {
    List<ObservedRevision> revs = List.of(withVerdict(rev(2, R.fingerprint(), 2, 2), Verdict.STABLE, "Verified"));
    Plan p = plan(revs, pointer(2, null, NOW.minusSeconds(600)), "two; rm -rf /");
    assertOnlyRecordedAsRefused(p, "two; rm -rf /");
    assertEquals("RollbackRejected", p.condition(Condition.ROLLED_BACK).reason());
  }

  @Test
  void rollbackToTheCurrentRevisionIsRecordedOnly() {
    List<ObservedRevision> revs = List.of(withVerdict(rev(2, R.fingerprint(), 2, 2), Verdict.STABLE, "Verified"));
    Plan p = plan(revs, pointer(2, null, NOW.minusSeconds(600)), "2#again");
    assertEquals(List.of(new Step.RecordRollbackHandled("2#again")), p.steps());
  }

  @Test
  void rollbackToAFailedRevisionIsRejected() {
    List<ObservedRevision> revs = List.of(withVerdict(rev(1, MID, 0, 0), Verdict.FAILED, "VerificationFailed: x"),
        withVerdict(rev(2, R.fingerprint(), 2, 2), Verdict.STABLE, "Verified"));
    Plan p = plan(revs, pointer(2, null, NOW.minusSeconds(600)), "1");
    assertOnlyRecordedAsRefused(p, "1");
    assertTrue(p.condition(Condition.ROLLED_BACK).message().contains("cannot take traffic"));
  }

  /** A refused request is put on record at once (finding 3: otherwise it fires after a later upgrade). */
  private static void assertOnlyRecordedAsRefused(Plan p, String raw) {
    assertEquals(List.of(new Step.RecordRollbackHandled(raw, p.condition(Condition.ROLLED_BACK).message())),
        p.steps());
  }

  // ---- retry requests -----------------------------------------------------------------------------------------

  @Test
  void retryRequestClearsTheVerdictOnceAndNotAgain() {
    ObservedRevision failed = withVerdict(rev(2, R.fingerprint(), 0, 0), Verdict.FAILED, "VerificationFailed: x");
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), failed);
    Plan p = plan(revs, pointer(1, null, NOW.minusSeconds(600)), healthy(revs), null, "try-2", rollout(60, 5));
    assertEquals(List.of(new Step.ClearVerdict(2, "try-2")), p.steps());

    ObservedRevision failedAgain = new ObservedRevision(2, R.fingerprint(), "img", "2.11.5", List.of(), NOW, null,
        true, true, true, 0, 0, 0, true, false, Verdict.FAILED, "VerificationFailed: x", "try-2");
    Plan again = plan(List.of(rev(1, OLD, 2, 2), failedAgain), pointer(1, null, NOW.minusSeconds(600)),
        healthy(revs), null, "try-2", rollout(60, 5));
    assertTrue(again.steps().isEmpty(), "the same retry token is not acted on twice: " + again.steps());
    assertFalse(again.condition(Condition.READY).status());
  }
}
