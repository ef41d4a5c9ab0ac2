package io.ckan.operator.plan;

import io.ckan.operator.contract.Labels;
import io.ckan.operator.contract.Reasons;
import io.ckan.operator.health.Verification;
import java.util.Optional;

/**
 * Manual promotion ({@code rollout.promotion: manual}): a verified revision waits while the live one serves, until a
 * person's {@code ckan.io/promote=<N>[#token]} names it. Each distinct request is acted on once: it moves the pointer
 * (recorded in that same write), or it is refused and put on record at once, so a request that named the wrong
 * revision, or came too early, never fires later when it would have become meaningful.
 */
final class Promotions {
  private Promotions() {}

  /** The promote request not acted on yet, if it parses (one that does not is refused by {@link #settle}). */
  static Optional<PromoteRequest> pending(Planning p) {
    return unhandled(p).flatMap(PromoteRequest::parse);
  }

  private static Optional<String> unhandled(Planning p) {
    String raw = p.in.promoteRequest();
    return raw == null || raw.equals(p.in.pointer().map(Pointer::handledPromotion).orElse(null)) ? Optional.empty()
        : Optional.of(raw);
  }

  /** The spec's revision could take traffic now: all its replicas available and its health checks passed. */
  static boolean verified(Planning p) {
    ObservedRevision target = p.target;
    int replicas = p.in.replicas();
    // a revision without its Deployment, or judged, has no replicas to match (and JUDGED is classified first)
    if (target == null || replicas == 0 || target.specReplicas() != replicas || !target.availableAt(replicas)) {
      return false;
    }
    Verification.Result health = p.in.health().get(target.number());
    return health != null && health.passed() && p.schemaBlocks(target) == null;
  }

  /** AWAITING_PROMOTION: keep the verified revision up and say how to promote it; nothing is written. */
  static Condition await(Planning p) {
    ObservedRevision target = p.target;
    p.keepWarm.add(target.number());
    p.states.put(target.number(), new Plan.StateReport(RevisionState.Deploying, Reasons.AWAITING_PROMOTION));
    p.requeue = Planning.POLL;
    String ns = " -n " + p.in.namespace();
    return new Condition(Condition.READY, false, Reasons.AWAITING_PROMOTION, "revision " + target.number()
        + " is verified (" + p.in.health().get(target.number()).message() + ") and awaits promotion "
        + "(rollout.promotion: manual); revision " + p.current.number() + " keeps serving. Promote it: kubectl "
        + "annotate ckan " + p.in.instance() + ns + " " + Labels.PROMOTE + "=" + target.number() + " --overwrite, or "
        + "kubectl ckan promote " + p.in.instance() + ns);
  }

  /** PROMOTE: the request names the verified revision awaiting promotion: move the pointer, answering it. */
  static Condition promote(Planning p, PromoteRequest request) {
    ObservedRevision target = p.target;
    p.keepWarm.add(target.number());
    p.actions.add(p.movePointer(target.number(), Reasons.DEPLOY, "revision " + target.number() + " verified: "
        + p.in.health().get(target.number()).message() + "; promoted by request '" + request.raw() + "'", null,
        request.raw()));
    p.workersFor(target, p.wantedWorkers(), "switched with the web tier");
    return Planning.progressing("PointerMoved", "moving the pointer to revision " + target.number()
        + " (promotion request '" + request.raw() + "')");
  }

  /**
   * After the phase's handler: a promote request this pass did not act on is refused and put on record (on the
   * pointer Service; before any pointer exists, by the first pointer move), whatever it named.
   */
  static void settle(Planning p, Phase phase, Condition decisive) {
    Optional<String> raw = unhandled(p);
    if (raw.isEmpty() || phase == Phase.PROMOTE) {
      return;
    }
    Optional<PromoteRequest> request = PromoteRequest.parse(raw.get());
    String message = request.isEmpty()
        ? Labels.PROMOTE + " '" + raw.get() + "' is not '<revision>' (optionally followed by '#<token>')"
        : "promotion request '" + raw.get() + "' rejected: " + notAwaiting(p, phase, request.get(), decisive);
    refuse(p, raw.get(), message + "; nothing was changed");
  }

  private static String notAwaiting(Planning p, Phase phase, PromoteRequest request, Condition decisive) {
    int n = request.revision();
    if (phase == Phase.AWAITING_PROMOTION) {
      return "revision " + p.target.number() + " awaits promotion, not revision " + n;
    }
    if (!p.rollout.manualPromotion()) {
      return "rollout.promotion is auto: a verified revision goes live by itself";
    }
    if (p.current != null && p.current.number() == n) {
      return "revision " + n + " already serves";
    }
    if (p.target == null || p.target.number() != n) {
      return "revision " + n + " is not the spec's revision" + (p.target == null ? ""
          : " (revision " + p.target.number() + " is)");
    }
    return "revision " + n + " is not verified and awaiting promotion (" + decisive.reason()
        + (decisive.message().isEmpty() ? "" : ": " + decisive.message()) + ")";
  }

  private static void refuse(Planning p, String raw, String message) {
    p.promotionNote = new Condition(Condition.PROMOTED, false, Reasons.PROMOTION_REJECTED, message);
    if (p.in.pointer().isPresent()) {
      p.records.add(new Step.RecordPromotionHandled(raw, message));
      return;
    }
    // no pointer to record it on yet: the first pointer move (this pass's, if any) carries it
    p.actions.replaceAll(s -> s instanceof Step.MovePointer m && m.handledPromotion() == null
        ? new Step.MovePointer(m.to(), m.from(), m.history(), m.handledRollback(), m.expectedVersion(), raw) : s);
  }

  /** The Promoted condition: a refusal in this pass, or one recorded earlier while its annotation is still set. */
  static Optional<Condition> note(Planning p) {
    if (p.promotionNote != null) {
      return Optional.of(p.promotionNote);
    }
    String raw = p.in.promoteRequest();
    return p.in.pointer()
        // the note names its request: a note left from an older request never describes this one
        .filter(ptr -> raw != null && raw.equals(ptr.handledPromotion()) && ptr.rejectedPromotion() != null
            && ptr.rejectedPromotion().contains("'" + raw + "'"))
        .map(ptr -> new Condition(Condition.PROMOTED, false, Reasons.PROMOTION_REJECTED, ptr.rejectedPromotion()));
  }
}
