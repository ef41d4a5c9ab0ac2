package io.ckan.operator.plan;

import io.ckan.operator.contract.Reasons;
import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.PlannerTest.healthy;
import static io.ckan.operator.plan.PlannerTest.rev;
import static io.ckan.operator.plan.PlannerTest.rollout;
import static io.ckan.operator.plan.PlannerTest.withVerdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.release.ReleaseOutcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The planner's part of the defects an adversarial run found (issue 9); each failed on the old planner. */
class FindingsPlannerTest {
  static final String MID = "a".repeat(64);

  static Plan plan(List<ObservedRevision> revs, Optional<Pointer> pointer, String rollbackTo) {
    return Planner.plan(new PlanInput(new ReleaseOutcome.Ready(R), 2, rollout(60, 2), false, revs, pointer,
        healthy(revs), rollbackTo, null, NOW));
  }

  static Pointer pointer(int revision, Integer previous, java.time.Instant at, String handled, String version,
      boolean intact) {
    List<HistoryEntry> history = List.of(new HistoryEntry("Deploy", previous, revision, "verified", at.toString()));
    return new Pointer(revision, previous, at, history, handled, null, version, intact);
  }

  /** Only a worker Deployment (a prune that died half-way, or an older operator's prune). */
  static ObservedRevision workerOnly(int n) {
    return new ObservedRevision(n, OLD, null, null, List.of(), NOW.minusSeconds(9000), null, false, false, false,
        0, 0, 0, false, false, null, null, null, new ObservedRevision.Runtime(null, null, false, true, 0));
  }

  @Test
  void finding1_piecesAPruneLeftBehindArePrunedAndDoNotStopTheInstance() {
    List<ObservedRevision> revs = List.of(workerOnly(1), withVerdict(rev(5, R.fingerprint(), 2, 2), Verdict.STABLE,
        "Verified"));
    Plan p = plan(revs, Optional.of(pointer(5, 4, NOW.minusSeconds(600), null, "7", true)), null);
    assertEquals(List.of(new Step.Prune(1)), p.steps());
    assertTrue(p.condition(Condition.READY).status(), p.conditions().toString());
  }

