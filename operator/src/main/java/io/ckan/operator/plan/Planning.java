package io.ckan.operator.plan;

import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.contract.Reasons;
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

/**
 * One planning pass: the facts every handler reads (input, revisions by number, the current and the desired revision)
 * and what the handlers decide, in five ordered groups of steps: records (results and requests put on record first),
 * creates (missing objects of the desired revision), actions (the phase's own writes), follow-ups (what completes a
 * decision an action already carries: the verdict of a revision reverted by the pointer write) and cleanup
 * (scale-downs and prunes). Records come first so a crash never leaves an action whose reason is not on record; a
 * revert is the exception that proves it: its one pointer write is its own record ({@link #inferVerdicts}).
 */
final class Planning {
  /** How often a rollout in progress is looked at even without events. */
  static final Duration POLL = Duration.ofSeconds(15);
  /** How soon to ask status_show again while a revision is available but not verified yet. */
  static final Duration VERIFY_RETRY = Duration.ofSeconds(2);
  /** How soon a blocked spec (missing Secret, missing registry) is looked at again. */
  static final Duration BLOCKED_RETRY = Duration.ofSeconds(10);

  final PlanInput in;
  final RolloutSpec rollout;
  final Map<Integer, ObservedRevision> byNumber = new LinkedHashMap<>();
  final ObservedRevision current;
  final Release release;
  final ObservedRevision target;
  final List<Step> records = new ArrayList<>();
  final List<Step> creates = new ArrayList<>();
  final List<Step> actions = new ArrayList<>();
  final List<Step> followUps = new ArrayList<>();
  final List<Step> cleanup = new ArrayList<>();
  final Map<Integer, Plan.StateReport> states = new LinkedHashMap<>();
  final Set<Integer> keepWarm = new HashSet<>();
  /** The RolledBack condition when a request was refused or failed in this pass. */
  Condition rollbackNote;
  /** A request refused in this pass while no pointer exists to record it on: the first pointer move records it. */
  String refusedBeforePointer;
  /** The Promoted condition when a promote request was refused in this pass. */
  Condition promotionNote;
  /** The desired revision's migration result is put on record in this pass (its web Deployment may follow). */
  boolean migratedNow;
  Duration requeue;

  Planning(PlanInput in) {
    this.in = in;
    this.rollout = in.rollout() == null ? new RolloutSpec() : in.rollout();
    in.revisions().stream().sorted(Comparator.comparingInt(ObservedRevision::number))
        .forEach(r -> byNumber.put(r.number(), inferVerdict(r, in.pointer().map(Pointer::history).orElse(List.of()))));
    this.current = in.pointer().map(p -> byNumber.get(p.revision())).orElse(null);
    this.release = in.outcome() instanceof ReleaseOutcome.Ready ready ? ready.release() : null;
    this.target = release == null ? null : byNumber.values().stream()
        .filter(r -> !r.leftover() && release.fingerprint().equals(r.fingerprint()))
        .max(Comparator.comparingInt(ObservedRevision::number)).orElse(null);
  }

  List<Step> steps() {
    List<Step> all = new ArrayList<>(records);
    all.addAll(creates);
    all.addAll(actions);
    all.addAll(followUps);
    all.addAll(cleanup);
    return List.copyOf(all);
  }

  // ---- the one-write revert --------------------------------------------------------------------------------------

  /** The verdict reason of a revision the pointer was reverted away from, from its history entry's reason. */
  static String revertedReason(String historyReason) {
    return "AutoRevert: " + historyReason;
  }

  /**
   * A revision without a verdict that an automatic revert moved the pointer away from, during its current attempt
   * (the history entry is not older than its last bring-up, creation or retry), is RolledBack: the pointer write
   * carried that decision, and a crash before its verdict annotation must not let it go live again. Housekeeping
   * puts the verdict on the revision's own object ({@link #verdictsToRecord}).
   */
  static ObservedRevision inferVerdict(ObservedRevision r, List<HistoryEntry> history) {
    if (r.verdict() != null) {
      return r;
    }
    Instant attempt = r.attemptStartedAt() != null ? r.attemptStartedAt() : r.createdAt();
    for (int i = history.size() - 1; i >= 0; i--) {
      HistoryEntry e = history.get(i);
      if (!Reasons.AUTO_REVERT.equals(e.type) || !Integer.valueOf(r.number()).equals(e.from)) {
        continue;
      }
      Instant at = parseInstant(e.time);
      if (attempt == null || at != null && !at.isBefore(attempt)) {
        return r.withInferredVerdict(Verdict.ROLLED_BACK, revertedReason(e.reason));
      }
      return r;
    }
    return r;
  }

