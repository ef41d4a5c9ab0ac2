package io.ckan.operator.plan;

import io.ckan.operator.api.HistoryEntry;
import java.util.List;
import java.util.Set;

/** One idempotent write the reconciler performs. Steps are applied in plan order. */
public sealed interface Step {

  enum ObjectKind { CONFIG_MAP, SERVICE, DEPLOYMENT }

  /** Create the missing objects of the desired release's revision (all three for a new revision). */
  record CreateRevision(int revision, Set<ObjectKind> missing, int replicas) implements Step {}

  /** Change replicas in place (scale down, or the live revision's replicas). */
  record Scale(int revision, int replicas, String why) implements Step {}

  /** Scale a revision up for a new attempt; its progress deadline starts now. */
  record BringUp(int revision, int replicas, String why) implements Step {}

  /**
   * Point the stable Service at {@code to}, recording the move in its history and, for a manual rollback, the request
   * it answers (one write).
   */
  record MovePointer(int to, Integer from, List<HistoryEntry> history, String handledRollback) implements Step {
    public MovePointer(int to, Integer from, List<HistoryEntry> history) {
      this(to, from, history, null);
    }
  }

  /** Remember a rollback request that needed no pointer move (it named the current revision). */
  record RecordRollbackHandled(String request) implements Step {}

  record RecordVerdict(int revision, Verdict verdict, String reason) implements Step {}

  /** A retry request: forget the revision's verdict so it is tried again, and remember the request. */
  record ClearVerdict(int revision, String retryToken) implements Step {}

  /** Delete the revision's Deployment, Service and ConfigMap. */
  record Prune(int revision) implements Step {}
}
