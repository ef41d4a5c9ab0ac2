package io.ckan.operator.plan;

import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.health.Verification;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The revision state machine, pure: (release, requests, observed revisions, pointer, health, now) -> steps and a
 * report. Every call recomputes from what the cluster holds, so a restart after any write converges on the same end
 * state. Decisions are recorded in the cluster before they are acted on (a verdict before the pointer move it
 * causes), so an interrupted revert or rollback is finished by the next call.
 */
public final class Planner {
  private Planner() {}

  /** How often a rollout in progress is looked at even without events. */
  static final Duration POLL = Duration.ofSeconds(15);
  /** How soon to ask status_show again while a revision is available but not verified yet. */
  static final Duration VERIFY_RETRY = Duration.ofSeconds(2);
  /** How soon a blocked spec (missing Secret, missing registry) is looked at again. */
  static final Duration BLOCKED_RETRY = Duration.ofSeconds(10);

  public static final String DEPLOY = "Deploy";
  public static final String AUTO_REVERT = "AutoRevert";
  public static final String ROLLBACK = "Rollback";

  public static Plan plan(PlanInput in) {
    return new Planning(in).run();
  }

  /** Revisions whose status_show the reconciler fetches before planning: those that serve and are not judged. */
  public static Set<Integer> toProbe(List<ObservedRevision> revisions) {
    return revisions.stream().filter(r -> r.serving() && !r.blocked()).map(ObservedRevision::number)
        .collect(Collectors.toSet());
  }

  private static final class Planning {
    private final PlanInput in;
    private final RolloutSpec rollout;
    private final Map<Integer, ObservedRevision> byNumber = new LinkedHashMap<>();
    private final ObservedRevision current;
    private final List<Step> steps = new ArrayList<>();
    private final Map<Integer, Plan.StateReport> states = new LinkedHashMap<>();
    private final Set<Integer> keepWarm = new HashSet<>();
    private Condition rollbackNote;
    private Duration requeue;

    Planning(PlanInput in) {
      this.in = in;
      this.rollout = in.rollout() == null ? new RolloutSpec() : in.rollout();
      in.revisions().stream().sorted(Comparator.comparingInt(ObservedRevision::number))
          .forEach(r -> byNumber.put(r.number(), r));
      this.current = in.pointer().map(p -> byNumber.get(p.revision())).orElse(null);
    }

