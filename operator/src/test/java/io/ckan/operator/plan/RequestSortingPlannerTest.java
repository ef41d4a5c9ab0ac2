package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.Scenario.Rev.rev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.contract.Reasons;
import io.ckan.operator.release.ReleaseOutcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which requests a pass acts on: none while paused or without a release, except to finish an interrupted revert. */
class RequestSortingPlannerTest {
  static final String MID = "a".repeat(64);

  static Scenario rollbackRequested() {
    return Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 2).stable()).pointer(2, 1, 600)
        .rollbackTo("1");
  }

  @Test
  void aRequestWaitsWhilePausedOrWhileTheSpecCannotBeReleased() {
    Scenario paused = rollbackRequested();
    paused.paused = true;
    Scenario invalid = rollbackRequested();
    invalid.outcome = new ReleaseOutcome.Invalid(List.of());
    Scenario blocked = rollbackRequested();
    blocked.outcome = new ReleaseOutcome.Blocked("SecretMissing", "secret portal-db does not exist");
    for (Scenario s : List.of(paused, invalid, blocked)) {
      Plan p = s.plan();
      assertTrue(p.steps().isEmpty(), "not acted on and not put on record: " + p.steps());
      assertEquals("NotRolledBack", p.condition(Condition.ROLLED_BACK).reason());
    }
    assertEquals("SecretMissing", blocked.plan().condition(Condition.STALLED).reason());
    assertEquals(Optional.of(Planning.BLOCKED_RETRY), blocked.plan().requeueAfter());
  }

  @Test
  void aJudgedCurrentRevisionIsLeftEvenWhileTheSpecIsInvalid() {
    Scenario s = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, MID, 2, 2).stable(),
        rev(3, R.fingerprint(), 2, 0).judged(Verdict.FAILED, "y")).pointer(3, 2, 10).rollbackTo("1");
    s.outcome = new ReleaseOutcome.Invalid(List.of());
    Step.MovePointer move = (Step.MovePointer) s.plan().steps().get(0);
    assertEquals(1, move.to());
    assertEquals("1", move.handledRollback());
    assertEquals(Reasons.ROLLBACK, move.history().get(move.history().size() - 1).type);
  }

  @Test
  void aMalformedRequestBeforeAnyPointerIsRecordedByTheFirstMove() {
    Plan p = Scenario.of(rev(1, R.fingerprint(), 2, 2)).rollbackTo("latest").plan();
    Step.MovePointer move = (Step.MovePointer) p.steps().get(0);
    assertEquals(1, move.to());
    assertEquals("latest", move.handledRollback());
    assertEquals("RollbackRejected", p.condition(Condition.ROLLED_BACK).reason());
  }
}
