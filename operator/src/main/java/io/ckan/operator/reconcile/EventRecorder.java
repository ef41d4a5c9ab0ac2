package io.ckan.operator.reconcile;

import io.ckan.operator.contract.Reasons;
import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.plan.Step;
import io.ckan.operator.plan.Verdict;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events for the decisions a person wants to see in {@code kubectl describe ckan}: pointer moves, failed
 * and rolled-back revisions, rejected specs. Best effort: an Event that cannot be written never fails a reconcile.
 */
final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  static final String COMPONENT = "ckan-operator";

  private final KubernetesClient client;

  EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  /** The Event a step deserves, if any. */
  static Optional<Event> forStep(CkanInstance instance, Step step, Instant now) {
    if (step instanceof Step.MovePointer m) {
      HistoryEntry entry = m.history().get(m.history().size() - 1);
      String type = entry.type.equals(Reasons.DEPLOY) ? "Normal" : "Warning";
      return Optional.of(event(instance, type, "Pointer" + entry.type, "pointer moved "
          + (m.from() == null ? "" : "from revision " + m.from() + " ") + "to revision " + m.to() + ": "
          + entry.reason, now));
    }
    if (step instanceof Step.RecordVerdict v && v.verdict() != Verdict.STABLE) {
      return Optional.of(event(instance, "Warning", "Revision" + v.verdict().value(),
          "revision " + v.revision() + " " + v.verdict().value().toLowerCase(Locale.ROOT) + ": " + v.reason(), now));
    }
    return Optional.empty();
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
