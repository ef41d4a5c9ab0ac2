package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.plan.Plan;
import io.ckan.operator.plan.Step;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events for the decisions a person wants to see in {@code kubectl describe ckan} (which ones, and what
 * they say: {@link DecisionEvents}). Best effort: an Event that cannot be written never fails a reconcile.
 */
final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  static final String COMPONENT = "ckan-operator";

  private final KubernetesClient client;

  EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  /** The Event a step deserves, if any (see {@link DecisionEvents}). */
  static Optional<Event> forStep(CkanInstance instance, Step step, Instant now) {
    return DecisionEvents.forStep(instance.getMetadata().getName(), step).map(n -> event(instance, n, now));
  }

  /** The Events of conditions this plan reports and the instance's status did not show yet. */
  static List<Event> forConditions(CkanInstance instance, Plan plan, Instant now) {
    return DecisionEvents.forConditions(instance.getStatus(), plan).stream().map(n -> event(instance, n, now))
        .toList();
  }

  /** A failed reconcile's Warning, once per distinct error the status does not already show. */
  static Optional<Event> forError(CkanInstance instance, String message, Instant now) {
    return DecisionEvents.forError(instance.getStatus(), message).map(n -> event(instance, n, now));
  }

  static Event event(CkanInstance instance, DecisionEvents.Notice notice, Instant now) {
    return event(instance, notice.type(), notice.reason(), notice.message(), now);
  }

  static Event event(CkanInstance instance, String type, String reason, String message, Instant now) {
    String time = now.toString();
    return new EventBuilder()
        .withNewMetadata()
          .withName(instance.getMetadata().getName() + "." + Long.toHexString(now.toEpochMilli())
              + java.util.UUID.randomUUID().toString().substring(0, 8))
          .withNamespace(instance.getMetadata().getNamespace())
        .endMetadata()
        .withNewInvolvedObject()
          .withApiVersion(CkanInstance.GROUP + "/" + CkanInstance.VERSION)
          .withKind("CkanInstance")
          .withName(instance.getMetadata().getName())
          .withNamespace(instance.getMetadata().getNamespace())
          .withUid(instance.getMetadata().getUid())
        .endInvolvedObject()
        .withType(type)
        .withReason(reason)
        .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .withFirstTimestamp(time)
        .withLastTimestamp(time)
        .withCount(1)
        .build();
  }

  void emit(Event event) {
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("could not record event {}: {}", event.getReason(), e.getMessage());
    }
  }
}
