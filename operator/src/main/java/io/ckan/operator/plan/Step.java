package io.ckan.operator.plan;

import io.ckan.operator.api.HistoryEntry;
import java.util.List;
import java.util.Set;

/** One idempotent write the reconciler performs. Steps are applied in plan order. */
public sealed interface Step {

  enum ObjectKind { CONFIG_MAP, SERVICE, DEPLOYMENT }

  /** Create the missing objects of the desired release's revision (all three for a new revision). */
  record CreateRevision(int revision, Set<ObjectKind> missing, int replicas) implements Step {}

  record Scale(int revision, int replicas, String why) implements Step {}

  /** Point the stable Service at {@code to}, recording the move in its history (one write). */
  record MovePointer(int to, Integer from, List<HistoryEntry> history) implements Step {}

  record RecordVerdict(int revision, Verdict verdict, String reason) implements Step {}

  /** Delete the revision's Deployment, Service and ConfigMap. */
  record Prune(int revision) implements Step {}
}