  private static Instant parseInstant(String value) {
    try {
      return value == null ? null : Instant.parse(value);
    } catch (RuntimeException e) {
      return null;
    }
  }

  // ---- conditions ----------------------------------------------------------------------------------------------

  static Condition progressing(String reason, String message) {
    return new Condition(Condition.RECONCILING, true, reason, message);
  }

  static Condition done(String reason, String message) {
    return new Condition(Condition.READY, true, reason, message);
  }

  static Condition stalled(String reason, String message) {
    return new Condition(Condition.STALLED, true, reason, message);
  }

  static Condition stalledFalse(String reason, String message) {
    return new Condition(Condition.STALLED, false, reason, message);
  }

  String pointerStays() {
    return "the pointer stays" + (current == null ? "" : " on revision " + current.number());
  }

  // ---- health and time -----------------------------------------------------------------------------------------

  /** Why a serving revision counts as failed: no available replicas, or status_show shows the wrong release. */
  String unhealthy(ObservedRevision r) {
    if (in.replicas() > 0 && r.specReplicas() > 0 && r.rolledOut() && r.availableReplicas() == 0) {
      return "has no available replicas";
    }
    Verification.Result health = in.health().get(r.number());
    if (health != null && health.definitive() && !health.passed()) {
      return "failed verification: " + health.message();
    }
    if (bakingNow(r) && Verification.duringBake(health, in.health().get(previous()))
        == Verification.Bake.REVISION_FAILED) {
      return "fails a check that revision " + previous() + " passes: " + health.message();
    }
    return null;
  }

  /**
   * Why the live revision, in its bake window, fails a dependency check that a revert would not fix (the previous
   * revision fails it too, or is not known to pass it); null otherwise.
   */
  String dependencyUnavailable(ObservedRevision r) {
    Verification.Result health = in.health().get(r.number());
    Verification.Result before = bakingNow(r) ? in.health().get(previous()) : null;
    if (!bakingNow(r) || Verification.duringBake(health, before) != Verification.Bake.DEPENDENCY_UNAVAILABLE) {
      return null;
    }
    return "revision " + r.number() + ": " + health.message() + "; revision " + previous() + " "
        + (before == null ? "was not checked" : "fails too (" + before.message() + ")") + ", so a revert would not "
        + "fix it: " + pointerStays();
  }

  private boolean bakingNow(ObservedRevision r) {
    return current != null && r.number() == current.number() && previous() != null && bakeEnd().isPresent();
  }

