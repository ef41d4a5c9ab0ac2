package io.ckan.operator.contract;

/**
 * Words of the contract that more than one layer writes or reads: history entry types (written by the planner, read by
 * Events and status readers) and the condition reasons set outside the planner. Argo CD's health script and the
 * README's condition table use the same words.
 */
public final class Reasons {
  private Reasons() {}

  /** History entry types: why the pointer moved. */
  public static final String DEPLOY = "Deploy";
  public static final String AUTO_REVERT = "AutoRevert";
  public static final String ROLLBACK = "Rollback";

  /** The spec cannot be released: a field is invalid (its path and why are in the message). */
  public static final String INVALID_SPEC = "InvalidSpec";
  /** Rollouts and reverts are frozen by spec.paused or the ckan.io/paused annotation. */
  public static final String PAUSED = "Paused";
  /** A Secret the release references does not exist yet. */
  public static final String MISSING_SECRET = "MissingSecret";
  /** A name the plan would create is held by an object the instance does not own; nothing was written. */
  public static final String NAME_CONFLICT = "NameConflict";
  /** The last reconcile threw (the API server refused or timed out); retried with backoff. */
  public static final String RECONCILE_ERROR = "ReconcileError";
  /**
   * In its bake window the live revision fails a dependency check (Solr, database) that the previous revision fails
   * too: a revert would not help, so the pointer stays (a Stalled reason; the planner sets it).
   */
  public static final String DEPENDENCY_UNAVAILABLE = "DependencyUnavailable";
  /**
   * rollout.promotion is manual and the spec's revision is verified: it waits (Ready=False) for a person's
   * ckan.io/promote request while the pointer stays on the live revision.
   */
  public static final String AWAITING_PROMOTION = "AwaitingPromotion";
  /** A ckan.io/promote request that did not name the revision awaiting promotion: recorded, never acted on. */
  public static final String PROMOTION_REJECTED = "PromotionRejected";
}
