package io.ckan.operator.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.health.Verification;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseFactory;
import io.ckan.operator.release.ReleaseOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The revision state machine, one lifecycle situation per test. */
class PlannerTest {
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final String OLD = "f".repeat(64);

  static Release release(String version) {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = version;
    spec.plugins = List.of("activity");
    spec.services = io.ckan.operator.TestServices.external();
    return ((ReleaseOutcome.Ready) ReleaseFactory.from(spec)).release();
  }

  static final Release R = release("2.11.5");

  /** A complete revision with a Deployment of the given replicas, all available. */
  static ObservedRevision rev(int n, String fp, int replicas, int available) {
    return new ObservedRevision(n, fp, "img", "2.11.5", List.of("activity", "envvars"), NOW.minusSeconds(60), null,
        true, true, true, replicas, available, replicas, true, false, null, null, null);
  }

  static ObservedRevision withVerdict(ObservedRevision r, Verdict v, String reason) {
    return new ObservedRevision(r.number(), r.fingerprint(), r.image(), r.version(), r.plugins(), r.createdAt(),
        r.attemptStartedAt(), r.hasDeployment(), r.hasService(), r.hasConfigMap(), r.specReplicas(),
        r.availableReplicas(), r.updatedReplicas(), r.rolledOut(), r.deadlineExceeded(), v, reason, r.retryHandled());
  }

  /** A partly created revision whose migration already succeeded (its heads are on the ConfigMap). */
  static ObservedRevision objects(int n, String fp, boolean deployment, boolean service, boolean configMap) {
    return new ObservedRevision(n, fp, "img", "2.11.5", List.of(), NOW, null, deployment, service, configMap, 0, 0, 0,
        false, false, null, null, null, new ObservedRevision.Runtime("h1", "h1", true, false, 0));
  }

  static ObservedRevision stuck(int n, String fp, int replicas) {
    return new ObservedRevision(n, fp, "img", "2.11.5", List.of(), NOW.minusSeconds(700), null, true, true, true,
        replicas, 0, replicas, true, true, null, null, null);
  }

  static final Verification.Result VERIFIED = new Verification.Result(true, true, "ok");

  /** Every serving revision answers status_show correctly. */
  static Map<Integer, Verification.Result> healthy(List<ObservedRevision> revs) {
    Map<Integer, Verification.Result> health = new HashMap<>();
    Planner.toProbe(revs).forEach(n -> health.put(n, VERIFIED));
    return health;
  }

  static Optional<Pointer> pointer(int revision, Integer previous, Instant switchedAt) {
    return Optional.of(new Pointer(revision, previous, switchedAt, List.of()));
  }

  static RolloutSpec rollout(int bakeSeconds, int historyLimit) {
    RolloutSpec r = new RolloutSpec();
    r.bakeSeconds = bakeSeconds;
    r.revisionHistoryLimit = historyLimit;
    return r;
  }

  static Plan plan(int replicas, List<ObservedRevision> revs, Optional<Pointer> pointer) {
    return plan(new ReleaseOutcome.Ready(R), replicas, rollout(60, 5), revs, pointer);
  }

  static Plan plan(ReleaseOutcome outcome, int replicas, RolloutSpec rollout, List<ObservedRevision> revs,
      Optional<Pointer> pointer) {
    return Planner.plan(new PlanInput(outcome, replicas, rollout, false, revs, pointer, healthy(revs), null, null,
        NOW));
  }

  @Test
  void firstRolloutCreatesRevisionOne() {
    Plan p = plan(2, List.of(), Optional.empty());
    assertEquals(List.of(new Step.CreateRevision(1, EnumSet.of(Step.ObjectKind.CONFIG_MAP, Step.ObjectKind.SERVICE),
        2), new Step.StartMigration(1, null)), p.steps());
    assertEquals(1, p.desiredRevision());
    assertTrue(p.condition(Condition.RECONCILING).status());
    assertFalse(p.condition(Condition.READY).status());
    assertFalse(p.condition(Condition.AVAILABLE).status());
  }

  @Test
  void pointerMovesOnlyOnceTheRevisionIsAvailable() {
    ObservedRevision starting = rev(1, R.fingerprint(), 2, 1);
    Plan waiting = plan(2, List.of(starting), Optional.empty());
    assertTrue(waiting.steps().stream().noneMatch(s -> s instanceof Step.MovePointer), waiting.steps().toString());
    assertEquals("Deploying", waiting.condition(Condition.RECONCILING).reason());

    Plan ready = plan(2, List.of(rev(1, R.fingerprint(), 2, 2)), Optional.empty());
    Step.MovePointer move = (Step.MovePointer) ready.steps().get(0);
    assertEquals(1, move.to());
    assertEquals(null, move.from());
    assertEquals("Deploy", move.history().get(0).type);
  }

