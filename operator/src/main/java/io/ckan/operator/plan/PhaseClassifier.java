package io.ckan.operator.plan;

/** Pure: the facts that decide the phase, and the order in which they decide it (see {@link Phase}). */
public final class PhaseClassifier {
  private PhaseClassifier() {}

  /** What the spec's release is. */
  public enum Spec { READY, INVALID, BLOCKED }

  /**
   * @param bakeFailed       the live revision is in its bake window, unhealthy, autoRevert is on and the previous
   *                         revision can take traffic back (warm, same schema)
   * @param currentJudged    the pointer's revision carries a Failed or RolledBack verdict
   * @param rollbackAccepted a new ckan.io/rollback-to request names a retained revision other than the current one
   * @param targetExists     a retained revision has the spec's fingerprint
   * @param targetJudged     that revision carries a Failed or RolledBack verdict
   * @param retryPending     a ckan.io/retry token not acted on for that revision yet
   * @param targetDeployed   that revision has its web Deployment
   * @param imageReady       the release's image exists (prebuilt, or built by a finished build)
   * @param targetMigrated   that revision's migration is on record
   * @param targetIsCurrent  the pointer is on that revision
   * @param targetVerified   that revision could take traffic now: available and verified (status_show passed)
   * @param promotionGated   rollout.promotion is manual and another revision serves (a first revision is not held)
   * @param promoteAccepted  a new ckan.io/promote request names that revision
   */
  public record Situation(boolean paused, boolean bakeFailed, Spec spec, boolean currentJudged,
      boolean rollbackAccepted, boolean targetExists, boolean targetJudged, boolean retryPending,
      boolean targetDeployed, boolean imageReady, boolean targetMigrated, boolean targetIsCurrent,
      boolean targetVerified, boolean promotionGated, boolean promoteAccepted) {}

  public static Phase classify(Situation s) {
    if (s.paused()) {
      return Phase.PAUSED;
    }
    if (s.bakeFailed()) {
      return Phase.BAKE_FAILED;
    }
    if (s.currentJudged()) {
      return Phase.CURRENT_JUDGED;
    }
    if (s.spec() == Spec.INVALID) {
      return Phase.INVALID;
    }
    if (s.spec() == Spec.BLOCKED) {
      return Phase.BLOCKED;
    }
    if (s.rollbackAccepted()) {
      return Phase.ROLLBACK;
    }
    if (!s.targetExists()) {
      return Phase.NEW_REVISION;
    }
    if (s.targetJudged()) {
      return s.retryPending() ? Phase.RETRY : Phase.JUDGED;
    }
    if (!s.targetDeployed() && !s.imageReady()) {
      return Phase.BUILDING;
    }
    if (!s.targetDeployed() && !s.targetMigrated()) {
      return Phase.MIGRATING;
    }
    if (!s.targetIsCurrent() && s.targetVerified() && s.promotionGated()) {
      return s.promoteAccepted() ? Phase.PROMOTE : Phase.AWAITING_PROMOTION;
    }
    return s.targetIsCurrent() ? Phase.STEADY : Phase.ROLLING_OUT;
  }
}
