package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.OLD;
import static io.ckan.operator.plan.PlannerTest.pointer;
import static io.ckan.operator.plan.PlannerTest.rev;
import static io.ckan.operator.plan.PlannerTest.rollout;
import static io.ckan.operator.plan.PlannerTest.withVerdict;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.BuildSpec;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseFactory;
import io.ckan.operator.release.ReleaseOutcome;
import io.ckan.operator.release.SpecValidatorTestAccess;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Release images built by the operator: one build per image fingerprint, never on rollback or restart. */
class BuildPlannerTest {
  static final Release BUILT = release();
  static final String FP = BUILT.imageFingerprint();
  static final String IMAGE = "registry.example.org/ckan/portal@sha256:" + "c".repeat(64);
  static final String JOB = "ckan-build-" + FP.substring(0, 12);

  static Release release() {
    CkanInstanceSpec spec = SpecValidatorTestAccess.valid();
    spec.image = null;
    spec.build = new BuildSpec();
    spec.build.registry = "registry.example.org/ckan/portal";
    return ((ReleaseOutcome.Ready) ReleaseFactory.from(spec)).release();
  }

  static Plan plan(List<ObservedRevision> revs, Optional<Pointer> pointer, Map<String, ObservedBuild> builds,
      Map<String, String> known, String retry) {
    return Planner.plan(new PlanInput("ns", "portal", new ReleaseOutcome.Ready(BUILT), 2, rollout(60, 5), false, revs,
        pointer, PlannerTest.healthy(revs), null, retry, builds, known, migrated(revs), null, NOW));
  }

  /** Every revision that exists has migrated (this test is about builds). */
  static Map<Integer, ObservedMigration> migrated(List<ObservedRevision> revs) {
    Map<Integer, ObservedMigration> m = new java.util.HashMap<>();
    revs.forEach(r -> m.put(r.number(), new ObservedMigration(r.number(), JobState.SUCCEEDED, "h1",
        "h1", "")));
    return m;
  }

  static ObservedBuild build(JobState state, String image, boolean recorded, boolean owned) {
    return new ObservedBuild(FP, JOB, state, image, Map.of("harvest", "d".repeat(40)), recorded, owned,
        state == JobState.FAILED ? "pip's resolver found conflicting requirements" : "");
  }

  static ObservedRevision configOnly(int n) {
    return PlannerTest.objects(n, BUILT.fingerprint(), false, true, true);
  }

  @Test
  void aNewReleaseCreatesItsRevisionSnapshotAndStartsTheBuild() {
    Plan p = plan(List.of(rev(1, OLD, 2, 2)), pointer(1, null, NOW.minusSeconds(600)), Map.of(), Map.of(), null);
    assertEquals(List.of(new Step.CreateRevision(2, EnumSet.of(Step.ObjectKind.CONFIG_MAP, Step.ObjectKind.SERVICE), 2),
        new Step.StartBuild(FP)), p.steps());
    assertEquals(RevisionState.Building, p.states().get(2).state());
    assertEquals("Building", p.condition(Condition.RECONCILING).reason());
  }

  @Test
  void aRunningBuildIsWaitedForAndJoinedNotRepeated() {
    Plan p = plan(List.of(rev(1, OLD, 2, 2), configOnly(2)), pointer(1, null, NOW.minusSeconds(600)),
        Map.of(FP, build(JobState.RUNNING, null, false, false)), Map.of(), null);
    assertEquals(List.of(new Step.AdoptBuild(JOB)), p.steps());
    Plan owned = plan(List.of(rev(1, OLD, 2, 2), configOnly(2)), pointer(1, null, NOW.minusSeconds(600)),
        Map.of(FP, build(JobState.RUNNING, null, false, true)), Map.of(), null);
    assertTrue(owned.steps().isEmpty(), owned.steps().toString());
  }