  @Test
  void firstRevisionIsStableOnceCurrentAndAvailableAndReadyOnceTheVerdictIsOnRecord() {
    Plan p = plan(2, List.of(rev(1, R.fingerprint(), 2, 2)), pointer(1, null, NOW.minusSeconds(5)));
    assertEquals(List.of(new Step.RecordVerdict(1, Verdict.STABLE, "Verified")), p.steps());
    assertEquals(RevisionState.Stable, p.states().get(1).state());
    assertTrue(p.condition(Condition.AVAILABLE).status());
    // the verdict annotation moves the Deployment's generation on a real server: Ready waits for the next pass
    assertFalse(p.condition(Condition.READY).status());
    assertEquals("Verifying", p.condition(Condition.READY).reason());

    Plan recorded = plan(2, List.of(withVerdict(rev(1, R.fingerprint(), 2, 2), Verdict.STABLE, "Verified")),
        pointer(1, null, NOW.minusSeconds(5)));
    assertEquals(List.of(), recorded.steps());
    assertTrue(recorded.condition(Condition.READY).status());
    assertEquals("Stable", recorded.condition(Condition.READY).reason());
  }

  @Test
  void newSpecMakesTheNextRevisionWhileTheOldOneServes() {
    Plan p = plan(2, List.of(rev(1, OLD, 2, 2)), pointer(1, null, NOW.minusSeconds(600)));
    assertEquals(List.of(new Step.CreateRevision(2, EnumSet.of(Step.ObjectKind.CONFIG_MAP, Step.ObjectKind.SERVICE),
        2), new Step.StartMigration(2, null)), p.steps(), "nothing else is touched");
    assertTrue(p.condition(Condition.AVAILABLE).status());
  }

