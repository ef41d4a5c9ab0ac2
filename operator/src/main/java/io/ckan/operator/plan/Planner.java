package io.ckan.operator.plan;

import io.ckan.operator.contract.Reasons;
import io.ckan.operator.release.ReleaseOutcome;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The revision state machine, pure: (release, requests, observed revisions, pointer, health, now) -> steps and a
 * report. One pass: sort the requests, classify the situation into a {@link Phase}, run that phase's handler from
 * the table below, then housekeeping and the report. Every call recomputes from what the cluster holds, so a
 * restart after any write converges on the same end state; decisions are put on record before they are acted on (a
 * verdict before the pointer move it causes), so an interrupted rollback is finished by the next call. An automatic
 * revert is one write: the pointer's history entry is its record, and the reverted revision's verdict follows it.
 */
public final class Planner {
  private Planner() {}

  /** What each phase does; handlers add steps to the pass and return the deciding condition. */
  private static Map<Phase, Function<Pass, Condition>> table() {
    Map<Phase, Function<Pass, Condition>> t = new EnumMap<>(Phase.class);
    t.put(Phase.PAUSED, pass -> Planning.stalledFalse(Reasons.PAUSED, "paused (spec.paused or the ckan.io/paused "
        + "annotation): rollouts and reverts are frozen"));
    t.put(Phase.BAKE_FAILED, pass -> Reverts.bakeFailed(pass.p));
    t.put(Phase.INVALID, pass -> Planning.stalled(Reasons.INVALID_SPEC,
        ((ReleaseOutcome.Invalid) pass.p.in.outcome()).message()));
    t.put(Phase.BLOCKED, Planner::blocked);
    t.put(Phase.CURRENT_JUDGED, pass -> Reverts.currentJudged(pass.p, pass.request));
    t.put(Phase.ROLLBACK, pass -> Rollbacks.rollback(pass.p, pass.request.orElseThrow(), pass.rollbackTo));
    t.put(Phase.NEW_REVISION, pass -> Releases.create(pass.p));
    t.put(Phase.RETRY, pass -> Releases.retry(pass.p));
    t.put(Phase.BUILDING, pass -> Releases.build(pass.p));
    t.put(Phase.MIGRATING, pass -> Releases.migrate(pass.p));
    t.put(Phase.JUDGED, pass -> Rollout.judged(pass.p));
    t.put(Phase.AWAITING_PROMOTION, pass -> Promotions.await(pass.p));
    t.put(Phase.PROMOTE, pass -> Promotions.promote(pass.p, pass.promote.orElseThrow()));
    t.put(Phase.ROLLING_OUT, pass -> Rollout.towards(pass.p));
    t.put(Phase.STEADY, pass -> Rollout.steady(pass.p));
    return t;
  }

  private static final Map<Phase, Function<Pass, Condition>> TABLE = table();

  /** Phases that write nothing: no housekeeping either. */
  private static final Set<Phase> FROZEN = Set.of(Phase.PAUSED, Phase.INVALID, Phase.BLOCKED);

  /** A planning pass with its sorted rollback request and its pending promote request. */
  private record Pass(Planning p, Optional<RollbackRequest> request, ObservedRevision rollbackTo,
      Optional<PromoteRequest> promote) {
    Pass(Planning p, Optional<RollbackRequest> request, ObservedRevision rollbackTo) {
      this(p, request, rollbackTo, Promotions.pending(p));
    }
  }

  public static Plan plan(PlanInput in) {
    Planning p = new Planning(in);
    Pass pass = sortRequests(p);
    Phase phase = PhaseClassifier.classify(situation(p, pass));
    Condition decisive = TABLE.get(phase).apply(pass);
    boolean baking = p.bakeEnd().isPresent();
    if (!FROZEN.contains(phase)) {
      Promotions.settle(p, phase, decisive);
      p.ensureObjects();
      recordBuildResults(p);
      Housekeeping.run(p);
    }
    Report.states(p, baking);
    return Report.finish(p, decisive);
  }

  /** Revisions whose status_show the reconciler fetches before planning: those that serve and are not judged. */
  public static Set<Integer> toProbe(List<ObservedRevision> revisions) {
    return revisions.stream().filter(r -> r.serving() && !r.blocked()).map(ObservedRevision::number)
        .collect(Collectors.toSet());
  }

  private static Pass sortRequests(Planning p) {
    if (p.in.paused() || p.release == null && !(p.current != null && p.current.blocked())) {
      return new Pass(p, Optional.empty(), null);
    }
    Optional<RollbackRequest> request = Rollbacks.pending(p);
    if (request.isEmpty() || p.current != null && p.current.blocked()) {
      return new Pass(p, request, null);
    }
    ObservedRevision to = Rollbacks.accept(p, request.get()).orElse(null);
    return new Pass(p, to == null ? Optional.empty() : request, to);
  }

  private static PhaseClassifier.Situation situation(Planning p, Pass pass) {
    ObservedRevision target = p.target;
    ObservedRevision current = p.current;
    boolean bakeFailed = current != null && !current.blocked() && p.rollout.autoRevertOrDefault()
        && p.bakeEnd().isPresent() && p.unhealthy(current) != null
        && Reverts.revertRefused(p, p.unhealthy(current)).isEmpty();
    PhaseClassifier.Spec spec = p.in.outcome() instanceof ReleaseOutcome.Invalid ? PhaseClassifier.Spec.INVALID
        : p.in.outcome() instanceof ReleaseOutcome.Blocked ? PhaseClassifier.Spec.BLOCKED
        : PhaseClassifier.Spec.READY;
    return new PhaseClassifier.Situation(p.in.paused(), bakeFailed, spec, current != null && current.blocked(),
        pass.rollbackTo() != null, target != null, target != null && target.blocked(),
        target != null && p.in.retryRequest() != null && !p.in.retryRequest().equals(target.retryHandled()),
        target != null && target.hasDeployment(), p.imageReady(),
        target != null && target.runtime().migrated(), target != null && target == current,
        Promotions.verified(p), p.rollout.manualPromotion() && current != null,
        target != null && pass.promote().filter(r -> r.revision() == target.number()).isPresent());
  }

  private static Condition blocked(Pass pass) {
    ReleaseOutcome.Blocked b = (ReleaseOutcome.Blocked) pass.p.in.outcome();
    pass.p.requeue = Planning.BLOCKED_RETRY; // e.g. a Secret that does not exist yet: Secrets are not watched
    return Planning.stalled(b.reason(), b.message());
  }

  /** Succeeded builds whose result is only in a pod's termination message: store it on the Job (the cache). */
  private static void recordBuildResults(Planning p) {
    p.in.builds().values().stream()
        .filter(b -> b.owned() && b.state() == JobState.SUCCEEDED && b.image() != null && !b.resultRecorded())
        .forEach(b -> p.records.add(new Step.RecordBuildResult(b.jobName(), new Step.BuiltImage(b.image(),
            b.commits(), b.lock()))));
  }
}