  @Test
  void finding2_aLiveRevisionThatFailsDuringItsBakeIsRevertedEvenWhileANewerSpecIsPending() {
    // revision 2 went live 10 s ago (bake 60 s), revision 1 is still warm; the spec has moved on to R (no revision)
    List<ObservedRevision> revs = List.of(withVerdict(rev(1, OLD, 2, 2), Verdict.STABLE, "Verified"),
        rev(2, MID, 2, 0));
    Plan p = plan(revs, Optional.of(pointer(2, 1, NOW.minusSeconds(10), null, "7", true)), null);
    Step.MovePointer move = p.steps().stream().filter(Step.MovePointer.class::isInstance)
        .map(Step.MovePointer.class::cast).findFirst().orElseThrow(() -> new AssertionError(p.steps()));
    assertEquals(1, move.to());
    assertEquals(Reasons.AUTO_REVERT, move.history().get(move.history().size() - 1).type);
    assertTrue(p.steps().indexOf(new Step.RecordVerdict(2, Verdict.ROLLED_BACK, "AutoRevert: has no available "
        + "replicas")) < p.steps().indexOf(move), "the verdict is on record before the pointer moves");
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.Scale sc && sc.revision() == 1),
        "the revert target stays up: " + p.steps());
  }

  @Test
  void finding2_thePreviousRevisionStaysWarmDuringTheBakeWhileANewerSpecIsPending() {
    List<ObservedRevision> revs = List.of(withVerdict(rev(1, OLD, 2, 2), Verdict.STABLE, "Verified"),
        rev(2, MID, 2, 2));
    Plan p = plan(revs, Optional.of(pointer(2, 1, NOW.minusSeconds(10), null, "7", true)), null);
    assertTrue(p.steps().stream().anyMatch(s -> s instanceof Step.CreateRevision c && c.revision() == 3),
        p.steps().toString());
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.Scale), "nothing scaled down: " + p.steps());
  }

  @Test
  void finding3_aRequestRefusedBeforeAnyRevisionServesIsRecordedByTheFirstPointerMove() {
    ObservedRevision first = rev(1, R.fingerprint(), 2, 2);
    Plan p = plan(List.of(first), Optional.empty(), "previous");
    Step.MovePointer move = (Step.MovePointer) p.steps().stream().filter(Step.MovePointer.class::isInstance)
        .findFirst().orElseThrow(() -> new AssertionError(p.steps()));
    assertEquals("previous", move.handledRollback(), "the refused request is on record with the first move");
    assertEquals("RollbackRejected", p.condition(Condition.ROLLED_BACK).reason());
  }

  @Test
  void finding3_aRefusedRequestDoesNotFireAfterTheNextUpgrade() {
    // rollback-to=3 was refused while revision 3 did not exist (recorded as handled); 3 now exists and is live
    List<ObservedRevision> revs = List.of(withVerdict(rev(2, OLD, 2, 2), Verdict.STABLE, "Verified"),
        rev(3, R.fingerprint(), 2, 2));
    Pointer after = new Pointer(3, 2, NOW.minusSeconds(600), List.of(), "2",
        "rollback request '2' rejected: revision 2 is Failed; nothing was changed", "9", true);
    Plan p = plan(revs, Optional.of(after), "2");
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.MovePointer || s instanceof Step.BringUp),
        p.steps().toString());
    assertEquals("RollbackRejected", p.condition(Condition.ROLLED_BACK).reason(), "the refusal stays visible");
  }

  @Test
  void finding5_aHandEditedSelectorIsPointedBackAtTheRecordedRevision() {
    List<ObservedRevision> revs = List.of(withVerdict(rev(2, R.fingerprint(), 2, 2), Verdict.STABLE, "Verified"));
    Plan p = plan(revs, Optional.of(pointer(2, 1, NOW.minusSeconds(600), null, "41", false)), null);
    assertEquals(List.of(new Step.RepairPointer(2, "41")), p.steps());
  }

  @Test
  void finding6_aMigrationJobWhoseRevisionIsGoneIsPruned() {
    ObservedRevision jobOnly = new ObservedRevision(1, null, null, null, List.of(), NOW.minusSeconds(9000), null,
        false, false, false, 0, 0, 0, false, false, null, null, null, ObservedRevision.Runtime.NONE);
    List<ObservedRevision> revs = List.of(jobOnly, withVerdict(rev(2, R.fingerprint(), 2, 2), Verdict.STABLE,
        "Verified"));
    Plan p = plan(revs, Optional.of(pointer(2, 1, NOW.minusSeconds(600), null, "7", true)), null);
    assertEquals(List.of(new Step.Prune(1)), p.steps());
  }

  @Test
  void finding10_thePointerMoveCarriesTheVersionThePlanWasMadeFrom() {
    List<ObservedRevision> revs = List.of(withVerdict(rev(1, OLD, 2, 2), Verdict.STABLE, "Verified"),
        rev(2, R.fingerprint(), 2, 2));
    Plan p = plan(revs, Optional.of(pointer(1, null, NOW.minusSeconds(600), null, "123", true)), null);
    Step.MovePointer move = (Step.MovePointer) p.steps().stream().filter(Step.MovePointer.class::isInstance)
        .findFirst().orElseThrow(() -> new AssertionError(p.steps()));
    assertEquals("123", move.expectedVersion());
  }

  static ObservedRevision withSchema(ObservedRevision r, String before, String after) {
    return new ObservedRevision(r.number(), r.fingerprint(), r.image(), r.version(), r.plugins(), r.createdAt(),
        r.attemptStartedAt(), r.hasDeployment(), r.hasService(), r.hasConfigMap(), r.specReplicas(),
        r.availableReplicas(), r.updatedReplicas(), r.rolledOut(), r.deadlineExceeded(), r.verdict(),
        r.verdictReason(), r.retryHandled(), new ObservedRevision.Runtime(before, after, true, false, 0));
  }

  @Test
  void aBakeFailureWhoseRevertTheSchemaRefusesDoesNotStopTheRollForward() {
    // revision 2 migrated the schema h1 -> h2 and fails in its bake: going back to 1 would corrupt data; the person
    // pushes a fix (the spec's R): it must roll forward
    List<ObservedRevision> revs = List.of(withSchema(withVerdict(rev(1, OLD, 2, 2), Verdict.STABLE, "Verified"),
        "h1", "h1"), withSchema(rev(2, MID, 2, 0), "h1", "h2"));
    Plan p = plan(revs, Optional.of(pointer(2, 1, NOW.minusSeconds(10), null, "7", true)), null);
    assertTrue(p.steps().stream().anyMatch(s -> s instanceof Step.CreateRevision c && c.revision() == 3),
        p.steps().toString());
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.MovePointer), p.steps().toString());
  }
}
