package io.ckan.operator.plan;

import io.ckan.operator.api.HistoryEntry;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One idempotent write the reconciler performs. Steps are applied in plan order. */
public sealed interface Step {

  enum ObjectKind { CONFIG_MAP, SERVICE, DEPLOYMENT, WORKER }

  /**
   * An image the operator built: what the revision's Deployment runs, the commits its git refs resolved to, and its
   * locked set ({@code LockedSet.encode}d {@code pip freeze --all}, null when the build reported none).
   */
  record BuiltImage(String image, Map<String, String> commits, String lock) {
    public BuiltImage(String image, Map<String, String> commits) {
      this(image, commits, null);
    }
  }

  /**
   * Create the missing objects of the desired release's revision (all three for a new revision; ConfigMap and Service
   * first while its image is being built). {@code built} is set when the release's image was built by the operator.
   */
  record CreateRevision(int revision, Set<ObjectKind> missing, int replicas, BuiltImage built) implements Step {
    public CreateRevision(int revision, Set<ObjectKind> missing, int replicas) {
      this(revision, missing, replicas, null);
    }
  }

  /** Run {@code ckan db upgrade} for the revision, with its image, config and plugins, before any web pod exists. */
  record StartMigration(int revision, BuiltImage built) implements Step {}

  /** Take backup {@code name} of the databases before the revision's migration (its backup Job). */
  record StartBackup(int revision, String name) implements Step {}

  /** Put the backup taken before the revision's migration on its ConfigMap (the backup Job succeeded). */
  record RecordBackup(int revision, String name) implements Step {}

  /** Delete a backup Job: beyond the retention count, or failed and retried. */
  record DeleteBackup(String jobName, String why) implements Step {}

  /** Store the revision's schema heads on its ConfigMap (its migration succeeded). */
  record RecordMigration(int revision, String before, String after) implements Step {}

  /** Scale the revision's worker Deployment; workers follow the pointer. */
  record ScaleWorkers(int revision, int replicas, String why) implements Step {}

  /** Start the build Job (and its Dockerfile ConfigMap) for the release's image fingerprint. */
  record StartBuild(String imageFingerprint) implements Step {}

  /** Add this instance to the owners of a build another instance started (one build per image, shared). */
  record AdoptBuild(String jobName) implements Step {}

  /** Store the build's result on the Job, the namespace's cache of built images. */
  record RecordBuildResult(String jobName, BuiltImage built) implements Step {}

  /** Delete a failed build Job so a retry request can build again. */
  record DeleteBuild(String jobName) implements Step {}

  /** Change replicas in place (scale down, or the live revision's replicas). */
  record Scale(int revision, int replicas, String why) implements Step {}

  /** Scale a revision up for a new attempt; its progress deadline starts now. */
  record BringUp(int revision, int replicas, String why) implements Step {}

  /**
   * Point the stable Service at {@code to}, recording the move in its history and, for a manual rollback or a
   * promotion, the request it answers (one write).
   */
  record MovePointer(int to, Integer from, List<HistoryEntry> history, String handledRollback,
      String expectedVersion, String handledPromotion) implements Step {
    public MovePointer(int to, Integer from, List<HistoryEntry> history, String handledRollback,
        String expectedVersion) {
      this(to, from, history, handledRollback, expectedVersion, null);
    }

    public MovePointer(int to, Integer from, List<HistoryEntry> history, String handledRollback) {
      this(to, from, history, handledRollback, null);
    }

    public MovePointer(int to, Integer from, List<HistoryEntry> history) {
      this(to, from, history, null, null);
    }
  }

  /**
   * Remember a rollback request that needed no pointer move: it named the current revision, or it was refused
   * ({@code rejection} says why), so it never fires later.
   */
  record RecordRollbackHandled(String request, String rejection) implements Step {
    public RecordRollbackHandled(String request) {
      this(request, null);
    }
  }

  /**
   * Remember a ckan.io/promote request that moved nothing: it named the current revision, or it was refused
   * ({@code rejection} says why), so it never fires later.
   */
  record RecordPromotionHandled(String request, String rejection) implements Step {}

  /** Point a hand-edited pointer selector back at the revision the operator's record names. */
  record RepairPointer(int revision, String expectedVersion) implements Step {}

  /** Write the revision's verdict; on its Deployment, or on its ConfigMap while it has none (a failed build). */
  record RecordVerdict(int revision, Verdict verdict, String reason, ObjectKind on) implements Step {
    public RecordVerdict(int revision, Verdict verdict, String reason) {
      this(revision, verdict, reason, ObjectKind.DEPLOYMENT);
    }
  }

  /** A retry request: forget the revision's verdict so it is tried again, and remember the request. */
  record ClearVerdict(int revision, String retryToken, ObjectKind on) implements Step {
    public ClearVerdict(int revision, String retryToken) {
      this(revision, retryToken, ObjectKind.DEPLOYMENT);
    }
  }

  /** Delete every object of the revision: worker and web Deployments, migration Job, Service, ConfigMap. */
  record Prune(int revision) implements Step {}
}
