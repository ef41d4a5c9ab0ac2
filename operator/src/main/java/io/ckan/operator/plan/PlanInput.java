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
 * @param migrations      migration Jobs of this instance, by revision
 * @param workerReplicas  worker replicas of the serving revision, or null when the spec has no workers
 * @param backupRetention backups kept when spec.backup is set and enabled; null: no backups before migrations
 * @param backups         backup Jobs of this instance, by revision
 * @param promoteRequest  the {@code ckan.io/promote} annotation, or null
 */
public record PlanInput(
    String namespace,
    String instance,
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
    Map<Integer, ObservedMigration> migrations,
    Integer workerReplicas,
    Instant now,
    Integer backupRetention,
    Map<Integer, ObservedBackup> backups,
    String promoteRequest) {

  /** This input with a ckan.io/promote annotation. */
  public PlanInput withPromoteRequest(String request) {
    return new PlanInput(namespace, instance, outcome, replicas, rollout, paused, revisions, pointer, health,
        rollbackRequest, retryRequest, builds, knownImages, migrations, workerReplicas, now, backupRetention, backups,
        request);
  }

  public PlanInput {
    backups = backups == null ? Map.of() : backups;
    health = health == null ? Map.of() : health;
    builds = builds == null ? Map.of() : builds;
    knownImages = knownImages == null ? Map.of() : knownImages;
    migrations = migrations == null ? Map.of() : migrations;
  }

  /** Without a promote request. */
  public PlanInput(String namespace, String instance, ReleaseOutcome outcome, int replicas, RolloutSpec rollout,
      boolean paused, List<ObservedRevision> revisions, Optional<Pointer> pointer,
      Map<Integer, Verification.Result> health, String rollbackRequest, String retryRequest,
      Map<String, ObservedBuild> builds, Map<String, String> knownImages, Map<Integer, ObservedMigration> migrations,
      Integer workerReplicas, Instant now, Integer backupRetention, Map<Integer, ObservedBackup> backups) {
    this(namespace, instance, outcome, replicas, rollout, paused, revisions, pointer, health, rollbackRequest,
        retryRequest, builds, knownImages, migrations, workerReplicas, now, backupRetention, backups, null);
  }

  /** Without backups. */
  public PlanInput(String namespace, String instance, ReleaseOutcome outcome, int replicas, RolloutSpec rollout,
      boolean paused, List<ObservedRevision> revisions, Optional<Pointer> pointer,
      Map<Integer, Verification.Result> health, String rollbackRequest, String retryRequest,
      Map<String, ObservedBuild> builds, Map<String, String> knownImages, Map<Integer, ObservedMigration> migrations,
      Integer workerReplicas, Instant now) {
    this(namespace, instance, outcome, replicas, rollout, paused, revisions, pointer, health, rollbackRequest,
        retryRequest, builds, knownImages, migrations, workerReplicas, now, null, Map.of(), null);
  }

  public PlanInput(ReleaseOutcome outcome, int replicas, RolloutSpec rollout, boolean paused,
      List<ObservedRevision> revisions, Optional<Pointer> pointer, Instant now) {
    this("default", "portal", outcome, replicas, rollout, paused, revisions, pointer, Map.of(), null, null, Map.of(), Map.of(),
        null, null, now);
  }

  public PlanInput(ReleaseOutcome outcome, int replicas, RolloutSpec rollout, boolean paused,
      List<ObservedRevision> revisions, Optional<Pointer> pointer, Map<Integer, Verification.Result> health,
      String rollbackRequest, String retryRequest, Instant now) {
    this("default", "portal", outcome, replicas, rollout, paused, revisions, pointer, health, rollbackRequest, retryRequest,
        Map.of(), Map.of(), null, null, now);
  }
}