  /** When the previous revision may be scaled down, if the bake window is still open. */
  Optional<Instant> bakeEnd() {
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

  Integer previous() {
    return in.pointer().map(Pointer::previous).orElse(null);
  }

  boolean attemptExpired(ObservedRevision r) {
    Instant start = r.attemptStartedAt() != null ? r.attemptStartedAt() : r.createdAt();
    return start != null && in.now().isAfter(start.plusSeconds(rollout.progressDeadlineSecondsOrDefault()));
  }

  /** Look again just after {@code when}, which lies ahead (only an open bake window's end is passed). */
  void requeueAt(Instant when) {
    requeue = Duration.between(in.now(), when).plusMillis(50);
  }

  // ---- the pointer ---------------------------------------------------------------------------------------------

  /** One write: selector, history entry and (for a rollback) the request it answers. */
  Step.MovePointer movePointer(int to, String type, String reason, String handledRollback) {
    return movePointer(to, type, reason, handledRollback, null);
  }

  /** {@link #movePointer(int, String, String, String)} answering a ckan.io/promote request in the same write. */
  Step.MovePointer movePointer(int to, String type, String reason, String handledRollback, String handledPromotion) {
    List<HistoryEntry> history = new ArrayList<>(in.pointer().map(Pointer::history).orElse(List.of()));
    Integer from = current == null ? null : current.number();
    history.add(new HistoryEntry(type, from, to, reason, in.now().toString()));
    while (history.size() > Pointer.HISTORY_LIMIT) {
      history.remove(0);
    }
    String handled = handledRollback != null ? handledRollback
        : refusedBeforePointer != null ? refusedBeforePointer
        : records.stream().filter(Step.RecordRollbackHandled.class::isInstance)
            .map(s -> ((Step.RecordRollbackHandled) s).request()).reduce((a, b) -> b)
            .orElseGet(() -> in.pointer().map(Pointer::handledRollback).orElse(null));
    return new Step.MovePointer(to, from, List.copyOf(history), handled,
        in.pointer().map(Pointer::resourceVersion).orElse(null), handledPromotion);
  }

  // ---- the database schema -------------------------------------------------------------------------------------

  /** The schema the database is at: what the most recent migration left. */
  private String databaseSchema() {
    return byNumber.values().stream().filter(r -> r.runtime().schemaAfter() != null)
        .max(Comparator.comparingInt(ObservedRevision::number)).map(r -> r.runtime().schemaAfter()).orElse(null);
  }

  /** Null when revision {@code to} may serve the database as it is; otherwise why not. */
  String schemaBlocks(ObservedRevision to) {
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
        + Backups.restoreAdvice(this, to) + " and set spec.rollout.allowRevertAcrossMigrations: true";
  }

  static Condition schemaBlocked(String why) {
    return stalled("RollbackBlockedBySchema", why);
  }

  // ---- workers and objects -------------------------------------------------------------------------------------

  int wantedWorkers() {
    return in.workerReplicas() == null ? 0 : in.workerReplicas();
  }

  void workersFor(ObservedRevision r, int replicas, String why) {
    if (r.runtime().hasWorker() && r.runtime().workerReplicas() != replicas) {
      actions.add(new Step.ScaleWorkers(r.number(), replicas, why));
    }
  }

  static Step.ObjectKind anchor(ObservedRevision r) {
    return r.hasDeployment() ? Step.ObjectKind.DEPLOYMENT : Step.ObjectKind.CONFIG_MAP;
  }

  /** The image the operator built for this release, if any build or retained revision in the namespace has it. */
  Step.BuiltImage builtImage() {
    if (release == null || release.build() == null) {
      return null;
    }
    ObservedBuild b = in.builds().get(release.imageFingerprint());
    if (b != null && b.state() == JobState.SUCCEEDED && b.image() != null) {
      return new Step.BuiltImage(b.image(), b.commits(), b.lock());
    }
    String known = in.knownImages().get(release.imageFingerprint());
    return known == null ? null : new Step.BuiltImage(known, Map.of());
  }

  boolean imageReady() {
    return release != null && (release.build() == null || builtImage() != null);
  }

  /** Create what the desired revision lacks; its web and worker Deployments only once image and schema are there. */
  void ensureObjects() {
    if (target == null || target.blocked()) {
      return;
    }
    Set<Step.ObjectKind> missing = EnumSet.noneOf(Step.ObjectKind.class);
    if (!target.hasConfigMap()) {
      missing.add(Step.ObjectKind.CONFIG_MAP);
    }
    if (!target.hasService()) {
      missing.add(Step.ObjectKind.SERVICE);
    }
    boolean migrated = target.runtime().migrated() || target.hasDeployment() || migratedNow;
    if (imageReady() && migrated) {
      if (!target.hasDeployment()) {
        missing.add(Step.ObjectKind.DEPLOYMENT);
      }
      if (in.workerReplicas() != null && !target.runtime().hasWorker()) {
        missing.add(Step.ObjectKind.WORKER);
      }
    }
    if (!missing.isEmpty()) {
      creates.add(new Step.CreateRevision(target.number(), missing, in.replicas(), builtImage()));
    }
  }
}
