package io.ckan.operator.plan;

import io.ckan.operator.contract.Reasons;
import java.util.Comparator;
import java.util.Optional;

/** Moving the pointer back: a live revision that failed during its bake window, or an interrupted revert. */
final class Reverts {
  private Reverts() {}

  /**
   * BAKE_FAILED: the live revision failed while the previous one is still warm; flip back in one write. The pointer
   * write is the first and carries the whole decision (selector, history entry naming the reverted revision and
   * why): the reverted revision's verdict annotation, the Event and the status follow it, and a crash in between
   * loses nothing ({@link Planning#inferVerdict}). Classified only when {@link #revertRefused} is empty.
   */
  static Condition bakeFailed(Planning p) {
    ObservedRevision live = p.current;
    String unhealthy = p.unhealthy(live);
    int previous = p.previous();
    p.keepWarm.add(previous);
    String why = "revision " + live.number() + " " + unhealthy;
    p.actions.add(p.movePointer(previous, Reasons.AUTO_REVERT, why, null));
    p.followUps.add(new Step.RecordVerdict(live.number(), Verdict.ROLLED_BACK, Planning.revertedReason(why)));
    p.workersFor(p.byNumber.get(previous), p.wantedWorkers(), "follow the pointer");
    p.workersFor(live, 0, "reverted");
    return Planning.progressing("AutoReverting", "revision " + live.number() + " " + unhealthy
        + " during the bake window: moving the pointer back to revision " + previous);
  }

  /**
   * Why the live revision, unhealthy in its bake window, cannot be reverted automatically (the previous revision's
   * schema is older, or it is not ready to take traffic back); empty when the revert can go ahead. A refused revert
   * does not stop a newer spec from rolling forward.
   */
  static Optional<Condition> revertRefused(Planning p, String unhealthy) {
    ObservedRevision live = p.current;
    int previous = p.previous();
    ObservedRevision prev = p.byNumber.get(previous);
    String blocked = p.schemaBlocks(prev);
    if (blocked != null) {
      return Optional.of(Planning.schemaBlocked("revision " + live.number() + " " + unhealthy + " during the bake "
          + "window, but the automatic revert to revision " + previous + " is refused: " + blocked));
    }
    if (!prev.warmAndReady()) {
      return Optional.of(Planning.stalled("RevertImpossible", "revision " + live.number() + " " + unhealthy
          + ", and previous revision " + previous + " is not ready to take traffic back"));
    }
    return Optional.empty();
  }

  /** CURRENT_JUDGED: the current revision was judged but the pointer has not moved yet: move it now. */
  static Condition currentJudged(Planning p, Optional<RollbackRequest> request) {
    ObservedRevision current = p.current;
    // the judged current revision is blocked, so a request naming it falls back too
    ObservedRevision fallback = request.map(r -> Rollbacks.resolve(p, r))
        .filter(r -> r.hasDeployment() && !r.blocked())
        .orElseGet(() -> revertTarget(p));
    String type = request.isPresent() ? Reasons.ROLLBACK : Reasons.AUTO_REVERT;
    if (fallback == null) {
      return Planning.stalled("NoRevisionToRevertTo", "revision " + current.number() + " is "
          + current.verdict().value() + " but no retained revision can take its place; change the spec to roll "
          + "forward");
    }
    String blocked = p.schemaBlocks(fallback);
    if (blocked != null) {
      return Planning.schemaBlocked("revision " + current.number() + " is " + current.verdict().value()
          + " but cannot be replaced by revision " + fallback.number() + ": " + blocked);
    }
    p.keepWarm.add(fallback.number());
    if (fallback.warmAndReady()) {
      p.actions.add(p.movePointer(fallback.number(), type, current.number() + " was " + current.verdict().value(),
          request.map(RollbackRequest::raw).orElse(null)));
      p.workersFor(fallback, p.wantedWorkers(), "follow the pointer");
      return Planning.progressing("Reverting", "moving the pointer from revision " + current.number()
          + " back to revision " + fallback.number());
    }
    if (fallback.specReplicas() == 0) {
      p.actions.add(new Step.BringUp(fallback.number(), Math.max(1, p.in.replicas()), "revert target"));
    }
    p.requeue = Planning.POLL;
    return Planning.progressing("Reverting", "bringing up revision " + fallback.number() + " to replace revision "
        + current.number());
  }

  /** The revision to fall back to: the one the pointer left last, else the newest retained Stable one. */
  static ObservedRevision revertTarget(Planning p) {
    Integer previous = p.previous();
    ObservedRevision prev = previous == null ? null : p.byNumber.get(previous);
    if (prev != null && prev != p.current && prev.hasDeployment() && !prev.blocked()) {
      return prev;
    }
    return p.byNumber.values().stream()
        .filter(r -> r != p.current && r.hasDeployment() && r.verdict() == Verdict.STABLE)
        .max(Comparator.comparingInt(ObservedRevision::number)).orElse(null);
  }
}
