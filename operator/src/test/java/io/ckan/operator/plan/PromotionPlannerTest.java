package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.R;
import static io.ckan.operator.plan.Scenario.Rev.rev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.health.Verification;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Manual promotion in the planner: a verified revision waits while the live one serves, a ckan.io/promote request
 * naming it moves the pointer in one write that also records the request, and any other request is refused and put
 * on record so that it never fires later.
 */
class PromotionPlannerTest {

  static RolloutSpec manual() {
    RolloutSpec r = PlannerTest.rollout(60, 5);
    r.promotion = RolloutSpec.Promotion.manual;
    return r;
  }

  /** Revision 1 Stable and live; revision 2 (the spec's) available with 2/2 replicas and verified. */
  static Scenario awaiting() {
    Scenario s = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 2));
    s.rollout = manual();
    return s.pointer(1, null, 600);
  }

  static Scenario handled(Scenario s, String handled, String rejected) {
    Pointer p = s.pointer.orElseThrow();
    return s.pointer(new Pointer(p.revision(), p.previous(), p.switchedAt(), p.history(), null, null, "7", true,
        handled, rejected));
  }

  static List<Step.MovePointer> moves(Plan p) {
    return p.steps().stream().filter(Step.MovePointer.class::isInstance).map(Step.MovePointer.class::cast).toList();
  }

  static List<Step.RecordPromotionHandled> records(Plan p) {
    return p.steps().stream().filter(Step.RecordPromotionHandled.class::isInstance)
        .map(Step.RecordPromotionHandled.class::cast).toList();
  }

  @Test
  void aVerifiedRevisionWaitsWritingNothingAndSaysHowToPromoteIt() {
    Plan p = awaiting().plan();
    assertEquals(List.of(), p.steps(), "waiting writes nothing (no scale-down of the waiting revision either)");
    Condition ready = p.condition(Condition.READY);
    assertFalse(ready.status());
    assertEquals("AwaitingPromotion", ready.reason());
    assertTrue(ready.message().contains("ckan.io/promote=2") && ready.message().contains("kubectl ckan promote portal")
        && ready.message().contains("revision 1 keeps serving"), ready.message());
    assertFalse(p.condition(Condition.RECONCILING).status(), "nothing progresses by itself");
    assertFalse(p.condition(Condition.STALLED).status(), "nothing is wrong");
    assertTrue(p.condition(Condition.AVAILABLE).status());
    assertEquals(new Plan.StateReport(RevisionState.Deploying, "AwaitingPromotion"), p.states().get(2));
    assertEquals(2, p.desiredRevision());
    assertTrue(p.conditions().stream().noneMatch(c -> c.type().equals(Condition.PROMOTED)));
  }

  @Test
  void aRequestNamingTheWaitingRevisionMovesThePointerAndRecordsItInTheSameWrite() {
    Scenario s = awaiting();
    s.promote = "2";
    Plan p = s.plan();
    Step.MovePointer move = moves(p).get(0);
    assertEquals(List.of(move), p.steps(), "one write: the pointer move carries the request");
    assertEquals(2, move.to());
    assertEquals("2", move.handledPromotion());
    assertEquals(null, move.handledRollback());
    assertEquals("Deploy", move.history().get(move.history().size() - 1).type);
    assertTrue(move.history().get(0).reason.contains("promoted by request '2'"), move.history().get(0).reason);
    assertEquals("PointerMoved", p.condition(Condition.RECONCILING).reason());
  }

  @Test
  void aRequestAlreadyActedOnIsNotActedOnAgain() {
    Scenario s = handled(awaiting(), "2", null);
    s.promote = "2";
    Plan p = s.plan();
    assertEquals(List.of(), p.steps());
    assertEquals("AwaitingPromotion", p.condition(Condition.READY).reason());
  }

  @Test
  void aNewTokenAsksForTheSameRevisionAgain() {
    Scenario s = handled(awaiting(), "2", "promotion request '2' rejected: too early");
    s.promote = "2#again";
    Plan p = s.plan();
    assertEquals(2, moves(p).get(0).to());
    assertEquals("2#again", moves(p).get(0).handledPromotion());
  }

  /** Revision 1 live; revision 2 (the spec's) with 1 of its 2 replicas available. */
  static Scenario early() {
    Scenario early = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 1));
    early.rollout = manual();
    return early.pointer(1, null, 600);
  }

  static Stream<Arguments> refusals() {
    Scenario early = early();
    Scenario unverified = awaiting().health(2, Verification.Result.pending("status_show timed out"));
    Scenario auto = awaiting();
    auto.rollout = PlannerTest.rollout(60, 5);
    return Stream.of(
        Arguments.of("another revision than the waiting one", awaiting(), "3",
            "revision 2 awaits promotion, not revision 3"),
        Arguments.of("the live revision", awaiting(), "1", "revision 2 awaits promotion, not revision 1"),
        Arguments.of("not available yet", early, "2", "revision 2 is not verified and awaiting promotion (Deploying"),
        Arguments.of("not verified yet", unverified, "2", "(Verifying: revision 2 is available; status_show timed out"),
        Arguments.of("promotion is auto", auto, "2", "rollout.promotion is auto"),
        Arguments.of("not a revision number", awaiting(), "two", "ckan.io/promote 'two' is not '<revision>'"),
        Arguments.of("the live revision while the spec's one deploys", early(), "1", "revision 1 already serves"),
        Arguments.of("neither the live nor the spec's revision", early(), "5",
            "revision 5 is not the spec's revision (revision 2 is)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void anyOtherRequestIsRefusedOnRecordAndMovesNothingTowardsIt(String why, Scenario s, String request,
      String message) {
    s.promote = request;
    Plan p = s.plan();
    List<Step.RecordPromotionHandled> records = records(p);
    assertEquals(1, records.size(), p.steps().toString());
    assertEquals(request, records.get(0).request());
    assertTrue(records.get(0).rejection().contains(message), records.get(0).rejection());
    assertTrue(records.get(0).rejection().endsWith("; nothing was changed"), records.get(0).rejection());
    assertEquals(p.steps().get(0), records.get(0), "the refusal is on record before anything else is written");
    assertTrue(moves(p).stream().noneMatch(m -> m.handledPromotion() != null), p.steps().toString());
    Condition promoted = p.condition(Condition.PROMOTED);
    assertFalse(promoted.status());
    assertEquals("PromotionRejected", promoted.reason());
    assertEquals(records.get(0).rejection(), promoted.message());
  }

  @Test
  void aRequestRefusedTooEarlyDoesNotFireOnceTheRevisionWaits() {
    Scenario early = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 1));
    early.rollout = manual();
    early.pointer(1, null, 600);
    early.promote = "2";
    Step.RecordPromotionHandled refused = records(early.plan()).get(0);

    Scenario later = handled(awaiting(), refused.request(), refused.rejection());
    later.promote = "2";
    Plan p = later.plan();
    assertEquals(List.of(), p.steps(), "the refused request stays refused");
    assertEquals("AwaitingPromotion", p.condition(Condition.READY).reason());
    assertEquals(refused.rejection(), p.condition(Condition.PROMOTED).message(), "and still says why");
  }

  @Test
  void theRefusalNoteIsOnlyShownWhileItsRequestIsSet() {
    Scenario s = handled(awaiting(), "3", "promotion request '3' rejected: revision 2 awaits promotion, not 3");
    s.promote = null;
    assertTrue(s.plan().conditions().stream().noneMatch(c -> c.type().equals(Condition.PROMOTED)));
  }

  @Test
  void aRevisionNotYetVerifiedIsVerifiedAsUsualNotHeld() {
    Plan p = awaiting().health(2, Verification.Result.pending("status_show not answered")).plan();
    assertEquals("Verifying", p.condition(Condition.RECONCILING).reason());
    assertTrue(moves(p).isEmpty());
  }

  @Test
  void theFirstRevisionGoesLiveByItselfAsNothingServesYet() {
    Scenario s = Scenario.of(rev(1, R.fingerprint(), 2, 2));
    s.rollout = manual();
    Plan p = s.plan();
    assertEquals(1, moves(p).get(0).to());
    assertEquals(null, moves(p).get(0).handledPromotion());
  }

  @Test
  void aRequestRefusedBeforeAnyPointerExistsIsRecordedByTheFirstMove() {
    Scenario s = Scenario.of(rev(1, R.fingerprint(), 2, 2));
    s.rollout = manual();
    s.promote = "4";
    Plan p = s.plan();
    assertEquals("4", moves(p).get(0).handledPromotion(), "the first pointer write carries the refused request");
    assertTrue(p.condition(Condition.PROMOTED).message().contains("revision 4 is not the spec's revision"),
        p.condition(Condition.PROMOTED).message());
  }

  @Test
  void pausedLeavesTheRequestForLater() {
    Scenario s = awaiting();
    s.paused = true;
    s.promote = "3";
    assertEquals(List.of(), s.plan().steps());
  }

  @Test
  void aPromotedRevisionBakesAsAnyDeployedOne() {
    Scenario s = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 2, 2));
    s.rollout = manual();
    s.pointer(2, 1, 10);
    s.promote = "2";
    s.pointer(new Pointer(2, 1, PlannerTest.NOW.minusSeconds(10), List.of(Scenario.deployed(1, 2)), null, null, "7",
        true, "2", null));
    Plan p = s.plan();
    assertEquals("Baking", p.condition(Condition.RECONCILING).reason());
    assertEquals(List.of(), p.steps(), "the previous revision stays warm; the request is not looked at again");
  }


  @Test
  void aRevisionNotAtTheSpecsReplicasIsBroughtUpFirst() {
    Scenario s = Scenario.of(rev(1, OLD, 2, 2).stable(), rev(2, R.fingerprint(), 1, 1));
    s.rollout = manual();
    Plan p = s.pointer(1, null, 600).plan();
    assertEquals("Deploying", p.condition(Condition.RECONCILING).reason());
    assertEquals(new Step.BringUp(2, 2, "bring up desired revision"), p.steps().get(0));
  }

  @Test
  void aRevisionTheDatabaseSchemaBlocksNeverWaitsForPromotion() {
    // the spec returns to revision 1, but revision 2 (live) migrated the database past revision 1's schema
    Scenario s = Scenario.of(rev(1, R.fingerprint(), 2, 2).stable().schema("h1", "h1"),
        rev(2, OLD, 2, 2).stable().schema("h1", "h2"));
    s.rollout = manual();
    s.promote = "1";
    Plan p = s.pointer(2, 1, 600).plan();
    assertEquals("RollbackBlockedBySchema", p.condition(Condition.STALLED).reason());
    assertTrue(moves(p).isEmpty());
  }

  @Test
  void thePromotedRevisionsWorkersSwitchWithIt() {
    Scenario s = Scenario.of(rev(1, OLD, 2, 2).stable().worker(2), rev(2, R.fingerprint(), 2, 2).worker(0));
    s.rollout = manual();
    s.workers(2).pointer(1, null, 600);
    s.promote = "2";
    Plan p = s.plan();
    assertEquals(2, moves(p).get(0).to());
    assertTrue(p.steps().contains(new Step.ScaleWorkers(2, 2, "switched with the web tier")), p.steps().toString());
  }

  @Test
  void noNoteForARequestThatWasActedOnOrForAnOlderRefusal() {
    Scenario promoted = handled(awaiting(), "3", null);
    promoted.promote = "3";
    assertTrue(promoted.plan().conditions().stream().noneMatch(c -> c.type().equals(Condition.PROMOTED)));
    Scenario older = handled(awaiting(), "3", "promotion request '2' rejected: revision 2 is not verified");
    older.promote = "3";
    assertTrue(older.plan().conditions().stream().noneMatch(c -> c.type().equals(Condition.PROMOTED)));
  }

  @Test
  void parsesNumbersWithAnOptionalToken() {
    assertEquals(Optional.of(new PromoteRequest("7#again", 7)), PromoteRequest.parse("7#again"));
    assertEquals(Optional.empty(), PromoteRequest.parse(null));
    assertEquals(Optional.empty(), PromoteRequest.parse("0"));
    assertEquals(Optional.empty(), PromoteRequest.parse("previous"));
  }
}