    Plan run() {
      if (in.outcome() instanceof ReleaseOutcome.Invalid invalid) {
        return frozen(null, null, new Condition(Condition.STALLED, true, "InvalidSpec", invalid.message()));
      }
      if (in.outcome() instanceof ReleaseOutcome.Blocked blocked) {
        requeue = BLOCKED_RETRY; // e.g. a Secret that does not exist yet: Secrets are not watched, so look again
        return frozen(null, null, new Condition(Condition.STALLED, true, blocked.reason(), blocked.message()));
      }
      Release release = ((ReleaseOutcome.Ready) in.outcome()).release();
      ObservedRevision target = byNumber.values().stream()
          .filter(r -> release.fingerprint().equals(r.fingerprint()))
          .max(Comparator.comparingInt(ObservedRevision::number)).orElse(null);
      if (in.paused()) {
        return frozen(target, target == null ? null : target.number(), new Condition(Condition.STALLED, false,
            "Paused", "paused (spec.paused or the ckan.io/paused annotation): rollouts and reverts are frozen"));
      }
      Optional<RollbackRequest> request = pendingRollback();

      Condition decisive = null;
      if (current != null && current.blocked()) {
        decisive = leaveJudgedCurrent(request);
      } else if (request.isPresent()) {
        decisive = rollback(request.get(), target);
      }
      if (decisive == null && target == null) {
        int next = byNumber.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        Step.BuiltImage built = builtImage(release);
        reportExisting(null);
        requeue = POLL;
        // the revision exists from now on (its config snapshot and Service); its web and worker Deployments wait
        // for the image (a build) and for the database (its migration)
        steps.add(new Step.CreateRevision(next, EnumSet.of(Step.ObjectKind.CONFIG_MAP, Step.ObjectKind.SERVICE),
            in.replicas()));
        if (release.build() != null && built == null) {
          states.put(next, new Plan.StateReport(RevisionState.Building, release.build().tag()));
          return finish(null, next, build(release, null));
        }
        steps.add(new Step.StartMigration(next, built));
        states.put(next, new Plan.StateReport(RevisionState.Migrating, "Created"));
        return finish(null, next, progressing("Migrating", "created revision " + next + " ("
            + release.shortFingerprint() + ") for CKAN " + release.version() + "; running ckan db upgrade"));
      }
      if (decisive == null && target.blocked() && in.retryRequest() != null
          && !in.retryRequest().equals(target.retryHandled())) {
        steps.add(new Step.ClearVerdict(target.number(), in.retryRequest(), anchor(target)));
        ObservedBuild failedBuild = release.build() == null ? null : in.builds().get(release.imageFingerprint());
        if (!target.hasDeployment() && failedBuild != null && failedBuild.state() == JobState.FAILED) {
          steps.add(new Step.DeleteBuild(failedBuild.jobName()));
        }
        keepWarm.add(target.number());
        decisive = progressing("RetryRequested", "retrying revision " + target.number() + " (ckan.io/retry="
            + in.retryRequest() + ")");
      }
      if (decisive == null && target != null && !target.hasDeployment() && !target.blocked()
          && release.build() != null && builtImage(release) == null) {
        decisive = build(release, target);
        states.put(target.number(), new Plan.StateReport(RevisionState.Building, release.build().tag()));
      }
      boolean imageReady = release.build() == null || builtImage(release) != null;
      if (decisive == null && target != null && !target.hasDeployment() && !target.blocked() && imageReady
          && !target.runtime().migrated()) {
        decisive = migrate(target, builtImage(release));
      }
      if (target != null) {
        Set<Step.ObjectKind> missing = missingObjects(target);
        boolean migrated = target.runtime().migrated() || target.hasDeployment() || steps.stream()
            .anyMatch(s -> s instanceof Step.RecordMigration m && m.revision() == target.number());
        boolean webReady = imageReady && migrated;
        if (!webReady) {
          missing.remove(Step.ObjectKind.DEPLOYMENT);
          missing.remove(Step.ObjectKind.WORKER);
        }
        if (!missing.isEmpty() && !target.blocked()) {
          // after a RecordMigration: the heads are on record before the first web pod exists
          int at = (int) steps.stream().takeWhile(s -> s instanceof Step.RecordMigration).count();
          steps.add(at, new Step.CreateRevision(target.number(), missing, in.replicas(), builtImage(release)));
        }
      }
      if (decisive == null) {
        decisive = target == current ? onCurrent(target) : towards(target);
      }
      recordBuildResults();
      housekeeping(target);
      reportExisting(target);
      if (target != null && !target.hasDeployment() && !target.blocked()) {
        states.put(target.number(), release.build() != null && builtImage(release) == null
            ? new Plan.StateReport(RevisionState.Building, release.build().tag())
            : new Plan.StateReport(RevisionState.Migrating, "ckan db upgrade"));
      }
      return finish(target, target == null ? null : target.number(), decisive);
    }

    /** Succeeded builds whose result is only in a pod's termination message: store it on the Job (the cache). */
    private void recordBuildResults() {
      in.builds().values().stream()
          .filter(b -> b.owned() && b.state() == JobState.SUCCEEDED && b.image() != null
              && !b.resultRecorded())
          .forEach(b -> steps.add(new Step.RecordBuildResult(b.jobName(), new Step.BuiltImage(b.image(),
              b.commits()))));
    }

    // ---- release image builds ----------------------------------------------------------------------------------

    /** The image the operator built for this release, if any build or retained revision in the namespace has it. */
    private Step.BuiltImage builtImage(Release release) {
      if (release.build() == null) {
        return null;
      }
      ObservedBuild b = in.builds().get(release.imageFingerprint());
      if (b != null && b.state() == JobState.SUCCEEDED && b.image() != null) {
        return new Step.BuiltImage(b.image(), b.commits());
      }
      String known = in.knownImages().get(release.imageFingerprint());
      return known == null ? null : new Step.BuiltImage(known, Map.of());
    }

    /** Start, join or wait for the build of the release's image; report a failed one on the revision. */
    private Condition build(Release release, ObservedRevision target) {
      ObservedBuild b = in.builds().get(release.imageFingerprint());
      String tag = release.build().tag();
      if (b == null) {
        steps.add(new Step.StartBuild(release.imageFingerprint()));
        requeue = POLL;
        return progressing("Building", "building image " + tag);
      }
      if (!b.owned()) {
        steps.add(new Step.AdoptBuild(b.jobName()));
      }
      String logs = "see kubectl logs job/" + b.jobName() + " -n " + in.namespace();
      if (b.state() == JobState.RUNNING) {
        requeue = POLL;
        return progressing("Building", "building image " + tag + " (job " + b.jobName() + ")");
      }
      String why = b.state() == JobState.FAILED ? "build failed: " + b.message()
          : "build succeeded but reported no valid digest: " + b.message();
      if (target != null) {
        steps.add(new Step.RecordVerdict(target.number(), Verdict.FAILED, "BuildFailed: " + why + "; " + logs,
            Step.ObjectKind.CONFIG_MAP));
      }
      return new Condition(Condition.STALLED, true, "BuildFailed", "image " + tag + ": " + why + "; " + logs
          + ". It is not rebuilt by itself: fix the spec, or annotate ckan.io/retry=<token> to build again");
    }