  @Test
  void switchToAvailableUpgradeKeepsPreviousWarm() {
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 2));
    Plan p = plan(2, revs, pointer(1, null, NOW.minusSeconds(600)));
    assertEquals(new Step.MovePointer(2, 1, p.steps().stream().filter(s -> s instanceof Step.MovePointer)
        .map(s -> ((Step.MovePointer) s).history()).findFirst().orElseThrow()), p.steps().get(0));
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.Scale), "old revision stays up: " + p.steps());
  }

  @Test
  void duringBakeThePreviousStaysUpThenScalesDown() {
    List<ObservedRevision> revs = List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 2));
    Plan baking = plan(2, revs, pointer(2, 1, NOW.minusSeconds(30)));
    assertTrue(baking.steps().isEmpty(), baking.steps().toString());
    assertEquals("Baking", baking.condition(Condition.RECONCILING).reason());
    assertFalse(baking.condition(Condition.READY).status());
    assertEquals(RevisionState.Live, baking.states().get(2).state());
    assertTrue(baking.requeueAfter().orElseThrow().getSeconds() <= 30);

    Plan baked = plan(2, revs, pointer(2, 1, NOW.minusSeconds(61)));
    assertTrue(baked.steps().contains(new Step.Scale(1, 0, "superseded")), baked.steps().toString());
    assertTrue(baked.steps().contains(new Step.RecordVerdict(2, Verdict.STABLE, "Verified")));
    assertEquals(RevisionState.Superseded, baked.states().get(1).state());
    assertEquals("KeptWarm", baking.states().get(1).reason());
  }

  @Test
  void replicasChangeScalesTheLiveRevisionInPlace() {
    ObservedRevision live = withVerdict(rev(2, R.fingerprint(), 2, 2), Verdict.STABLE, "Verified");
    Plan p = plan(5, List.of(live), pointer(2, null, NOW.minusSeconds(600)));
    assertEquals(List.of(new Step.Scale(2, 5, "spec.replicas changed (in place)")), p.steps());
    assertEquals(2, p.desiredRevision());
  }

  @Test
  void specEqualToARetainedRevisionReusesIt() {
    ObservedRevision old = withVerdict(rev(1, R.fingerprint(), 0, 0), Verdict.STABLE, "Verified");
    ObservedRevision live = withVerdict(rev(2, OLD, 2, 2), Verdict.STABLE, "Verified");
    Plan p = plan(2, List.of(old, live), pointer(2, 1, NOW.minusSeconds(600)));
    assertEquals(1, p.desiredRevision());
    assertTrue(p.steps().contains(new Step.BringUp(1, 2, "bring up desired revision")), p.steps().toString());
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.CreateRevision));
  }

  @Test
  void pruneKeepsHistoryLimitBesidesCurrent() {
    List<ObservedRevision> revs = new ArrayList<>();
    for (int n = 1; n <= 5; n++) {
      revs.add(withVerdict(rev(n, "x" + n, 0, 0), Verdict.STABLE, "Verified"));
    }
    revs.add(withVerdict(rev(6, R.fingerprint(), 2, 2), Verdict.STABLE, "Verified"));
    Plan p = plan(new ReleaseOutcome.Ready(R), 2, rollout(60, 2), revs, pointer(6, 5, NOW.minusSeconds(600)));
    assertEquals(List.of(new Step.Prune(3), new Step.Prune(2), new Step.Prune(1)), p.steps());
  }

  @Test
  void revisionNumbersAreNeverReused() {
    List<ObservedRevision> revs = List.of(rev(4, OLD, 2, 2), rev(7, "e".repeat(64), 0, 0));
    Plan p = plan(2, revs, pointer(4, null, NOW.minusSeconds(600)));
    assertEquals(8, ((Step.CreateRevision) p.steps().get(0)).revision());
    assertEquals(new Step.StartMigration(8, null), p.steps().get(1));
  }

  @Test
  void progressDeadlineFailsTheRevisionAndThePointerStays() {
    Plan p = plan(2, List.of(rev(1, OLD, 2, 2), stuck(2, R.fingerprint(), 2)), pointer(1, null, NOW.minusSeconds(600)));
    assertEquals(2, p.steps().size(), p.steps().toString());
    Step.RecordVerdict verdict = (Step.RecordVerdict) p.steps().get(0);
    assertEquals(Verdict.FAILED, verdict.verdict());
    assertTrue(verdict.reason().startsWith("ProgressDeadlineExceeded"), verdict.reason());
    assertEquals(new Step.Scale(2, 0, "failed before the switch"), p.steps().get(1));
    assertTrue(p.condition(Condition.STALLED).status());
    assertTrue(p.condition(Condition.AVAILABLE).status());
  }

  @Test
  void aFailedFingerprintIsNotRetriedByItself() {
    ObservedRevision failed = withVerdict(rev(2, R.fingerprint(), 0, 0), Verdict.FAILED, "ProgressDeadlineExceeded");
    Plan p = plan(2, List.of(rev(1, OLD, 2, 2), failed), pointer(1, null, NOW.minusSeconds(600)));
    assertTrue(p.steps().isEmpty(), p.steps().toString());
    assertEquals("RevisionFailed", p.condition(Condition.STALLED).reason());
    assertEquals(RevisionState.Failed, p.states().get(2).state());
  }

  @Test
  void missingObjectsOfTheDesiredRevisionAreRecreated() {
    ObservedRevision partial = objects(3, R.fingerprint(), false, false, true);
    Plan p = plan(2, List.of(rev(2, OLD, 2, 2), partial), pointer(2, null, NOW.minusSeconds(600)));
    assertEquals(new Step.CreateRevision(3, EnumSet.of(Step.ObjectKind.SERVICE, Step.ObjectKind.DEPLOYMENT), 2),
        p.steps().get(0));
  }

  @Test
  void invalidSpecChangesNothingAndSaysWhy() {
    CkanInstanceSpec bad = new CkanInstanceSpec();
    bad.version = "2.11";
    Plan p = plan(ReleaseFactory.from(bad), 2, rollout(60, 5), List.of(rev(1, OLD, 2, 2)),
        pointer(1, null, NOW.minusSeconds(600)));
    assertTrue(p.steps().isEmpty());
    assertTrue(p.condition(Condition.STALLED).status());
    assertEquals("InvalidSpec", p.condition(Condition.STALLED).reason());
    assertTrue(p.condition(Condition.STALLED).message().contains("spec.version"));
    assertTrue(p.condition(Condition.AVAILABLE).status(), "the live revision keeps serving");
  }

  @Test
  void pausedFreezesEverything() {
    Plan p = Planner.plan(new PlanInput(new ReleaseOutcome.Ready(R), 2, rollout(60, 5), true,
        List.of(rev(1, OLD, 2, 2)), pointer(1, null, NOW.minusSeconds(600)), NOW));
    assertTrue(p.steps().isEmpty());
    assertEquals("Paused", p.condition(Condition.READY).reason());
  }

  @Test
  void aRevisionThatServedIsReportedAsReplacedEvenWithoutAVerdict() {
    List<HistoryEntry> history = List.of(new HistoryEntry("Deploy", 1, 2, "x", NOW.toString()),
        new HistoryEntry("Deploy", 2, 3, "x", NOW.toString()));
    List<ObservedRevision> revs = List.of(withVerdict(rev(1, OLD, 0, 0), Verdict.STABLE, "Verified"),
        rev(2, "b".repeat(64), 0, 0), rev(3, R.fingerprint(), 2, 2), rev(4, "c".repeat(64), 0, 0));
    Plan p = plan(2, revs, Optional.of(new Pointer(3, 2, NOW.minusSeconds(600), history)));
    assertEquals("Replaced", p.states().get(2).reason(), "revision 2 took traffic (history) before it was replaced");
    assertEquals("ReplacedBeforeLive", p.states().get(4).reason());
  }

  @Test
  void historyIsBounded() {
    List<HistoryEntry> long_ = new ArrayList<>();
    for (int i = 0; i < Pointer.HISTORY_LIMIT; i++) {
      long_.add(new HistoryEntry("Deploy", i, i + 1, "x", NOW.toString()));
    }
    Plan p = plan(2, List.of(rev(1, OLD, 2, 2), rev(2, R.fingerprint(), 2, 2)),
        Optional.of(new Pointer(1, null, NOW.minusSeconds(600), long_)));
    Step.MovePointer move = (Step.MovePointer) p.steps().get(0);
    assertEquals(Pointer.HISTORY_LIMIT, move.history().size());
    assertEquals(2, move.history().get(Pointer.HISTORY_LIMIT - 1).to);
  }
}