  @Test
  void aSucceededBuildGivesTheDeploymentItsDigestAndIsRecorded() {
    Plan p = plan(List.of(rev(1, OLD, 2, 2), configOnly(2)), pointer(1, null, NOW.minusSeconds(600)),
        Map.of(FP, build(JobState.SUCCEEDED, IMAGE, false, true)), Map.of(), null);
    Step.CreateRevision create = p.steps().stream().filter(Step.CreateRevision.class::isInstance)
        .map(Step.CreateRevision.class::cast).findFirst().orElseThrow(() -> new AssertionError(p.steps()));
    assertEquals(EnumSet.of(Step.ObjectKind.DEPLOYMENT), create.missing());
    assertEquals(IMAGE, create.built().image());
    assertEquals("d".repeat(40), create.built().commits().get("harvest"));
    assertTrue(p.steps().contains(new Step.RecordBuildResult(JOB, new Step.BuiltImage(IMAGE,
        Map.of("harvest", "d".repeat(40))))));
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.StartBuild));
  }

  @Test
  void anImageAnotherRevisionAlreadyRunsIsNotBuiltAgain() {
    // e.g. a second instance with the same release, or the build Job was cleaned up
    Plan p = plan(List.of(), Optional.empty(), Map.of(), Map.of(FP, IMAGE), null);
    assertEquals(List.of(new Step.CreateRevision(1, EnumSet.of(Step.ObjectKind.CONFIG_MAP, Step.ObjectKind.SERVICE),
        2), new Step.StartMigration(1, new Step.BuiltImage(IMAGE, Map.of()))), p.steps(),
        "straight to the migration with the image already built");
  }

  @Test
  void aFailedBuildFailsTheRevisionPointsToTheLogsAndIsNotRetried() {
    Plan p = plan(List.of(rev(1, OLD, 2, 2), configOnly(2)), pointer(1, null, NOW.minusSeconds(600)),
        Map.of(FP, build(JobState.FAILED, null, false, true)), Map.of(), null);
    Step.RecordVerdict verdict = (Step.RecordVerdict) p.steps().get(0);
    assertEquals(Step.ObjectKind.CONFIG_MAP, verdict.on());
    assertTrue(verdict.reason().startsWith("BuildFailed"), verdict.reason());
    assertTrue(verdict.reason().contains("kubectl logs job/" + JOB + " -n ns"), verdict.reason());
    assertEquals("BuildFailed", p.condition(Condition.STALLED).reason());
    assertTrue(p.condition(Condition.AVAILABLE).status(), "the live revision keeps serving");

    ObservedRevision failed = withVerdict(configOnly(2), Verdict.FAILED, verdict.reason());
    Plan after = plan(List.of(rev(1, OLD, 2, 2), failed), pointer(1, null, NOW.minusSeconds(600)),
        Map.of(FP, build(JobState.FAILED, null, false, true)), Map.of(), null);
    assertTrue(after.steps().isEmpty(), "no rebuild loop: " + after.steps());
    assertEquals("BuildFailed", after.condition(Condition.STALLED).reason(), "the reason outlives the first report");
    assertEquals(RevisionState.Failed, after.states().get(2).state());

    Plan retry = plan(List.of(rev(1, OLD, 2, 2), failed), pointer(1, null, NOW.minusSeconds(600)),
        Map.of(FP, build(JobState.FAILED, null, false, true)), Map.of(), "rebuild-1");
    assertEquals(List.of(new Step.ClearVerdict(2, "rebuild-1", Step.ObjectKind.CONFIG_MAP), new Step.DeleteBuild(JOB)),
        retry.steps());
  }

  @Test
  void rollingBackToABuiltRevisionNeverBuilds() {
    ObservedRevision old = withVerdict(rev(1, BUILT.fingerprint(), 0, 0), Verdict.STABLE, "Verified");
    ObservedRevision live = withVerdict(rev(2, OLD, 2, 2), Verdict.STABLE, "Verified");
    Plan p = plan(List.of(old, live), pointer(2, 1, NOW.minusSeconds(600)), Map.of(), Map.of(), null);
    assertTrue(p.steps().stream().noneMatch(s -> s instanceof Step.StartBuild), p.steps().toString());
    assertEquals(new Step.BringUp(1, 2, "bring up desired revision"), p.steps().get(0));
  }
}