    // ---- migrations and the database schema ------------------------------------------------------------------

    /**
     * Run the revision's migration Job once, before any of its web pods exist; on success record the schema heads
     * (then the Deployment is created in the same plan), on failure fail the revision.
     *
     * @return the deciding condition, or null when the migration is done and the rollout goes on
     */
    private Condition migrate(ObservedRevision target, Step.BuiltImage built) {
      ObservedMigration m = in.migrations().get(target.number());
      String job = in.instance() + "-r" + target.number() + "-migrate";
      if (m == null) {
        steps.add(new Step.StartMigration(target.number(), built));
        requeue = POLL;
        return progressing("Migrating", "running ckan db upgrade for revision " + target.number() + " (job " + job
            + ")");
      }
      if (m.state() == JobState.RUNNING) {
        requeue = POLL;
        return progressing("Migrating", "waiting for ckan db upgrade of revision " + target.number() + " (job "
            + job + ")");
      }
      if (m.state() == JobState.SUCCEEDED && m.after() != null) {
        steps.add(0, new Step.RecordMigration(target.number(), m.before(), m.after()));
        return null;
      }
      String why = (m.message() == null || m.message().isBlank() ? "the migration Job failed" : m.message())
          + "; see kubectl logs job/" + job + " -n " + in.namespace();
      steps.add(new Step.RecordVerdict(target.number(), Verdict.FAILED, "MigrationFailed: " + why,
          Step.ObjectKind.CONFIG_MAP));
      return new Condition(Condition.STALLED, true, "MigrationFailed", "revision " + target.number()
          + " failed to migrate the database (" + why + "); the pointer stays"
          + (current == null ? "" : " on revision " + current.number()));
    }

    /** The schema the database is at: what the most recent migration left. */
    private String databaseSchema() {
      return byNumber.values().stream().filter(r -> r.runtime().schemaAfter() != null)
          .max(Comparator.comparingInt(ObservedRevision::number)).map(r -> r.runtime().schemaAfter()).orElse(null);
    }

    /** Null when revision {@code to} may serve the database as it is; otherwise why not. */
    private String schemaBlocks(ObservedRevision to) {
      String db = databaseSchema();
      String expects = to.runtime().schemaAfter();
      if (Boolean.TRUE.equals(rollout.allowRevertAcrossMigrations) || db == null || expects == null
          || expects.equals(db)) {
        return null;
      }
      ObservedRevision migrator = byNumber.values().stream()
          .filter(r -> db.equals(r.runtime().schemaAfter()) && !db.equals(r.runtime().schemaBefore()))
          .max(Comparator.comparingInt(ObservedRevision::number)).orElse(null);
      return "the database schema is at " + db + (migrator == null ? "" : " (migrated by revision "
          + migrator.number() + ")") + " but revision " + to.number() + " expects " + expects + ": running its "
          + "code on the newer schema could corrupt data. Roll forward with a fixed release, or restore the "
          + "database backup taken before the upgrade and set spec.rollout.allowRevertAcrossMigrations: true";
    }

    private Condition schemaBlocked(String why) {
      return new Condition(Condition.STALLED, true, "RollbackBlockedBySchema", why);
    }

    // ---- workers follow the pointer ----------------------------------------------------------------------------

    private int wantedWorkers() {
      return in.workerReplicas() == null ? 0 : in.workerReplicas();
    }

    private void workersFor(ObservedRevision r, int replicas, String why) {
      if (r.runtime().hasWorker() && r.runtime().workerReplicas() != replicas) {
        steps.add(new Step.ScaleWorkers(r.number(), replicas, why));
      }
    }

    private static Step.ObjectKind anchor(ObservedRevision r) {
      return r.hasDeployment() ? Step.ObjectKind.DEPLOYMENT : Step.ObjectKind.CONFIG_MAP;
    }

    // ---- the pointer sits on a judged revision: finish the revert -------------------------------------------

