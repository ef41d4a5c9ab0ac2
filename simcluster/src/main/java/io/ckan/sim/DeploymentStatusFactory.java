package io.ckan.sim;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a {@link SimulatedPods.Snapshot} into the Deployment status the real Deployment controller would write:
 * zero counts omitted, Available / Progressing conditions with the upstream reasons, condition timestamps kept from
 * the stored status while a condition does not change (so re-asserting is idempotent).
 */
final class DeploymentStatusFactory {

  private DeploymentStatusFactory() {
  }

  static DeploymentStatus build(Deployment deployment, SimulatedPods.Snapshot s, String replicaSetName, Instant now) {
    DeploymentStatus stored = deployment.getStatus();
    int minAvailable = s.desired() - maxUnavailable(deployment.getSpec(), s.desired());
    boolean available = s.desired() == 0 || s.available() >= minAvailable;
    DeploymentCondition availableCondition = available
        ? condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
        : condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.");
    DeploymentCondition progressing;
    if (s.complete()) {
      progressing = condition("Progressing", "True", "NewReplicaSetAvailable",
          "ReplicaSet \"" + replicaSetName + "\" has successfully progressed.");
    } else if (s.deadlineExceeded()) {
      progressing = condition("Progressing", "False", "ProgressDeadlineExceeded",
          "ReplicaSet \"" + replicaSetName + "\" has timed out progressing.");
    } else {
      progressing = condition("Progressing", "True", "ReplicaSetUpdated",
          "ReplicaSet \"" + replicaSetName + "\" is progressing.");
    }
    return new DeploymentStatusBuilder()
        .withObservedGeneration(deployment.getMetadata().getGeneration())
        .withReplicas(nonZero(s.replicas()))
        .withUpdatedReplicas(nonZero(s.updated()))
        .withReadyReplicas(nonZero(s.available()))
        .withAvailableReplicas(nonZero(s.available()))
        .withUnavailableReplicas(nonZero(Math.max(0, s.desired() - s.available())))
        .withConditions(stamp(availableCondition, stored, now), stamp(progressing, stored, now))
        .build();
  }

  /** spec.strategy.rollingUpdate.maxUnavailable resolved against the replica count (default 25%, rounded down). */
  static int maxUnavailable(DeploymentSpec spec, int replicas) {
    Optional<DeploymentStrategy> strategy = Optional.ofNullable(spec).map(DeploymentSpec::getStrategy);
    if (replicas == 0 || strategy.map(DeploymentStrategy::getType).filter("Recreate"::equals).isPresent()) {
      return 0;
    }
    IntOrString value = strategy.map(DeploymentStrategy::getRollingUpdate)
        .map(RollingUpdateDeployment::getMaxUnavailable).orElse(new IntOrString("25%"));
    int result;
    if (value.getIntVal() != null) {
      result = value.getIntVal();
    } else {
      String text = value.getStrVal().trim();
      int percent = Integer.parseInt(text.endsWith("%") ? text.substring(0, text.length() - 1) : text);
      result = replicas * percent / 100;
    }
    return Math.max(0, Math.min(result, replicas));
  }

  private static DeploymentCondition condition(String type, String status, String reason, String message) {
    return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .build();
  }

  /** Keeps the stored timestamps while status (transition time) or status + reason (update time) are unchanged. */
  private static DeploymentCondition stamp(DeploymentCondition wanted, DeploymentStatus stored, Instant now) {
    String nowText = Timestamps.format(now);
    Optional<DeploymentCondition> previous = Optional.ofNullable(stored).map(DeploymentStatus::getConditions)
        .orElse(List.of()).stream().filter(c -> wanted.getType().equals(c.getType())).findFirst();
    boolean sameStatus = previous.map(c -> wanted.getStatus().equals(c.getStatus())).orElse(false);
    boolean sameReason = sameStatus && previous.map(c -> Objects.equals(wanted.getReason(), c.getReason())).orElse(false);
    return new DeploymentConditionBuilder(wanted)
        .withLastTransitionTime(sameStatus ? previous.get().getLastTransitionTime() : nowText)
        .withLastUpdateTime(sameReason ? previous.get().getLastUpdateTime() : nowText)
        .build();
  }

  private static Integer nonZero(int value) {
    return value == 0 ? null : value;
  }
}
