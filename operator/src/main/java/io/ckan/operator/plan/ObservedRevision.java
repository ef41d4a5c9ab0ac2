package io.ckan.operator.plan;

import java.time.Instant;

/**
 * One revision as the cluster shows it: the objects labelled {@code ckan.io/revision=N}, grouped.
 *
 * @param fingerprint        from the objects' {@code ckan.io/fingerprint} annotation
 * @param specReplicas       the Deployment's spec.replicas (0 without a Deployment)
 * @param rolledOut          the Deployment controller has observed the latest spec (observedGeneration)
 * @param deadlineExceeded   Progressing=False with reason ProgressDeadlineExceeded
 */
public record ObservedRevision(
    int number,
    String fingerprint,
    String image,
    String version,
    Instant createdAt,
    boolean hasDeployment,
    boolean hasService,
    boolean hasConfigMap,
    int specReplicas,
    int availableReplicas,
    int updatedReplicas,
    boolean rolledOut,
    boolean deadlineExceeded,
    Verdict verdict,
    String verdictReason) {

  public boolean complete() {
    return hasDeployment && hasService && hasConfigMap;
  }

  /** All wanted replicas of the current spec are up and available. */
  public boolean availableAt(int replicas) {
    return hasDeployment && replicas > 0 && specReplicas == replicas && rolledOut
        && updatedReplicas >= replicas && availableReplicas >= replicas;
  }

  public boolean serving() {
    return hasDeployment && availableReplicas > 0;
  }
}