    /** The current revision was judged (RolledBack or Failed) but the pointer has not moved yet: move it now. */
    private Condition leaveJudgedCurrent(Optional<RollbackRequest> request) {
      ObservedRevision fallback = request.map(this::resolve).filter(r -> !r.blocked() && r != current)
          .orElseGet(this::revertTarget);
      String type = request.isPresent() ? ROLLBACK : AUTO_REVERT;
      if (fallback == null) {
        return new Condition(Condition.STALLED, true, "NoRevisionToRevertTo", "revision " + current.number() + " is "
            + current.verdict().value() + " but no retained revision can take its place; change the spec to roll "
            + "forward");
      }
      String blocked = schemaBlocks(fallback);
      if (blocked != null) {
        return schemaBlocked("revision " + current.number() + " is " + current.verdict().value()
            + " but cannot be replaced by revision " + fallback.number() + ": " + blocked);
      }
      keepWarm.add(fallback.number());
      if (fallback.warmAndReady()) {
        steps.add(movePointer(fallback.number(), type, current.number() + " was " + current.verdict().value(),
            request.map(RollbackRequest::raw).orElse(null)));
        workersFor(fallback, wantedWorkers(), "follow the pointer");
        return progressing("Reverting", "moving the pointer from revision " + current.number() + " back to revision "
            + fallback.number());
      }
      if (fallback.specReplicas() == 0) {
        steps.add(new Step.BringUp(fallback.number(), Math.max(1, in.replicas()), "revert target"));
      }
      requeue = POLL;
      return progressing("Reverting", "bringing up revision " + fallback.number() + " to replace revision "
          + current.number());
    }

    /** The revision to fall back to: the one the pointer left last, else the newest retained Stable one. */
    private ObservedRevision revertTarget() {
      Integer previous = in.pointer().map(Pointer::previous).orElse(null);
      ObservedRevision p = previous == null ? null : byNumber.get(previous);
      if (p != null && p != current && p.hasDeployment() && !p.blocked()) {
        return p;
      }
      return byNumber.values().stream()
          .filter(r -> r != current && r.hasDeployment() && r.verdict() == Verdict.STABLE)
          .max(Comparator.comparingInt(ObservedRevision::number)).orElse(null);
    }

    // ---- manual rollback -------------------------------------------------------------------------------------

    private Optional<RollbackRequest> pendingRollback() {
      String raw = in.rollbackRequest();
      if (raw == null || raw.equals(in.pointer().map(Pointer::handledRollback).orElse(null))) {
        return Optional.empty();
      }
      Optional<RollbackRequest> parsed = RollbackRequest.parse(raw);
      if (parsed.isEmpty()) {
        rollbackNote = new Condition(Condition.ROLLED_BACK, false, "RollbackRejected", "ckan.io/rollback-to '" + raw
            + "' is not '<revision>' or 'previous' (optionally followed by '#<token>'); nothing was changed");
      }
      return parsed;
    }

    private ObservedRevision resolve(RollbackRequest request) {
      return request.previous() ? revertTarget() : byNumber.get(request.revision());
    }

