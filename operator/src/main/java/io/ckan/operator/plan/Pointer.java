package io.ckan.operator.plan;

import io.ckan.operator.api.HistoryEntry;
import java.time.Instant;
import java.util.List;

/**
 * The pointer Service as observed: the revision its selector names, the one before it, when it moved, and the
 * bounded history of moves (kept in the Service's annotations, written in the same request that moves it).
 */
public record Pointer(int revision, Integer previous, Instant switchedAt, List<HistoryEntry> history) {
  public static final int HISTORY_LIMIT = 20;
}
