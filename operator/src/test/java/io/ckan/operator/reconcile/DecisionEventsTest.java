package io.ckan.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.plan.Condition;
import io.ckan.operator.plan.Plan;
import io.ckan.operator.plan.Step;
import io.ckan.operator.plan.Verdict;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which step is a decision worth an Event, of which type and reason, and what it says. */
class DecisionEventsTest {
  private static final String FP = "0123456789abcdef0123456789abcdef";

  static Stream<Arguments> steps() {
    Step.BuiltImage built = new Step.BuiltImage("reg.example/ckan@sha256:" + "a".repeat(64), Map.of());
    return Stream.of(
        Arguments.of(new Step.CreateRevision(3, EnumSet.of(Step.ObjectKind.CONFIG_MAP, Step.ObjectKind.SERVICE), 1),
            "Normal RevisionCreated created revision 3 (config snapshot and Service portal-r3)"),
        Arguments.of(new Step.CreateRevision(3, EnumSet.of(Step.ObjectKind.DEPLOYMENT), 1), null),
        Arguments.of(new Step.StartBuild(FP), "Normal BuildStarted building image 0123456789ab in job "
            + "ckan-build-0123456789ab"),
        Arguments.of(new Step.AdoptBuild("ckan-build-0123456789ab"), "Normal BuildJoined waiting for job "
            + "ckan-build-0123456789ab, which already builds the same image"),
        Arguments.of(new Step.RecordBuildResult("ckan-build-0123456789ab", built), "Normal BuildPushed job "
            + "ckan-build-0123456789ab built and pushed " + built.image()),
        Arguments.of(new Step.DeleteBuild("ckan-build-0123456789ab"), "Normal BuildDeleted deleted failed job "
            + "ckan-build-0123456789ab to build again"),
        Arguments.of(new Step.StartMigration(3, null), "Normal MigrationStarted running ckan db upgrade for "
            + "revision 3 in job portal-r3-migrate"),
        Arguments.of(new Step.RecordMigration(3, "", "4b6a3f2e1d0c"), "Normal MigrationSucceeded revision 3 "
            + "migrated the database: schema head (empty database) -> 4b6a3f2e1d0c"),
        Arguments.of(new Step.RecordMigration(3, "111111111111", "4b6a3f2e1d0c"), "Normal MigrationSucceeded "
            + "revision 3 migrated the database: schema head 111111111111 -> 4b6a3f2e1d0c"),
        Arguments.of(new Step.RecordVerdict(3, Verdict.STABLE, "Verified"), "Normal RevisionVerified revision 3 is "
            + "verified and Stable"),
        Arguments.of(new Step.RecordVerdict(3, Verdict.FAILED, "MigrationFailed: boom", Step.ObjectKind.CONFIG_MAP),
            "Warning RevisionFailed revision 3 failed: MigrationFailed: boom"),
        Arguments.of(new Step.RecordVerdict(3, Verdict.ROLLED_BACK, "AutoReverted: no replicas"),
            "Warning RevisionRolledBack revision 3 rolled back: AutoReverted: no replicas"),
        Arguments.of(move("Deploy", 2, 3, "revision 3 verified: ok"), "Normal PointerDeploy pointer moved from "
            + "revision 2 to revision 3: revision 3 verified: ok"),
        Arguments.of(move("Deploy", null, 1, "revision 1 verified: ok"), "Normal PointerDeploy pointer moved to "
            + "revision 1: revision 1 verified: ok"),
        Arguments.of(move("AutoRevert", 3, 2, "no replicas"), "Warning PointerAutoRevert pointer moved from "
            + "revision 3 to revision 2: no replicas"),
        Arguments.of(move("Rollback", 3, 1, "rollback to 1"), "Warning PointerRollback pointer moved from "
            + "revision 3 to revision 1: rollback to 1"),
        Arguments.of(new Step.BringUp(1, 2, "rollback target"), "Normal RollbackRequested bringing revision 1 up "
            + "for a rollback (rollback target); the pointer moves once it is verified"),
        Arguments.of(new Step.BringUp(3, 2, "bring up desired revision"), null),
        Arguments.of(new Step.RecordRollbackHandled("9", "rollback to revision 9 rejected: not retained"),
            "Warning RollbackRejected rollback to revision 9 rejected: not retained"),
        Arguments.of(new Step.RecordRollbackHandled("3"), "Normal RollbackHandled ckan.io/rollback-to=3 names the "
            + "current revision: nothing to do"),
        Arguments.of(new Step.ClearVerdict(3, "t1"), "Normal RetryRequested retrying revision 3 (ckan.io/retry=t1)"),
        Arguments.of(new Step.RepairPointer(2, "17"), "Warning PointerRepaired the pointer Service's selector was "
            + "edited; set back to revision 2"),
        Arguments.of(new Step.Prune(1), "Normal RevisionPruned deleted the objects of revision 1 (older than "
            + "rollout.revisionHistoryLimit keeps)"),
        // housekeeping that follows from a decision already announced is not one itself
        Arguments.of(new Step.Scale(1, 0, "superseded"), null),
        Arguments.of(new Step.ScaleWorkers(1, 0, "not serving"), null));
  }