    /** @return the deciding condition, or null when the request needs nothing more and the normal flow goes on */
    private Condition rollback(RollbackRequest request, ObservedRevision target) {
      if (current == null) {
        rollbackNote = rejected(request, "no revision serves yet");
        return null;
      }
      ObservedRevision to = resolve(request);
      if (to == null || !to.hasDeployment()) {
        rollbackNote = rejected(request, request.previous() ? "there is no retained revision to go back to"
            : "revision " + request.revision() + " is not retained (retained: " + retained() + ")");
        return null;
      }
      if (to.blocked()) {
        rollbackNote = rejected(request, "revision " + to.number() + " is " + to.verdict().value() + " ("
            + to.verdictReason() + ") and cannot take traffic; annotate ckan.io/retry to try it again");
        return null;
      }
      if (to == current) {
        steps.add(new Step.RecordRollbackHandled(request.raw()));
        return null;
      }
      String blocked = schemaBlocks(to);
      if (blocked != null) {
        rollbackNote = new Condition(Condition.ROLLED_BACK, false, "RollbackBlockedBySchema", describe(request)
            + " refused: " + blocked);
        return schemaBlocked(describe(request) + " refused: " + blocked);
      }
      keepWarm.add(to.number());
      int replicas = Math.max(1, in.replicas());
      if (!to.warmAndReady()) {
        if (to.specReplicas() == 0) {
          steps.add(new Step.BringUp(to.number(), replicas, "rollback target"));
          requeue = POLL;
          return progressing("RollingBack", "bringing up revision " + to.number() + " for " + describe(request));
        }
        if (attemptExpired(to)) {
          return failRollback(request, to, "ProgressDeadlineExceeded", "did not become available within "
              + rollout.progressDeadlineSecondsOrDefault() + "s");
        }
        requeue = POLL;
        return progressing("RollingBack", "waiting for revision " + to.number() + ": " + to.availableReplicas()
            + "/" + to.specReplicas() + " replicas available, for " + describe(request));
      }
      Verification.Result health = in.health().get(to.number());
      if (health == null || !health.passed()) {
        String why = health == null ? "status_show not checked yet" : health.message();
        if (health != null && health.definitive()) {
          return failRollback(request, to, "VerificationFailed", why);
        }
        if (attemptExpired(to)) {
          return failRollback(request, to, "HealthCheckTimeout", why);
        }
        requeue = VERIFY_RETRY;
        return progressing("RollingBack", "verifying revision " + to.number() + " (" + why + ")");
      }
      if (target != null && target != to && !target.blocked()) {
        steps.add(new Step.RecordVerdict(target.number(), Verdict.ROLLED_BACK,
            "ManualRollback: " + describe(request) + " moved the pointer to revision " + to.number()));
      }
      steps.add(movePointer(to.number(), ROLLBACK, describe(request), request.raw()));
      workersFor(to, wantedWorkers(), "follow the pointer");
      workersFor(current, 0, "the pointer left this revision");
      return progressing("RollingBack", "moving the pointer to revision " + to.number() + " (" + describe(request)
          + ")");
    }

    private Condition failRollback(RollbackRequest request, ObservedRevision to, String reason, String why) {
      steps.add(new Step.RecordVerdict(to.number(), Verdict.FAILED, reason + ": " + why));
      steps.add(new Step.Scale(to.number(), 0, "rollback target failed"));
      steps.add(new Step.RecordRollbackHandled(request.raw()));
      keepWarm.remove(to.number());
      rollbackNote = new Condition(Condition.ROLLED_BACK, false, "RollbackFailed", describe(request)
          + ": revision " + to.number() + " " + why + "; the pointer stays on revision " + current.number());
      return new Condition(Condition.STALLED, true, "RollbackFailed", rollbackNote.message());
    }

    private Condition rejected(RollbackRequest request, String why) {
      return new Condition(Condition.ROLLED_BACK, false, "RollbackRejected", describe(request) + " rejected: " + why
          + "; nothing was changed");
    }

    private static String describe(RollbackRequest request) {
      return "rollback request '" + request.raw() + "'";
    }

    private String retained() {
      return byNumber.values().stream().filter(ObservedRevision::hasDeployment).map(r -> "r" + r.number())
          .collect(Collectors.joining(", "));
    }

    // ---- the desired revision is current: scale in place, bake, revert if it fails ------------------------------

    private Condition onCurrent(ObservedRevision target) {
      if (target.specReplicas() != in.replicas()) {
        steps.add(new Step.Scale(target.number(), in.replicas(), "spec.replicas changed (in place)"));
      }
      Optional<Instant> bakeEnd = bakeEnd();
      String unhealthy = unhealthy(target);
      if (bakeEnd.isPresent()) {
        int previous = in.pointer().get().previous();
        keepWarm.add(previous);
        if (unhealthy != null) {
          ObservedRevision prev = byNumber.get(previous);
          if (!rollout.autoRevertOrDefault()) {
            return new Condition(Condition.STALLED, true, "UnhealthyDuringBake", "revision " + target.number() + " "
                + unhealthy + "; rollout.autoRevert is false, so it keeps serving");
          }
          String blocked = schemaBlocks(prev);
          if (blocked != null) {
            return schemaBlocked("revision " + target.number() + " " + unhealthy + " during the bake window, "
                + "but the automatic revert to revision " + previous + " is refused: " + blocked);
          }
          if (!prev.warmAndReady()) {
            return new Condition(Condition.STALLED, true, "RevertImpossible", "revision " + target.number() + " "
                + unhealthy + ", and previous revision " + previous + " is not ready to take traffic back");
          }
          steps.add(new Step.RecordVerdict(target.number(), Verdict.ROLLED_BACK, "AutoRevert: " + unhealthy));
          steps.add(movePointer(previous, AUTO_REVERT, "revision " + target.number() + " " + unhealthy, null));
          workersFor(target, 0, "reverted");
          return progressing("AutoReverting", "revision " + target.number() + " " + unhealthy
              + " during the bake window: moving the pointer back to revision " + previous);
        }
        workersFor(target, wantedWorkers(), "workers of the serving revision");
        requeueAt(bakeEnd.get());
        return progressing("Baking", "revision " + target.number() + " is live; revision " + previous
            + " stays warm until " + bakeEnd.get());
      }
      workersFor(target, wantedWorkers(), "workers of the serving revision");
      if (in.replicas() == 0) {
        return done("ScaledToZero", "revision " + target.number() + " is current with spec.replicas 0");
      }
      if (unhealthy != null) {
        requeue = POLL;
        return new Condition(Condition.READY, false, "CurrentUnhealthy", "revision " + target.number() + " "
            + unhealthy);
      }
      if (target.verdict() != Verdict.STABLE) {
        steps.add(new Step.RecordVerdict(target.number(), Verdict.STABLE, "Verified"));
      }
      if (!target.availableAt(in.replicas())) {
        requeue = POLL;
        return progressing("Scaling", "revision " + target.number() + ": " + target.availableReplicas() + "/"
            + in.replicas() + " replicas available");
      }
      return done("Stable", "revision " + target.number() + " is current, verified and available");
    }

