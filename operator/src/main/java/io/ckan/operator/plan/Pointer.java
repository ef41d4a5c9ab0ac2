package io.ckan.operator.plan;

import io.ckan.operator.api.HistoryEntry;
import java.time.Instant;
import java.util.List;

/**
 * The pointer Service as observed: the revision its selector names, the one before it, when it moved, the bounded
 * history of moves and the last rollback request acted on (all in the Service's annotations, written in the same
 * request that moves it).
 */
public record Pointer(int revision, Integer previous, Instant switchedAt, List<HistoryEntry> history,
    String handledRollback) {
  public static final int HISTORY_LIMIT = 20;

  public Pointer(int revision, Integer previous, Instant switchedAt, List<HistoryEntry> history) {
    this(revision, previous, switchedAt, history, null);
  }
}