  private static Step move(String type, Integer from, int to, String reason) {
    return new Step.MovePointer(to, from, List.of(new HistoryEntry(type, from, to, reason, "2030-01-01T00:00:00Z")));
  }

  @ParameterizedTest
  @MethodSource("steps")
  void eachDecisionIsAnEventAndHousekeepingIsNot(Step step, String expected) {
    Optional<DecisionEvents.Notice> notice = DecisionEvents.forStep("portal", step);
    assertEquals(expected, notice.map(n -> n.type() + " " + n.reason() + " " + n.message()).orElse(null));
  }

  private static Plan plan(Condition ready, Condition stalled) {
    return new Plan(List.of(), 1, List.of(ready, new Condition(Condition.RECONCILING, false, ready.reason(), ""),
        stalled), Map.of(), Optional.empty());
  }

  private static CkanInstanceStatus status(String type, String value, String reason, String message) {
    CkanInstanceStatus s = new CkanInstanceStatus();
    s.conditions = List.of(new ConditionBuilder().withType(type).withStatus(value).withReason(reason)
        .withMessage(message).build());
    return s;
  }

  static Stream<Arguments> conditions() {
    Plan stalled = plan(new Condition(Condition.READY, false, "InvalidSpec", "spec.version: bad"),
        new Condition(Condition.STALLED, true, "InvalidSpec", "spec.version: bad"));
    Plan paused = plan(new Condition(Condition.READY, false, "Paused", "paused (spec.paused)"),
        new Condition(Condition.STALLED, false, "Paused", ""));
    Plan ready = plan(new Condition(Condition.READY, true, "Stable", "ok"),
        new Condition(Condition.STALLED, false, "Stable", ""));
    return Stream.of(
        Arguments.of(null, stalled, List.of("Warning InvalidSpec spec.version: bad")),
        Arguments.of(status("Stalled", "True", "InvalidSpec", "spec.version: bad"), stalled, List.of()),
        Arguments.of(status("Stalled", "True", "NameConflict", "x"), stalled,
            List.of("Warning InvalidSpec spec.version: bad")),
        Arguments.of(status("Stalled", "False", "InvalidSpec", ""), stalled,
            List.of("Warning InvalidSpec spec.version: bad")),
        Arguments.of(status("Ready", "True", "Stable", "ok"), paused, List.of("Normal Paused paused (spec.paused)")),
        Arguments.of(status("Ready", "False", "Paused", "paused"), paused, List.of()),
        Arguments.of(status("Ready", "False", "Paused", "paused"), ready, List.of("Normal Resumed rollouts and "
            + "reverts go on (spec.paused and ckan.io/paused unset)")),
        Arguments.of(status("Ready", "True", "Stable", "ok"), ready, List.of()));
  }

  @ParameterizedTest
  @MethodSource("conditions")
  void aConditionIsAnnouncedWhenItBeginsNotWhileItLasts(CkanInstanceStatus previous, Plan plan,
      List<String> expected) {
    assertEquals(expected, DecisionEvents.forConditions(previous, plan).stream()
        .map(n -> n.type() + " " + n.reason() + " " + n.message()).toList());
  }

  @Test
  void aReconcileErrorIsAnnouncedOncePerDistinctMessage() {
    String error = "reconcile failed, retrying with backoff: the API server answered 500: etcd timed out";
    assertTrue(DecisionEvents.forError(null, error).isPresent());
    assertTrue(DecisionEvents.forError(status("Ready", "True", "Stable", "ok"), error).isPresent());
    assertTrue(DecisionEvents.forError(status("Ready", "False", "ReconcileError", error), error).isEmpty(),
        "the status already says so: a retry with the same error writes no Event");
    assertTrue(DecisionEvents.forError(status("Ready", "False", "ReconcileError", "another"), error).isPresent());
  }
}