    /** Why a serving revision counts as failed: no available replicas, or status_show shows the wrong release. */
    private String unhealthy(ObservedRevision r) {
      if (in.replicas() > 0 && r.specReplicas() > 0 && r.rolledOut() && r.availableReplicas() == 0) {
        return "has no available replicas";
      }
      Verification.Result health = in.health().get(r.number());
      if (health != null && health.definitive() && !health.passed()) {
        return "failed verification: " + health.message();
      }
      return null;
    }

    // ---- the desired revision is not current: bring it up, verify it, then move the pointer --------------------

    private Condition towards(ObservedRevision target) {
      if (target.blocked()) {
        return new Condition(Condition.STALLED, true, stalledReason(target), "revision "
            + target.number() + " is " + target.verdict().value() + " (" + target.verdictReason() + ") and is not "
            + "retried by itself: change the spec to roll forward, or annotate ckan.io/retry=<token> to try again");
      }
      String blocked = target.hasDeployment() ? schemaBlocks(target) : null;
      if (blocked != null) {
        return schemaBlocked("the spec returns to revision " + target.number() + ", but " + blocked);
      }
      keepWarm.add(target.number());
      if (in.replicas() == 0) {
        return new Condition(Condition.STALLED, true, "ScaledToZero",
            "spec.replicas is 0: revision " + target.number() + " cannot be verified, so the pointer stays"
                + (current == null ? "" : " on revision " + current.number()));
      }
      if (target.hasDeployment() && target.specReplicas() != in.replicas()) {
        steps.add(new Step.BringUp(target.number(), in.replicas(), "bring up desired revision"));
        requeue = POLL;
        return progressing("Deploying", "scaling revision " + target.number() + " to " + in.replicas());
      }
      if (target.availableAt(in.replicas())) {
        Verification.Result health = in.health().get(target.number());
        if (health != null && health.passed()) {
          steps.add(0, movePointer(target.number(), DEPLOY, "revision " + target.number() + " verified: "
              + health.message(), null));
          workersFor(target, wantedWorkers(), "switched with the web tier");
          return progressing("PointerMoved", "moving the pointer to revision " + target.number());
        }
        String why = health == null ? "status_show not checked yet" : health.message();
        if (health != null && health.definitive()) {
          return fail(target, "VerificationFailed", why);
        }
        if (attemptExpired(target)) {
          return fail(target, "HealthCheckTimeout", why);
        }
        requeue = VERIFY_RETRY;
        return progressing("Verifying", "revision " + target.number() + " is available; " + why);
      }
      if (attemptExpired(target) || (target.deadlineExceeded() && target.attemptStartedAt() == null)) {
        return fail(target, "ProgressDeadlineExceeded", "did not become available within "
            + rollout.progressDeadlineSecondsOrDefault() + "s (" + target.availableReplicas() + "/" + in.replicas()
            + " available)");
      }
      requeue = POLL;
      return progressing("Deploying", "waiting for revision " + target.number() + ": "
          + target.availableReplicas() + "/" + in.replicas() + " replicas available");
    }

    /**
     * The Stalled reason of a judged revision, the same before and after its verdict is on record: a failed build or
     * migration keeps saying so (its verdict reason starts with it), other failures are RevisionFailed.
     */
    private static String stalledReason(ObservedRevision target) {
      String reason = target.verdictReason() == null ? "" : target.verdictReason();
      if (target.verdict() == Verdict.FAILED) {
        for (String kept : List.of("BuildFailed", "MigrationFailed")) {
          if (reason.startsWith(kept + ":")) {
            return kept;
          }
        }
      }
      return "Revision" + target.verdict().value();
    }

