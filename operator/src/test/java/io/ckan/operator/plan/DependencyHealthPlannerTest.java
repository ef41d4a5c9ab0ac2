package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.PlannerTest.pointer;
import static io.ckan.operator.plan.PlannerTest.rev;
import static io.ckan.operator.plan.PlannerTest.rollout;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.contract.Reasons;
import io.ckan.operator.health.Dependency;
import io.ckan.operator.health.Verification;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 13, deep health: what the planner does with a failed Solr or database check. */
class DependencyHealthPlannerTest {
  static final Verification.Result PASSED = new Verification.Result(true, true, "ok");
  static final Verification.Result SOLR_FAILED = new Verification.Result(false, false,
      "the Solr check failed: package_search answered HTTP 500 (Search Connection Error)", Set.of(Dependency.SOLR));

  static Map<Integer, Verification.Result> health(Verification.Result one, Verification.Result two) {
    Map<Integer, Verification.Result> h = new HashMap<>();
    if (one != null) {
      h.put(1, one);
    }
    h.put(2, two);
    return h;
  }

  static Plan plan(List<ObservedRevision> revs, java.util.Optional<Pointer> pointer,
      Map<Integer, Verification.Result> health, io.ckan.operator.api.RolloutSpec rollout) {
    return RevertAndRollbackPlannerTest.plan(revs, pointer, health, null, null, rollout);
  }

  static boolean movesPointer(Plan p) {
    return p.steps().stream().anyMatch(s -> s instanceof Step.MovePointer);
  }

  @Test
  void aRevisionWhoseSolrCheckFailsIsNotSwitchedToAndTheReasonNamesSolr() {
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 2));
    Plan p = plan(revs, pointer(1, null, NOW.minusSeconds(600)), health(PASSED, SOLR_FAILED), rollout(60, 5));
    assertTrue(!movesPointer(p) && p.steps().isEmpty(), p.steps().toString());
    assertEquals("Verifying", p.condition(Condition.RECONCILING).reason());
    assertTrue(p.condition(Condition.RECONCILING).message().contains("Solr check failed"),
        p.condition(Condition.RECONCILING).message());
  }

  @Test
  void inTheBakeWindowAFailureThePreviousRevisionSharesKeepsThePointerAndSaysDependencyUnavailable() {
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 2));
    for (Verification.Result previous : new Verification.Result[] {SOLR_FAILED,
        Verification.Result.pending("not checked yet"), null}) {
      Plan p = plan(revs, pointer(2, 1, NOW.minusSeconds(10)), health(previous, SOLR_FAILED), rollout(60, 5));
      assertTrue(!movesPointer(p), "no revert when revision 1 is " + previous + ": " + p.steps());
      assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.RecordVerdict), p.steps().toString());
      Condition stalled = p.condition(Condition.STALLED);
      assertTrue(stalled.status(), p.conditions().toString());
      assertEquals(Reasons.DEPENDENCY_UNAVAILABLE, stalled.reason());
      assertTrue(stalled.message().contains("Solr") && stalled.message().contains("pointer stays on revision 2"),
          stalled.message());
      assertTrue(p.condition(Condition.AVAILABLE).status(), "revision 2 keeps serving");
    }
  }

  @Test
  void inTheBakeWindowAFailureThePreviousRevisionPassesRevertsInOneWrite() {
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 2));
    Plan p = plan(revs, pointer(2, 1, NOW.minusSeconds(10)), health(PASSED, SOLR_FAILED), rollout(60, 5));
    Step.MovePointer move = (Step.MovePointer) p.steps().get(0);
    assertEquals(1, move.to());
    assertEquals(Reasons.AUTO_REVERT, move.history().get(move.history().size() - 1).type);
    assertTrue(move.history().get(move.history().size() - 1).reason.contains("revision 1 passes"),
        move.history().toString());
    assertTrue(p.steps().stream().anyMatch(s -> s instanceof Step.RecordVerdict v
        && v.verdict() == Verdict.ROLLED_BACK), p.steps().toString());
  }

  @Test
  void afterTheBakeWindowAFailedDependencyRevertsNothing() {
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 2));
    Plan p = plan(revs, pointer(2, 1, NOW.minusSeconds(600)), health(PASSED, SOLR_FAILED), rollout(60, 5));
    assertTrue(!movesPointer(p), p.steps().toString());
    assertTrue(!Reasons.DEPENDENCY_UNAVAILABLE.equals(p.condition(Condition.STALLED).reason()), p.conditions()
        .toString());
  }
}
