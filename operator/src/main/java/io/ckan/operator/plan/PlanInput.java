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
 * @param builds          build Jobs in the namespace, by image fingerprint
 * @param knownImages     image fingerprint -> built image any retained revision in the namespace runs (the cache)
 */
public record PlanInput(
    String namespace,
    ReleaseOutcome outcome,
    int replicas,
    RolloutSpec rollout,
    boolean paused,
    List<ObservedRevision> revisions,
    Optional<Pointer> pointer,
    Map<Integer, Verification.Result> health,
    String rollbackRequest,
    String retryRequest,
    Map<String, ObservedBuild> builds,
    Map<String, String> knownImages,
    Instant now) {

  public PlanInput(ReleaseOutcome outcome, int replicas, RolloutSpec rollout, boolean paused,
      List<ObservedRevision> revisions, Optional<Pointer> pointer, Instant now) {
    this("default", outcome, replicas, rollout, paused, revisions, pointer, Map.of(), null, null, Map.of(), Map.of(),
        now);
  }

  public PlanInput(ReleaseOutcome outcome, int replicas, RolloutSpec rollout, boolean paused,
      List<ObservedRevision> revisions, Optional<Pointer> pointer, Map<Integer, Verification.Result> health,
      String rollbackRequest, String retryRequest, Instant now) {
    this("default", outcome, replicas, rollout, paused, revisions, pointer, health, rollbackRequest, retryRequest,
        Map.of(), Map.of(), now);
  }
}