    private Condition fail(ObservedRevision target, String reason, String why) {
      steps.add(new Step.RecordVerdict(target.number(), Verdict.FAILED, reason + ": " + why));
      steps.add(new Step.Scale(target.number(), 0, "failed before the switch"));
      keepWarm.remove(target.number());
      return new Condition(Condition.STALLED, true, "RevisionFailed", "revision " + target.number() + " failed ("
          + reason + "): " + why + "; the pointer stays" + (current == null ? "" : " on revision " + current.number()));
    }

    private boolean attemptExpired(ObservedRevision r) {
      Instant start = r.attemptStartedAt() != null ? r.attemptStartedAt() : r.createdAt();
      return start != null && in.now().isAfter(start.plusSeconds(rollout.progressDeadlineSecondsOrDefault()));
    }

    private Step.MovePointer movePointer(int to, String type, String reason, String handledRollback) {
      List<HistoryEntry> history = new ArrayList<>(in.pointer().map(Pointer::history).orElse(List.of()));
      Integer from = current == null ? null : current.number();
      history.add(new HistoryEntry(type, from, to, reason, in.now().toString()));
      while (history.size() > Pointer.HISTORY_LIMIT) {
        history.remove(0);
      }
      String handled = handledRollback != null ? handledRollback : in.pointer().map(Pointer::handledRollback)
          .orElse(null);
      return new Step.MovePointer(to, from, List.copyOf(history), handled);
    }

    /** When the previous revision may be scaled down, if the bake window is still open. */
    private Optional<Instant> bakeEnd() {
      // only a freshly deployed revision bakes; going back to a Stable one (revert, rollback) does not
      if (current == null || current.verdict() != null) {
        return Optional.empty();
      }
      return in.pointer()
          .filter(p -> p.previous() != null && p.switchedAt() != null && byNumber.containsKey(p.previous())
              && !byNumber.get(p.previous()).blocked())
          .map(p -> p.switchedAt().plusSeconds(rollout.bakeSecondsOrDefault()))
          .filter(end -> in.now().isBefore(end));
    }

    // ---- housekeeping and report ----------------------------------------------------------------------------

    /** Scale down what no longer serves, and prune beyond the history limit. */
    private void housekeeping(ObservedRevision target) {
      if (current != null) {
        keepWarm.add(current.number());
      }
      Set<Integer> scaledHere = steps.stream().filter(s -> s instanceof Step.Scale sc && sc.replicas() == 0)
          .map(s -> ((Step.Scale) s).revision()).collect(Collectors.toSet());
      List<ObservedRevision> others = new ArrayList<>();
      boolean baking = bakeEnd().isPresent();
      Integer previous = in.pointer().map(Pointer::previous).orElse(null);
      Set<Integer> workersStay = new HashSet<>();
      if (current != null && !current.blocked()) {
        workersStay.add(current.number());
      }
      if (baking && previous != null) {
        workersStay.add(previous); // the previous revision's workers stop when the new one becomes Stable
      }
      steps.stream().filter(s -> s instanceof Step.ScaleWorkers).map(s -> ((Step.ScaleWorkers) s).revision())
          .forEach(workersStay::add);
      for (ObservedRevision r : byNumber.values()) {
        if (!workersStay.contains(r.number())) {
          workersFor(r, 0, "not serving");
        }
      }
      for (ObservedRevision r : byNumber.values()) {
        if (keepWarm.contains(r.number())) {
          continue;
        }
        if (r.hasDeployment() && r.specReplicas() > 0 && !scaledHere.contains(r.number())) {
          steps.add(new Step.Scale(r.number(), 0, "superseded"));
        }
        if (r != target) {
          others.add(r); // the desired revision is never pruned: a judged one remembers its verdict
        }
      }
      others.sort(Comparator.comparingInt(ObservedRevision::number).reversed());
      int keep = rollout.revisionHistoryLimitOrDefault();
      for (int i = keep; i < others.size(); i++) {
        steps.add(new Step.Prune(others.get(i).number()));
      }
    }

