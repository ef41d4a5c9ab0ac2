package io.ckan.operator.plan;

import io.ckan.operator.contract.Reasons;
import io.ckan.operator.health.Verification;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * ckan.io/rollback-to requests. Each distinct value is acted on once: a request is accepted (the ROLLBACK phase moves
 * the pointer and records it), or it names the current revision, or it is refused; the last two are put on record at
 * once, so a refused request never fires later (after an upgrade made it meaningful).
 */
final class Rollbacks {
  private Rollbacks() {}

  /** The request not acted on yet, if any; unparseable ones are refused here. */
  static Optional<RollbackRequest> pending(Planning p) {
    String raw = p.in.rollbackRequest();
    if (raw == null || raw.equals(p.in.pointer().map(Pointer::handledRollback).orElse(null))) {
      return Optional.empty();
    }
    Optional<RollbackRequest> parsed = RollbackRequest.parse(raw);
    if (parsed.isEmpty()) {
      refuse(p, raw, "ckan.io/rollback-to '" + raw + "' is not '<revision>' or 'previous' (optionally followed by "
          + "'#<token>'); nothing was changed");
    }
    return parsed;
  }

  /**
   * Sorts a pending request while the current revision is not judged: the revision it moves to, or empty when it
   * was refused or needs nothing (both recorded as handled).
   */
  static Optional<ObservedRevision> accept(Planning p, RollbackRequest request) {
    if (p.current == null) {
      return refused(p, request, "no revision serves yet");
    }
    ObservedRevision to = resolve(p, request);
    if (to == null || !to.hasDeployment()) {
      return refused(p, request, request.previous() ? "there is no retained revision to go back to"
          : "revision " + request.revision() + " is not retained (retained: " + retained(p) + ")");
    }
    if (to.blocked()) {
      return refused(p, request, "revision " + to.number() + " is " + to.verdict().value() + " ("
          + to.verdictReason() + ") and cannot take traffic; annotate ckan.io/retry to try it again");
    }
    if (to == p.current) {
      p.records.add(new Step.RecordRollbackHandled(request.raw()));
      return Optional.empty();
    }
    return Optional.of(to);
  }

  static ObservedRevision resolve(Planning p, RollbackRequest request) {
    return request.previous() ? Reverts.revertTarget(p) : p.byNumber.get(request.revision());
  }

  /** ROLLBACK: bring the requested revision up, verify it, then move the pointer. */
  static Condition rollback(Planning p, RollbackRequest request, ObservedRevision to) {
    String blocked = p.schemaBlocks(to);
    if (blocked != null) {
      p.rollbackNote = new Condition(Condition.ROLLED_BACK, false, "RollbackBlockedBySchema", describe(request)
          + " refused: " + blocked);
      return Planning.schemaBlocked(describe(request) + " refused: " + blocked);
    }
    p.keepWarm.add(to.number());
    int replicas = Math.max(1, p.in.replicas());
    if (!to.warmAndReady()) {
      if (to.specReplicas() == 0) {
        p.actions.add(new Step.BringUp(to.number(), replicas, "rollback target"));
        p.requeue = Planning.POLL;
        return Planning.progressing("RollingBack", "bringing up revision " + to.number() + " for "
            + describe(request));
      }
      if (p.attemptExpired(to)) {
        return fail(p, request, to, "ProgressDeadlineExceeded", "did not become available within "
            + p.rollout.progressDeadlineSecondsOrDefault() + "s");
      }
      p.requeue = Planning.POLL;
      return Planning.progressing("RollingBack", "waiting for revision " + to.number() + ": "
          + to.availableReplicas() + "/" + to.specReplicas() + " replicas available, for " + describe(request));
    }
    Verification.Result health = p.in.health().get(to.number());
    if (health == null || !health.passed()) {
      String why = health == null ? "status_show not checked yet" : health.message();
      if (health != null && health.definitive()) {
        return fail(p, request, to, "VerificationFailed", why);
      }
      if (p.attemptExpired(to)) {
        return fail(p, request, to, "HealthCheckTimeout", why);
      }
      p.requeue = Planning.VERIFY_RETRY;
      return Planning.progressing("RollingBack", "verifying revision " + to.number() + " (" + why + ")");
    }
    if (p.target != null && p.target != to && !p.target.blocked()) {
      p.records.add(new Step.RecordVerdict(p.target.number(), Verdict.ROLLED_BACK,
          "ManualRollback: " + describe(request) + " moved the pointer to revision " + to.number(),
          Planning.anchor(p.target))); // the spec's revision may still wait for its image: no Deployment yet
    }
    p.actions.add(p.movePointer(to.number(), Reasons.ROLLBACK, describe(request), request.raw()));
    p.workersFor(to, p.wantedWorkers(), "follow the pointer");
    p.workersFor(p.current, 0, "the pointer left this revision");
    return Planning.progressing("RollingBack", "moving the pointer to revision " + to.number() + " ("
        + describe(request) + ")");
  }

  private static Condition fail(Planning p, RollbackRequest request, ObservedRevision to, String reason,
      String why) {
    p.records.add(new Step.RecordVerdict(to.number(), Verdict.FAILED, reason + ": " + why));
    p.records.add(new Step.RecordRollbackHandled(request.raw()));
    p.actions.add(new Step.Scale(to.number(), 0, "rollback target failed"));
    p.keepWarm.remove(to.number());
    p.rollbackNote = new Condition(Condition.ROLLED_BACK, false, "RollbackFailed", describe(request)
        + ": revision " + to.number() + " " + why + "; the pointer stays on revision " + p.current.number());
    return Planning.stalled("RollbackFailed", p.rollbackNote.message());
  }

  private static Optional<ObservedRevision> refused(Planning p, RollbackRequest request, String why) {
    refuse(p, request.raw(), describe(request) + " rejected: " + why + "; nothing was changed");
    return Optional.empty();
  }

  private static void refuse(Planning p, String raw, String message) {
    p.rollbackNote = new Condition(Condition.ROLLED_BACK, false, "RollbackRejected", message);
    if (p.in.pointer().isPresent()) {
      p.records.add(new Step.RecordRollbackHandled(raw, message));
    } else {
      p.refusedBeforePointer = raw;
    }
  }

  /** The RolledBack condition for a request refused earlier, while its annotation is still set. */
  static Optional<Condition> refusedEarlier(Planning p) {
    String raw = p.in.rollbackRequest();
    return p.in.pointer()
        // the note names its request: a note left from an older request never describes this one
        .filter(ptr -> raw != null && raw.equals(ptr.handledRollback()) && ptr.rejectedRollback() != null
            && ptr.rejectedRollback().contains("'" + raw + "'"))
        .map(ptr -> new Condition(Condition.ROLLED_BACK, false, "RollbackRejected", ptr.rejectedRollback()));
  }

  static String describe(RollbackRequest request) {
    return "rollback request '" + request.raw() + "'";
  }

  private static String retained(Planning p) {
    return p.byNumber.values().stream().filter(ObservedRevision::hasDeployment).map(r -> "r" + r.number())
        .collect(Collectors.joining(", "));
  }
}
