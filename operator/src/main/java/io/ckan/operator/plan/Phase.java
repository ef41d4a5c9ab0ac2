package io.ckan.operator.plan;

/**
 * Where an instance stands, decided from (spec, observed revisions, pointer, requests) by {@link PhaseClassifier};
 * each phase has one handler in {@link Planner}'s table. Listed in the order the classifier tests them: the first
 * that applies wins.
 */
public enum Phase {
  /** spec.paused or the ckan.io/paused annotation: no writes at all, whatever else holds. */
  PAUSED,
  /**
   * The live revision failed during its bake window, autoRevert is on and the previous revision can take traffic
   * back: revert first, whatever the spec says.
   */
  BAKE_FAILED,
  /** The spec cannot be released (a field is invalid): no writes; report what serves. */
  INVALID,
  /** The spec is valid but something it needs is missing (a Secret): no writes; look again soon. */
  BLOCKED,
  /** The pointer sits on a revision already judged Failed or RolledBack (an interrupted revert): move it off. */
  CURRENT_JUDGED,
  /** An accepted ckan.io/rollback-to request: bring its revision up, verify it, move the pointer. */
  ROLLBACK,
  /** No retained revision has the spec's fingerprint: create one. */
  NEW_REVISION,
  /** The spec's revision was judged and a new ckan.io/retry token asks to try it again. */
  RETRY,
  /** The spec's revision waits for its image: start, join or wait for the build. */
  BUILDING,
  /** The spec's revision has its image but not its schema: run, wait for or record its migration Job. */
  MIGRATING,
  /** The spec's revision was judged and is not tried again by itself. */
  JUDGED,
  /**
   * rollout.promotion is manual, another revision serves and the spec's revision is verified: it waits for a
   * person's ckan.io/promote request (Ready=False, AwaitingPromotion); nothing is written.
   */
  AWAITING_PROMOTION,
  /** A new ckan.io/promote request names the revision awaiting promotion: move the pointer to it. */
  PROMOTE,
  /** The spec's revision is not current: bring it up, verify it, then move the pointer. */
  ROLLING_OUT,
  /** The spec's revision is current: scale in place, bake, mark it Stable. */
  STEADY
}
