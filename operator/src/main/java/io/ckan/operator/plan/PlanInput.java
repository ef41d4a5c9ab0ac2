package io.ckan.operator.plan;

import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.health.Verification;
import io.ckan.operator.release.ReleaseOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the planner looks at: the spec's release, the person's requests (annotations) and what the cluster holds.
 *
 * @param health          status_show verification of the revisions that were probed (see {@link Planner#toProbe})
 * @param rollbackRequest the {@code ckan.io/rollback-to} annotation, or null
 * @param retryRequest    the {@code ckan.io/retry} annotation, or null
 */
public record PlanInput(
    ReleaseOutcome outcome,
    int replicas,
    RolloutSpec rollout,
    boolean paused,
    List<ObservedRevision> revisions,
    Optional<Pointer> pointer,
    Map<Integer, Verification.Result> health,
    String rollbackRequest,
    String retryRequest,
    Instant now) {

  public PlanInput(ReleaseOutcome outcome, int replicas, RolloutSpec rollout, boolean paused,
      List<ObservedRevision> revisions, Optional<Pointer> pointer, Instant now) {
    this(outcome, replicas, rollout, paused, revisions, pointer, Map.of(), null, null, now);
  }
}
