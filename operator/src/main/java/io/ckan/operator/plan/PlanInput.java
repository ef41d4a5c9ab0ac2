package io.ckan.operator.plan;

import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.release.ReleaseOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Everything the planner looks at: the spec's release and what the cluster holds now. */
public record PlanInput(
    ReleaseOutcome outcome,
    int replicas,
    RolloutSpec rollout,
    boolean paused,
    List<ObservedRevision> revisions,
    Optional<Pointer> pointer,
    Instant now) {}