    private Set<Step.ObjectKind> missingObjects(ObservedRevision r) {
      Set<Step.ObjectKind> missing = EnumSet.noneOf(Step.ObjectKind.class);
      if (!r.hasConfigMap()) {
        missing.add(Step.ObjectKind.CONFIG_MAP);
      }
      if (!r.hasService()) {
        missing.add(Step.ObjectKind.SERVICE);
      }
      if (!r.hasDeployment()) {
        missing.add(Step.ObjectKind.DEPLOYMENT);
      }
      if (in.workerReplicas() != null && !r.runtime().hasWorker()) {
        missing.add(Step.ObjectKind.WORKER);
      }
      return missing;
    }

    private void reportExisting(ObservedRevision target) {
      boolean baking = bakeEnd().isPresent();
      for (ObservedRevision r : byNumber.values()) {
        states.put(r.number(), stateOf(r, target, baking));
      }
    }

    private Plan.StateReport stateOf(ObservedRevision r, ObservedRevision target, boolean baking) {
      if (r.verdict() == Verdict.FAILED) {
        return new Plan.StateReport(RevisionState.Failed, r.verdictReason());
      }
      if (r.verdict() == Verdict.ROLLED_BACK) {
        return new Plan.StateReport(RevisionState.RolledBack, r.verdictReason());
      }
      if (r == current) {
        return new Plan.StateReport(baking ? RevisionState.Live : RevisionState.Stable, baking ? "Baking" : "Current");
      }
      if (r == target) {
        return new Plan.StateReport(RevisionState.Deploying, r.availableReplicas() + "/" + in.replicas() + " available");
      }
      if (keepWarm.contains(r.number())) {
        return new Plan.StateReport(RevisionState.Superseded, "KeptWarm");
      }
      boolean served = r.verdict() == Verdict.STABLE || in.pointer().map(Pointer::history).orElse(List.of()).stream()
          .anyMatch(e -> e.to != null && e.to == r.number());
      return new Plan.StateReport(RevisionState.Superseded, served ? "Replaced" : "ReplacedBeforeLive");
    }

    private void requeueAt(Instant when) {
      Duration d = Duration.between(in.now(), when);
      requeue = d.isNegative() ? Duration.ZERO : d.plusMillis(50);
    }

    private Condition progressing(String reason, String message) {
      return new Condition(Condition.RECONCILING, true, reason, message);
    }

    private Condition done(String reason, String message) {
      return new Condition(Condition.READY, true, reason, message);
    }

    /** Invalid, blocked or paused: no writes at all; report what is served. */
    private Plan frozen(ObservedRevision target, Integer desired, Condition stalled) {
      reportExisting(target);
      return finish(target, desired, stalled);
    }

    /** Turn the deciding condition into the kstatus conditions. */
    private Plan finish(ObservedRevision target, Integer desired, Condition decisive) {
      boolean ready = decisive.type().equals(Condition.READY) && decisive.status();
      boolean reconciling = decisive.type().equals(Condition.RECONCILING) && decisive.status();
      boolean stalled = decisive.type().equals(Condition.STALLED) && decisive.status();
      List<Condition> conditions = new ArrayList<>();
      conditions.add(new Condition(Condition.READY, ready, decisive.reason(), decisive.message()));
      conditions.add(new Condition(Condition.RECONCILING, reconciling, decisive.reason(),
          reconciling ? decisive.message() : ""));
      conditions.add(new Condition(Condition.STALLED, stalled, decisive.reason(), stalled ? decisive.message() : ""));
      conditions.add(available());
      conditions.add(rolledBack(target));
      return new Plan(List.copyOf(steps), desired, List.copyOf(conditions), Map.copyOf(states),
          Optional.ofNullable(requeue));
    }

    private Condition rolledBack(ObservedRevision target) {
      if (rollbackNote != null) {
        return rollbackNote;
      }
      if (target != null && target != current && target.verdict() == Verdict.ROLLED_BACK) {
        String reason = target.verdictReason() == null ? "" : target.verdictReason();
        return new Condition(Condition.ROLLED_BACK, true, reason.startsWith("ManualRollback") ? "ManualRollback"
            : "AutoReverted", "revision " + target.number() + " was rolled back: " + reason);
      }
      return new Condition(Condition.ROLLED_BACK, false, "NotRolledBack", "");
    }

    private Condition available() {
      if (current == null) {
        return new Condition(Condition.AVAILABLE, false, "NoCurrentRevision", "no revision serves traffic yet");
      }
      if (!current.serving()) {
        return new Condition(Condition.AVAILABLE, false, "CurrentUnavailable",
            "revision " + current.number() + " has no available replicas");
      }
      return new Condition(Condition.AVAILABLE, true, "Serving", "revision " + current.number() + " serves "
          + current.availableReplicas() + " available replicas");
    }
  }
}
