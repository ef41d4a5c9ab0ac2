package io.ckan.operator.cli.kubectl;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.api.RevisionStatus;
import io.ckan.operator.contract.Labels;
import io.fabric8.kubernetes.api.model.Event;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code kubectl ckan status} shows, read from the instance (spec, annotations, status) and its Events:
 * printed as a screen ({@link StatusScreen}) or as YAML/JSON ({@code -o}). Built without any request (pure).
 */
record StatusSnapshot(String name, String namespace, String version, boolean paused, Integer currentRevision,
    Integer desiredRevision, Long generation, Long observedGeneration, List<RevisionStatus> revisions,
    List<ConditionView> conditions, List<HistoryEntry> history, List<EventView> events, String next) {

  /** How many of the newest Events the screen shows. */
  static final int RECENT_EVENTS = 10;

  record ConditionView(String type, String status, String reason, String message, String lastTransitionTime) {}

  record EventView(String type, String reason, String message, String lastSeen, Integer count) {}

  static StatusSnapshot of(CkanInstance ci, List<Event> events) {
    var status = ci.getStatus();
    Map<String, String> annotations = ci.getMetadata().getAnnotations() == null ? Map.of()
        : ci.getMetadata().getAnnotations();
    boolean paused = ci.getSpec() != null && Boolean.TRUE.equals(ci.getSpec().paused)
        || "true".equalsIgnoreCase(annotations.get(Labels.PAUSED));
    List<RevisionStatus> revisions = status == null || status.revisions == null ? List.of()
        : status.revisions.stream().sorted(Comparator.comparing((RevisionStatus r) -> r.number).reversed()).toList();
    List<ConditionView> conditions = status == null || status.conditions == null ? List.of()
        : status.conditions.stream().map(c -> new ConditionView(c.getType(), c.getStatus(), c.getReason(),
            c.getMessage(), c.getLastTransitionTime())).toList();
    List<EventView> recent = events.stream().sorted(Comparator.comparing(StatusSnapshot::lastSeen,
        Comparator.nullsFirst(Comparator.naturalOrder()))).map(e -> new EventView(e.getType(), e.getReason(),
            e.getMessage(), lastSeen(e), e.getCount())).toList();
    recent = recent.subList(Math.max(0, recent.size() - RECENT_EVENTS), recent.size());
    StatusSnapshot partial = new StatusSnapshot(ci.getMetadata().getName(), ci.getMetadata().getNamespace(),
        ci.getSpec() == null ? null : ci.getSpec().version, paused,
        status == null ? null : status.currentRevision, status == null ? null : status.desiredRevision,
        ci.getMetadata().getGeneration(), status == null ? null : status.observedGeneration, revisions, conditions,
        status == null || status.history == null ? List.of() : status.history, recent, null);
    return partial.withNext(NextAction.of(partial));
  }

  private StatusSnapshot withNext(String next) {
    return new StatusSnapshot(name, namespace, version, paused, currentRevision, desiredRevision, generation,
        observedGeneration, revisions, conditions, history, events, next);
  }

  /** When an Event was last seen: its series, lastTimestamp, eventTime or creation, whichever it has. */
  static String lastSeen(Event e) {
    if (e.getSeries() != null && e.getSeries().getLastObservedTime() != null) {
      return e.getSeries().getLastObservedTime().getTime();
    }
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null) {
      return e.getEventTime().getTime();
    }
    return e.getMetadata() == null ? null : e.getMetadata().getCreationTimestamp();
  }

  ConditionView condition(String type) {
    return conditions.stream().filter(c -> type.equals(c.type())).findFirst().orElse(null);
  }

  boolean conditionIs(String type, String value) {
    ConditionView c = condition(type);
    return c != null && value.equals(c.status());
  }
}
