package io.ckan.operator.plan;

import io.ckan.operator.contract.Reasons;
import io.ckan.operator.health.Verification;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The spec's revision on its way to the pointer, and on it. */
final class Rollout {
  private Rollout() {}

  /** JUDGED: a failed or rolled-back fingerprint is not tried again by itself. */
  static Condition judged(Planning p) {
    ObservedRevision target = p.target;
    return Planning.stalled(stalledReason(target), "revision " + target.number() + " is "
        + target.verdict().value() + " (" + target.verdictReason() + ") and is not retried by itself: change the "
        + "spec to roll forward, or annotate ckan.io/retry=<token> to try again");
  }

  /** ROLLING_OUT: bring the spec's revision up, verify it, then move the pointer. */
  static Condition towards(Planning p) {
    ObservedRevision target = p.target;
    int replicas = p.in.replicas();
    String blocked = target.hasDeployment() ? p.schemaBlocks(target) : null;
    if (blocked != null) {
      return Planning.schemaBlocked("the spec returns to revision " + target.number() + ", but " + blocked);
    }
    p.keepWarm.add(target.number());
    if (replicas == 0) {
      return Planning.stalled("ScaledToZero", "spec.replicas is 0: revision " + target.number()
          + " cannot be verified, so " + p.pointerStays());
    }
    if (target.hasDeployment() && target.specReplicas() != replicas) {
      p.actions.add(new Step.BringUp(target.number(), replicas, "bring up desired revision"));
      p.requeue = Planning.POLL;
      return Planning.progressing("Deploying", "scaling revision " + target.number() + " to " + replicas);
    }
    if (target.availableAt(replicas)) {
      Verification.Result health = p.in.health().get(target.number());
      if (health != null && health.passed()) {
        p.actions.add(p.movePointer(target.number(), Reasons.DEPLOY, "revision " + target.number() + " verified: "
            + health.message(), null));
        p.workersFor(target, p.wantedWorkers(), "switched with the web tier");
        return Planning.progressing("PointerMoved", "moving the pointer to revision " + target.number());
      }
      String why = health == null ? "status_show not checked yet" : health.message();
      if (health != null && health.definitive()) {
        return fail(p, "VerificationFailed", why);
      }
      if (p.attemptExpired(target)) {
        return fail(p, "HealthCheckTimeout", why);
      }
      p.requeue = Planning.VERIFY_RETRY;
      return Planning.progressing("Verifying", "revision " + target.number() + " is available; " + why);
    }
    if (p.attemptExpired(target) || (target.deadlineExceeded() && target.attemptStartedAt() == null)) {
      return fail(p, "ProgressDeadlineExceeded", "did not become available within "
          + p.rollout.progressDeadlineSecondsOrDefault() + "s (" + target.availableReplicas() + "/" + replicas
          + " available)");
    }
    p.requeue = Planning.POLL;
    return Planning.progressing("Deploying", "waiting for revision " + target.number() + ": "
        + target.availableReplicas() + "/" + replicas + " replicas available");
  }

  /** STEADY: the spec's revision is current: scale in place, bake, then mark it Stable. */
  static Condition steady(Planning p) {
    ObservedRevision target = p.target;
    int replicas = p.in.replicas();
    if (!target.hasDeployment()) { // deleted by hand: the housekeeping tail re-creates it from the desired state
      p.requeue = Planning.POLL;
      return Planning.progressing("Deploying", "revision " + target.number() + " is current but its Deployment is "
          + "gone (deleted by hand?); re-creating it");
    }
    if (target.specReplicas() != replicas) {
      p.actions.add(new Step.Scale(target.number(), replicas, "spec.replicas changed (in place)"));
    }
    Optional<Instant> bakeEnd = p.bakeEnd();
    String unhealthy = p.unhealthy(target);
    p.workersFor(target, p.wantedWorkers(), "workers of the serving revision");
    if (bakeEnd.isPresent()) {
      if (unhealthy != null && !p.rollout.autoRevertOrDefault()) {
        return Planning.stalled("UnhealthyDuringBake", "revision " + target.number() + " " + unhealthy
            + "; rollout.autoRevert is false, so it keeps serving");
      }
      if (unhealthy != null) { // a possible revert was BAKE_FAILED's: this one is refused
        p.keepWarm.add(p.previous());
        return Reverts.revertRefused(p, unhealthy).orElseThrow();
      }
      String outage = p.dependencyUnavailable(target);
      if (outage != null) {
        p.requeue = Planning.POLL; // a change of health reconciles sooner
        return Planning.stalled(Reasons.DEPENDENCY_UNAVAILABLE, outage);
      }
      p.requeueAt(bakeEnd.get());
      return Planning.progressing("Baking", "revision " + target.number() + " is live; revision " + p.previous()
          + " stays warm until " + bakeEnd.get());
    }
    if (replicas == 0) {
      return Planning.done("ScaledToZero", "revision " + target.number() + " is current with spec.replicas 0");
    }
    if (unhealthy != null) {
      p.requeue = Planning.POLL;
      // past its bake window nothing is reverted by itself: a person decides (roll back, roll forward, fix the
      // cluster), so kstatus readers see Stalled rather than a Ready=False that claims no state at all
      return Planning.stalled("CurrentUnhealthy", "revision " + target.number() + " " + unhealthy + " after its "
          + "bake window; it is not reverted by itself: annotate ckan.io/rollback-to=<N|previous> or change the spec");
    }
    if (target.verdict() != Verdict.STABLE) {
      // Ready only once the verdict is on record: the verdict annotation moves the Deployment's generation on a real
      // API server, so the revision looks rolled out again only after the Deployment controller has observed it.
      // Reporting Stable in this pass made Ready flap True, False (Scaling), True.
      p.records.add(new Step.RecordVerdict(target.number(), Verdict.STABLE, "Verified"));
      p.requeue = Planning.VERIFY_RETRY; // the verdict write may raise no event the operator hears: look again soon
      return Planning.progressing("Verifying", "revision " + target.number() + " is verified; recording it Stable");
    }
    if (!target.availableAt(replicas)) {
      p.requeue = Planning.POLL;
      return Planning.progressing("Scaling", "revision " + target.number() + ": " + target.availableReplicas()
          + "/" + replicas + " replicas available");
    }
    return Planning.done("Stable", "revision " + target.number() + " is current, verified and available");
  }

  private static Condition fail(Planning p, String reason, String why) {
    ObservedRevision target = p.target;
    p.records.add(new Step.RecordVerdict(target.number(), Verdict.FAILED, reason + ": " + why,
        Planning.anchor(target)));
    if (target.hasDeployment()) {
      p.actions.add(new Step.Scale(target.number(), 0, "failed before the switch"));
    }
    p.keepWarm.remove(target.number());
    return Planning.stalled("RevisionFailed", "revision " + target.number() + " failed (" + reason + "): " + why
        + "; " + p.pointerStays());
  }

  /**
   * The Stalled reason of a judged revision, the same before and after its verdict is on record: a failed build or
   * migration keeps saying so (its verdict reason starts with it), other failures are RevisionFailed.
   */
  static String stalledReason(ObservedRevision target) {
    String reason = target.verdictReason() == null ? "" : target.verdictReason();
    if (target.verdict() == Verdict.FAILED) {
      for (String kept : List.of("BuildFailed", "MigrationFailed", Backups.BACKUP_FAILED)) {
        if (reason.startsWith(kept + ":")) {
          return kept;
        }
      }
    }
    return "Revision" + target.verdict().value();
  }
}
