package io.ckan.operator.plan;

import io.ckan.operator.api.HistoryEntry;
import java.time.Instant;
import java.util.List;

/**
 * The pointer Service as observed: the revision it points at, the one before it, when it moved, the bounded history of
 * moves and the last rollback request acted on (all in the Service's annotations, written in the same request that
 * moves it).
 *
 * @param revision         the revision the operator last pointed it at (its own record: the last history entry)
 * @param rejectedRollback why the last handled rollback request was refused, or null
 * @param resourceVersion  the version the plan was made from: the move is refused (409) if the Service changed since
 * @param selectorIntact   the selector is exactly what the operator wrote for {@code revision} (no hand edit)
 * @param handledPromotion the last ckan.io/promote request acted on (promoted, or refused), or null
 * @param rejectedPromotion why that promote request was refused, or null
 */
public record Pointer(int revision, Integer previous, Instant switchedAt, List<HistoryEntry> history,
    String handledRollback, String rejectedRollback, String resourceVersion, boolean selectorIntact,
    String handledPromotion, String rejectedPromotion) {
  public static final int HISTORY_LIMIT = 20;

  public Pointer(int revision, Integer previous, Instant switchedAt, List<HistoryEntry> history,
      String handledRollback, String rejectedRollback, String resourceVersion, boolean selectorIntact) {
    this(revision, previous, switchedAt, history, handledRollback, rejectedRollback, resourceVersion, selectorIntact,
        null, null);
  }

  public Pointer(int revision, Integer previous, Instant switchedAt, List<HistoryEntry> history,
      String handledRollback) {
    this(revision, previous, switchedAt, history, handledRollback, null, null, true);
  }

  public Pointer(int revision, Integer previous, Instant switchedAt, List<HistoryEntry> history) {
    this(revision, previous, switchedAt, history, null);
  }
}
