package io.ckan.operator.reconcile;

import io.ckan.operator.contract.Reasons;
import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.RevisionStatus;
import io.ckan.operator.plan.ObservedRevision;
import io.ckan.operator.plan.Plan;
import io.ckan.operator.plan.Pointer;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import io.ckan.operator.plan.Step;

/**
 * Pure: builds status from the plan and the observed objects only, so wiping status loses nothing. The previous
 * status is consulted for one thing: keeping lastTransitionTime when a condition did not change.
 */
public final class StatusReport {
  private StatusReport() {}

  public static CkanInstanceStatus build(long generation, ClusterObserver.Observed observed, Plan plan,
      CkanInstanceStatus previous, Instant now) {
    CkanInstanceStatus status = new CkanInstanceStatus();
    status.observedGeneration = generation;
    status.desiredRevision = plan.desiredRevision();
    Optional<Pointer> pointer = pointerAfter(observed.pointer(), plan, now);
    status.currentRevision = pointer.map(Pointer::revision).orElse(null);
    pointer.ifPresent(p -> {
      status.history = new ArrayList<>(p.history());
      status.lastHandledRollback = p.handledRollback();
      status.lastHandledPromotion = p.handledPromotion();
    });
    List<ObservedRevision> revisions = new ArrayList<>(observed.revisions());
    revisions.sort(Comparator.comparingInt(ObservedRevision::number).reversed());
    for (ObservedRevision r : revisions) {
      RevisionStatus rs = new RevisionStatus();
      rs.number = r.number();
      rs.fingerprint = r.fingerprint();
      rs.image = r.image();
      rs.version = r.version();
      Plan.StateReport state = plan.states().get(r.number());
      if (state != null) {
        rs.state = state.state().name();
        rs.reason = state.reason();
      }
      rs.replicas = r.specReplicas();
      rs.availableReplicas = r.availableReplicas();
      rs.createdAt = r.createdAt() == null ? null : r.createdAt().toString();
      rs.backup = r.runtime().backup();
      status.revisions.add(rs);
    }
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    for (io.ckan.operator.plan.Condition c : plan.conditions()) {
      String statusValue = c.statusValue();
      Condition old = previous == null || previous.conditions == null ? null : previous.conditions.stream()
          .filter(p -> c.type().equals(p.getType())).findFirst().orElse(null);
      String transition = old != null && statusValue.equals(old.getStatus()) && old.getLastTransitionTime() != null
          ? old.getLastTransitionTime() : time;
      status.conditions.add(new ConditionBuilder()
          .withType(c.type())
          .withStatus(statusValue)
          .withReason(c.reason())
          .withMessage(c.message())
          .withObservedGeneration(generation)
          .withLastTransitionTime(transition)
          .build());
    }
    return status;
  }

  /**
   * The status after a reconcile that threw (the API server refused a write, an observation failed): the last report
   * stays, Ready turns False with the error, so a person sees why nothing moves while the framework retries.
   */
  public static CkanInstanceStatus failed(CkanInstanceStatus previous, long generation, String message,
      Instant now) {
    CkanInstanceStatus status = previous == null ? new CkanInstanceStatus()
        : io.fabric8.kubernetes.client.utils.Serialization.clone(previous);
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    status.conditions.removeIf(c -> Objects.equals(c.getType(), io.ckan.operator.plan.Condition.READY));
    status.conditions.add(0, new ConditionBuilder().withType(io.ckan.operator.plan.Condition.READY)
        .withStatus("False").withReason(Reasons.RECONCILE_ERROR).withMessage(message).withObservedGeneration(generation)
        .withLastTransitionTime(time).build());
    return status;
  }


  /**
   * The pointer as the plan's writes leave it: status is written after the steps, so it reports their result (a
   * status that still showed the old history beside the new states would be read as "rolled back, never recorded").
   */
  static Optional<Pointer> pointerAfter(Optional<Pointer> observed, Plan plan, Instant now) {
    Optional<Pointer> pointer = observed;
    for (Step step : plan.steps()) {
      if (step instanceof Step.MovePointer m) {
        String handled = m.handledRollback() != null ? m.handledRollback()
            : pointer.map(Pointer::handledRollback).orElse(null);
        String promoted = m.handledPromotion() != null ? m.handledPromotion()
            : pointer.map(Pointer::handledPromotion).orElse(null);
        pointer = Optional.of(new Pointer(m.to(), m.from(), now, m.history(), handled, null, null, true, promoted,
            null));
      } else if (step instanceof Step.RecordRollbackHandled h && pointer.isPresent()) {
        Pointer p = pointer.get();
        pointer = Optional.of(new Pointer(p.revision(), p.previous(), p.switchedAt(), p.history(), h.request(), null,
            null, true, p.handledPromotion(), null));
      } else if (step instanceof Step.RecordPromotionHandled h && pointer.isPresent()) {
        Pointer p = pointer.get();
        pointer = Optional.of(new Pointer(p.revision(), p.previous(), p.switchedAt(), p.history(),
            p.handledRollback(), null, null, true, h.request(), h.rejection()));
      }
    }
    return pointer;
  }

  /** True when writing {@code next} would change what the API server holds. */
  public static boolean differs(CkanInstanceStatus current, CkanInstanceStatus next) {
    return !sameJson(current, next);
  }

  /** Equal as JSON trees (no text written): the model classes have no equals of their own. */
  static boolean sameJson(Object a, Object b) {
    var json = io.fabric8.kubernetes.client.utils.Serialization.jsonMapper();
    return Objects.equals(a == null ? null : json.valueToTree(a), b == null ? null : json.valueToTree(b));
  }
}
