package io.ckan.operator.cli.kubectl;

/**
 * Who acts next and on what, from the conditions (pure): a person when the instance is Stalled, paused or awaits a
 * promotion, the operator while it is Reconciling, nobody once it is Ready.
 */
final class NextAction {
  private NextAction() {}

  static String of(StatusSnapshot s) {
    if (s.paused()) {
      return "you: rollouts and reverts are paused; kubectl ckan resume " + s.name()
          + " (or set spec.paused to false when the spec pauses it)";
    }
    if (s.conditions().isEmpty()) {
      return "operator: not reconciled yet (is the operator running and watching namespace " + s.namespace() + "?)";
    }
    if (s.generation() != null && s.observedGeneration() != null && s.observedGeneration() < s.generation()) {
      return "operator: spec generation " + s.generation() + " not observed yet (status is of generation "
          + s.observedGeneration() + ")";
    }
    StatusSnapshot.ConditionView stalled = s.condition("Stalled");
    if (stalled != null && "True".equals(stalled.status())) {
      return "you (" + stalled.reason() + "): " + stalled.message();
    }
    StatusSnapshot.ConditionView reconciling = s.condition("Reconciling");
    if (reconciling != null && "True".equals(reconciling.status())) {
      return "operator (" + reconciling.reason() + "): " + reconciling.message();
    }
    StatusSnapshot.ConditionView ready = s.condition("Ready");
    if (ready != null && "True".equals(ready.status())) {
      return "nothing: " + ready.message();
    }
    if (ready != null && io.ckan.operator.contract.Reasons.AWAITING_PROMOTION.equals(ready.reason())) {
      return "you (" + ready.reason() + "): " + ready.message();
    }
    return ready == null ? "operator: no Ready condition yet" : "operator (" + ready.reason() + "): "
        + ready.message();
  }
}
