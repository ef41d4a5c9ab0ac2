package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.Scenario.Rev.rev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.health.Verification;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** STEADY (the spec's revision is current) and ROLLING_OUT edge cases: scaling, health, zero replicas, deadlines. */
class SteadyAndRolloutPlannerTest {
  static final String MID = "a".repeat(64);

  /** The deciding condition {@code type} is True (none is when type is null); all three carry its reason. */
  static void assertOnly(Plan p, String type, String reason) {
    for (String t : List.of(Condition.READY, Condition.RECONCILING, Condition.STALLED)) {
      assertEquals(t.equals(type), p.condition(t).status(), t + " " + p.conditions());
      assertEquals(reason, p.condition(t).reason());
      assertEquals(t.equals(type) || t.equals(Condition.READY) ? p.condition(type == null ? Condition.READY : type)
          .message() : "",
          p.condition(t).message(), "only Ready and the deciding condition carry the message");
    }
  }

  @Test
  void aCurrentRevisionScalingUpIsScaling() {
    Plan p = Scenario.of(rev(1, R.fingerprint(), 3, 2).stable()).pointer(1, null, 600).replicas(3).plan();
    assertTrue(p.steps().isEmpty(), p.steps().toString());
    assertOnly(p, Condition.RECONCILING, "Scaling");
    assertEquals(Optional.of(Planning.POLL), p.requeueAfter());
    assertTrue(p.condition(Condition.AVAILABLE).status());
  }

  @Test
  void aReplicaChangeNotObservedYetIsNotAFailure() {
    Plan p = Scenario.of(rev(1, R.fingerprint(), 2, 0).stable().notRolledOut()).pointer(1, null, 600).plan();
    assertOnly(p, Condition.RECONCILING, "Scaling");
  }

  @Test
  void anUnhealthyCurrentRevisionIsNotReadyAndNotJudgedStable() {
    Plan noReplicas = Scenario.of(rev(1, R.fingerprint(), 2, 0)).pointer(1, null, 600).plan();
    assertTrue(noReplicas.steps().isEmpty(), "no Stable verdict for a revision that serves nothing: "
        + noReplicas.steps());
    assertOnly(noReplicas, Condition.STALLED, "CurrentUnhealthy");
    assertTrue(noReplicas.condition(Condition.STALLED).message().startsWith("revision 1 has no available replicas "
        + "after its bake window"), noReplicas.condition(Condition.STALLED).message());
    assertEquals(Optional.of(Planning.POLL), noReplicas.requeueAfter());
    assertEquals("CurrentUnavailable", noReplicas.condition(Condition.AVAILABLE).reason());

    Plan wrongRelease = Scenario.of(rev(1, R.fingerprint(), 2, 2)).pointer(1, null, 600)
        .health(1, new Verification.Result(false, true, "status_show reports CKAN 2.9.0")).plan();
    assertTrue(wrongRelease.steps().isEmpty(), wrongRelease.steps().toString());
    assertTrue(wrongRelease.condition(Condition.STALLED).message().startsWith("revision 1 failed verification: "
        + "status_show reports CKAN 2.9.0"), wrongRelease.condition(Condition.STALLED).message());
    assertEquals("Serving", wrongRelease.condition(Condition.AVAILABLE).reason());
  }

  @Test
  void anUnansweredStatusShowDoesNotCountAsAFailure() {
    Plan p = Scenario.of(rev(1, R.fingerprint(), 2, 2)).pointer(1, null, 600)
        .health(1, Verification.Result.pending("status_show failed: HTTP 503")).plan();
    assertEquals(List.of(new Step.RecordVerdict(1, Verdict.STABLE, "Verified")), p.steps());
    // Ready waits one pass for the verdict to be on record (a real API server moves the generation with it)
    assertOnly(p, Condition.RECONCILING, "Verifying");
  }

  @Test
  void zeroReplicasScalesTheCurrentRevisionDownAndIsDone() {
    Plan p = Scenario.of(rev(1, R.fingerprint(), 2, 2).stable()).pointer(1, null, 600).replicas(0).plan();
    assertEquals(List.of(new Step.Scale(1, 0, "spec.replicas changed (in place)")), p.steps());
    assertOnly(p, Condition.READY, "ScaledToZero");

    Plan scaled = Scenario.of(rev(1, R.fingerprint(), 0, 0).stable()).pointer(1, null, 600).replicas(0).plan();
    assertTrue(scaled.steps().isEmpty(), scaled.steps().toString());
    assertOnly(scaled, Condition.READY, "ScaledToZero");
  }

  @Test
  void workersOfTheServingRevisionFollowTheSpec() {
    Plan start = Scenario.of(rev(1, R.fingerprint(), 2, 2).stable().worker(0)).pointer(1, null, 600).workers(3)
        .plan();
    assertEquals(List.of(new Step.ScaleWorkers(1, 3, "workers of the serving revision")), start.steps());

    Plan already = Scenario.of(rev(1, R.fingerprint(), 2, 2).stable().worker(3)).pointer(1, null, 600).workers(3)
        .plan();
    assertTrue(already.steps().isEmpty(), already.steps().toString());
  }

  @Test
  void theBakeIsLookedAtAgainWhenItEnds() {
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 2)).pointer(2, 1, 20).plan();
    Duration requeue = p.requeueAfter().orElseThrow();
    assertTrue(requeue.compareTo(Duration.ofSeconds(40)) >= 0 && requeue.compareTo(Duration.ofSeconds(41)) < 0,
        requeue.toString());
    assertOnly(p, Condition.RECONCILING, "Baking");
    assertEquals(new Plan.StateReport(RevisionState.Live, "Baking"), p.states().get(2));
    assertEquals(new Plan.StateReport(RevisionState.Superseded, "KeptWarm"), p.states().get(1));
  }

  @Test
  void aHealthyBakeWithoutAutoRevertJustBakes() {
    Scenario s = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 2)).pointer(2, 1, 20);
    s.rollout.autoRevert = false;
    assertOnly(s.plan(), Condition.RECONCILING, "Baking");
  }

  @Test
  void theDefaultBakeIsFiveMinutes() {
    Scenario s = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 2)).pointer(2, 1, 200);
    s.rollout = null;
    Plan p = s.plan();
    assertEquals("Baking", p.condition(Condition.RECONCILING).reason());
    assertEquals(RevisionState.Live, p.states().get(2).state());
  }

  @Test
  void noBakeWithoutAPreviousRevisionThatCouldTakeTrafficBack() {
    Plan pruned = Scenario.of(rev(2, R.fingerprint(), 2, 2)).pointer(2, 1, 10).plan();
    assertOnly(pruned, Condition.RECONCILING, "Verifying"); // no bake: judged Stable at once
    assertEquals(RevisionState.Stable, pruned.states().get(2).state());

    Plan failedPrevious = Scenario.of(rev(1, OLD, 0, 0).judged(Verdict.FAILED, "x"), rev(2, R.fingerprint(), 2, 2))
        .pointer(2, 1, 10).plan();
    assertOnly(failedPrevious, Condition.RECONCILING, "Verifying");
  }

  @Test
  void anUnhealthyLiveRevisionWhosePreviousIsNotWarmIsNotReverted() {
    Plan p = Scenario.of(rev(1, OLD, 2, 1).stable(), rev(2, R.fingerprint(), 2, 0)).pointer(2, 1, 10).plan();
    assertTrue(p.steps().isEmpty(), "nothing moves and the previous revision stays up: " + p.steps());
    assertOnly(p, Condition.STALLED, "RevertImpossible");
    assertEquals("KeptWarm", p.states().get(1).reason());
  }

  @Test
  void zeroReplicasCannotVerifyANewRevision() {
    Plan p = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 0, 0)).pointer(1, null, 600)
        .replicas(0).plan();
    assertTrue(p.steps().isEmpty(), p.steps().toString());
    assertOnly(p, Condition.STALLED, "ScaledToZero");
    assertTrue(p.condition(Condition.STALLED).message().endsWith("the pointer stays on revision 1"));

    Plan first = Scenario.of(rev(1, R.fingerprint(), 0, 0)).replicas(0).plan();
    assertOnly(first, Condition.STALLED, "ScaledToZero");
    assertTrue(first.condition(Condition.STALLED).message().endsWith("so the pointer stays"));
  }

  @Test
  void aSpecReturningToARevisionOnAnOlderSchemaIsRefused() {
    Plan p = Scenario.of(rev(1, R.fingerprint(), 0, 0).stable().schema(null, "h1"),
        rev(2, OLD, 2, 2).stable().schema("h1", "h2")).pointer(2, 1, 600).plan();
    assertTrue(p.steps().isEmpty(), "revision 1 is not brought up: " + p.steps());
    assertOnly(p, Condition.STALLED, "RollbackBlockedBySchema");
    assertTrue(p.condition(Condition.STALLED).message().startsWith("the spec returns to revision 1"));
  }

  @Test
  void aDeadlineTheDeploymentReportsCountsOnlyForTheFirstAttempt() {
    Plan first = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 0).deadlineExceeded())
        .pointer(1, null, 600).plan();
    assertOnly(first, Condition.STALLED, "RevisionFailed");
    assertEquals(new Step.Scale(2, 0, "failed before the switch"), first.steps().get(1));

    Plan reused = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 0).deadlineExceeded()
        .attempt(30)).pointer(1, null, 600).plan();
    assertTrue(reused.steps().isEmpty(), "a new attempt has its own deadline: " + reused.steps());
    assertOnly(reused, Condition.RECONCILING, "Deploying");

    Plan expired = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 0).created(60).attempt(700))
        .pointer(1, null, 600).plan();
    assertOnly(expired, Condition.STALLED, "RevisionFailed");
    assertTrue(expired.condition(Condition.STALLED).message().contains("did not become available within 600s"));
  }
}
