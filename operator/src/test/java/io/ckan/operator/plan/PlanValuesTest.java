package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.Scenario.Rev.rev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.release.ReleaseOutcome;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The planner's values: verdict and request parsing, what counts as available or serving, the input defaults. */
class PlanValuesTest {

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {"Stable, STABLE", "Failed, FAILED", "RolledBack, ROLLED_BACK",
      "stable, null", "'', null", "null, null"})
  void verdictAnnotationsParseExactly(String annotation, Verdict expected) {
    assertEquals(Optional.ofNullable(expected), Verdict.parse(annotation));
  }

  @Test
  void onlyStableLetsAFingerprintBeTriedAgain() {
    assertFalse(Verdict.STABLE.blocksRetry());
    assertTrue(Verdict.FAILED.blocksRetry());
    assertTrue(Verdict.ROLLED_BACK.blocksRetry());
  }

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {"previous, null", "3, 3", "' 3#again ', 3", "previous#x, null"})
  void rollbackRequestsParse(String raw, Integer revision) {
    RollbackRequest r = RollbackRequest.parse(raw).orElseThrow();
    assertEquals(raw, r.raw(), "the raw value is what is recorded as handled");
    assertEquals(revision, r.revision());
    assertEquals(revision == null, r.previous());
  }

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {"null", "0", "3#", "-1", "prev", "3 #x"})
  void malformedRollbackRequestsDoNotParse(String raw) {
    assertEquals(Optional.empty(), RollbackRequest.parse(raw));
  }

  static ObservedRevision observed(boolean deployment, boolean configMap, int spec, int updated, int available,
      boolean rolledOut) {
    return new ObservedRevision(1, OLD, "img", "2.11.5", List.of(), NOW, null, deployment, true, configMap, spec,
        available, updated, rolledOut, false, null, null, null);
  }

  @ParameterizedTest
  @CsvSource({
      // deployment, spec, updated, available, rolledOut, wanted, availableAt wanted, warm and ready at its scale
      "true, 2, 2, 2, true, 2, true, true",
      "true, 3, 3, 3, true, 2, false, true",
      "true, 2, 2, 2, false, 2, false, false",
      "true, 2, 1, 2, true, 2, false, false",
      "true, 2, 2, 1, true, 2, false, false",
      "true, 0, 0, 0, true, 0, false, false",
      "false, 2, 2, 2, true, 2, false, false"})
  void availableAtNeedsEveryWantedReplicaUpdatedAndAvailable(boolean deployment, int spec, int updated,
      int available, boolean rolledOut, int wanted, boolean expected, boolean warm) {
    ObservedRevision r = observed(deployment, true, spec, updated, available, rolledOut);
    assertEquals(expected, r.availableAt(wanted));
    assertEquals(warm, r.warmAndReady());
  }

  @Test
  void servingNeedsOneAvailableReplicaOfAWebDeployment() {
    assertTrue(observed(true, true, 2, 2, 1, true).serving());
    assertFalse(observed(true, true, 2, 2, 0, true).serving());
    assertFalse(observed(false, true, 0, 0, 1, true).serving());
  }

  @Test
  void aLeftoverHasNeitherConfigNorWebDeployment() {
    assertTrue(observed(false, false, 0, 0, 0, false).leftover());
    assertFalse(observed(false, true, 0, 0, 0, false).leftover(), "a revision waiting for its image");
    assertFalse(observed(true, false, 2, 2, 2, true).leftover());
  }

  @Test
  void onlyServingRevisionsThatAreNotJudgedAreProbed() {
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2).stable().build(), rev(2, OLD, 2, 1).build(),
        rev(3, OLD, 2, 2).judged(Verdict.FAILED, "x").build(),
        rev(4, OLD, 2, 2).judged(Verdict.ROLLED_BACK, "x").build(), rev(5, OLD, 2, 0).build(),
        rev(6, OLD, 0, 0).snapshotOnly().build());
    assertEquals(Set.of(1, 2), Planner.toProbe(revs));
  }

  @Test
  void missingInputMapsAreEmpty() {
    PlanInput in = new PlanInput("ns", "portal", new ReleaseOutcome.Ready(R), 2, null, false, List.of(),
        Optional.empty(), null, null, null, null, null, null, null, NOW);
    assertEquals(Map.of(), in.health());
    assertEquals(Map.of(), in.builds());
    assertEquals(Map.of(), in.knownImages());
    assertEquals(Map.of(), in.migrations());
    assertEquals("Migrating", Planner.plan(in).condition(Condition.RECONCILING).reason(),
        "a plan is made from such an input");
  }

  @Test
  void stalledInsteadWritesNothingAndKeepsTheReport() {
    Plan moving = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 2)).pointer(1, null, 600)
        .plan();
    assertFalse(moving.steps().isEmpty());
    Plan stalled = moving.stalledInstead("NameConflict", "Service portal is not ours");
    assertEquals(List.of(), stalled.steps());
    assertEquals(List.of(
        new Condition(Condition.READY, false, "NameConflict", "Service portal is not ours"),
        new Condition(Condition.RECONCILING, false, "NameConflict", ""),
        new Condition(Condition.STALLED, true, "NameConflict", "Service portal is not ours"),
        moving.condition(Condition.AVAILABLE),
        moving.condition(Condition.ROLLED_BACK)), stalled.conditions());
    assertEquals(moving.desiredRevision(), stalled.desiredRevision());
    assertEquals(moving.states(), stalled.states());
    assertEquals(moving.requeueAfter(), stalled.requeueAfter());
  }
}
