package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.contract.Names;
import io.ckan.operator.contract.Reasons;
import io.ckan.operator.plan.Condition;
import io.ckan.operator.plan.Plan;
import io.ckan.operator.plan.Step;
import io.ckan.operator.plan.Verdict;
import java.util.Optional;

/**
 * Which decision deserves an Event, and what it says (pure). Each decision is a step the plan writes once (a step is
 * not planned again once its write is on record), or a condition the status did not already show: so a stuck
 * instance, reconciled again and again, gets its Event once, not once per reconcile.
 */
final class DecisionEvents {
  private DecisionEvents() {}

  static final String NORMAL = "Normal";
  static final String WARNING = "Warning";

  /** What an Event says: its type, reason and message. */
  record Notice(String type, String reason, String message) {}

  /** The Event a step of instance {@code instance} deserves, if any. */
  static Optional<Notice> forStep(String instance, Step step) {
    if (step instanceof Step.CreateRevision c && c.missing().contains(Step.ObjectKind.CONFIG_MAP)) {
      return normal("RevisionCreated", "created revision " + c.revision() + " (config snapshot and Service "
          + Names.revision(instance, c.revision()) + ")");
    }
    if (step instanceof Step.StartBuild b) {
      return normal("BuildStarted", "building image " + b.imageFingerprint().substring(0, 12) + " in job "
          + Names.build(b.imageFingerprint()));
    }
    if (step instanceof Step.AdoptBuild a) {
      return normal("BuildJoined", "waiting for job " + a.jobName() + ", which already builds the same image");
    }
    if (step instanceof Step.RecordBuildResult r) {
      return normal("BuildPushed", "job " + r.jobName() + " built and pushed " + r.built().image());
    }
    if (step instanceof Step.DeleteBuild d) {
      return normal("BuildDeleted", "deleted failed job " + d.jobName() + " to build again");
    }
    if (step instanceof Step.StartMigration m) {
      return normal("MigrationStarted", "running ckan db upgrade for revision " + m.revision() + " in job "
          + Names.OfRevision.MIGRATION.of(instance, m.revision()));
    }
    if (step instanceof Step.RecordMigration m) {
      return normal("MigrationSucceeded", "revision " + m.revision() + " migrated the database: schema head "
          + (m.before() == null || m.before().isEmpty() ? "(empty database)" : m.before()) + " -> " + m.after());
    }
    if (step instanceof Step.StartBackup b) {
      return normal("BackupStarted", "backing up the database as " + b.name() + " before the migration of revision "
          + b.revision());
    }
    if (step instanceof Step.RecordBackup b) {
      return normal("BackupSucceeded", "backup " + b.name() + " taken before the migration of revision "
          + b.revision());
    }
    if (step instanceof Step.RecordVerdict v) {
      return verdict(v);
    }
    if (step instanceof Step.MovePointer m) {
      HistoryEntry entry = m.history().get(m.history().size() - 1);
      return Optional.of(new Notice(entry.type.equals(Reasons.DEPLOY) ? NORMAL : WARNING, "Pointer" + entry.type,
          "pointer moved " + (m.from() == null ? "" : "from revision " + m.from() + " ") + "to revision " + m.to()
              + ": " + entry.reason));
    }
    if (step instanceof Step.BringUp b && b.why().startsWith("rollback")) {
      return normal("RollbackRequested", "bringing revision " + b.revision() + " up for a rollback (" + b.why()
          + "); the pointer moves once it is verified");
    }
    if (step instanceof Step.RecordRollbackHandled h) {
      return h.rejection() == null
          ? normal("RollbackHandled", "ckan.io/rollback-to=" + h.request() + " names the current revision: "
              + "nothing to do")
          : Optional.of(new Notice(WARNING, "RollbackRejected", h.rejection()));
    }
    if (step instanceof Step.RecordPromotionHandled h) {
      return Optional.of(new Notice(WARNING, Reasons.PROMOTION_REJECTED, h.rejection()));
    }
    if (step instanceof Step.ClearVerdict c) {
      return normal("RetryRequested", "retrying revision " + c.revision() + " (ckan.io/retry=" + c.retryToken()
          + ")");
    }
    if (step instanceof Step.RepairPointer r) {
      return Optional.of(new Notice(WARNING, "PointerRepaired", "the pointer Service's selector was edited; "
          + "set back to revision " + r.revision()));
    }
    if (step instanceof Step.Prune p) {
      return normal("RevisionPruned", "deleted the objects of revision " + p.revision()
          + " (older than rollout.revisionHistoryLimit keeps)");
    }
    return Optional.empty();
  }

  /** The Event that reports a minor upgrade: when the step creates the revision that moves to a later line. */
  static Optional<Notice> forMinorUpgrade(Step step, String liveVersion, String targetVersion,
      io.ckan.operator.currency.ReleaseLines lines) {
    if (!(step instanceof Step.CreateRevision c && c.missing().contains(Step.ObjectKind.CONFIG_MAP))) {
      return Optional.empty();
    }
    return io.ckan.operator.currency.PatchCurrency.minorUpgrade(liveVersion, targetVersion, lines)
        .map(message -> new Notice(NORMAL, MINOR_UPGRADE, "revision " + c.revision() + ": " + message));
  }

  static final String MINOR_UPGRADE = "MinorUpgrade";

  /** Failed and rolled-back verdicts warn (naming the cause); Stable says the revision was verified and baked. */
  private static Optional<Notice> verdict(Step.RecordVerdict v) {
    if (v.verdict() == Verdict.STABLE) {
      return normal("RevisionVerified", "revision " + v.revision() + " is verified and Stable");
    }
    return Optional.of(new Notice(WARNING, "Revision" + v.verdict().value(), "revision " + v.revision() + " "
        + (v.verdict() == Verdict.FAILED ? "failed" : "rolled back") + ": " + v.reason()));
  }

  /**
   * Events for the conditions this plan reports that the previous status did not: Stalled with a new reason (invalid
   * spec, name conflict, missing Secret, build or migration failure, ...), and entering or leaving a pause.
   */
  static java.util.List<Notice> forConditions(CkanInstanceStatus previous, Plan plan) {
    java.util.List<Notice> notices = new java.util.ArrayList<>();
    Condition stalled = plan.condition(Condition.STALLED);
    if (stalled.status() && !shows(previous, Condition.STALLED, "True", stalled.reason())) {
      notices.add(new Notice(WARNING, stalled.reason(), stalled.message()));
    }
    Condition ready = plan.condition(Condition.READY);
    if (Reasons.AWAITING_PROMOTION.equals(ready.reason()) && !ready.status()
        && !shows(previous, Condition.READY, "False", Reasons.AWAITING_PROMOTION)) {
      notices.add(new Notice(NORMAL, Reasons.AWAITING_PROMOTION, ready.message()));
    }
    boolean paused = Reasons.PAUSED.equals(plan.condition(Condition.READY).reason());
    boolean wasPaused = shows(previous, Condition.READY, "False", Reasons.PAUSED);
    if (paused && !wasPaused) {
      notices.add(new Notice(NORMAL, Reasons.PAUSED, plan.condition(Condition.READY).message()));
    } else if (!paused && wasPaused) {
      notices.add(new Notice(NORMAL, "Resumed", "rollouts and reverts go on (spec.paused and ckan.io/paused unset)"));
    }
    return notices;
  }

  /** A failed reconcile's Warning, unless the status already reports the same error (retries with backoff). */
  static Optional<Notice> forError(CkanInstanceStatus previous, String message) {
    boolean same = previous != null && previous.conditions != null && previous.conditions.stream()
        .anyMatch(c -> Condition.READY.equals(c.getType()) && Reasons.RECONCILE_ERROR.equals(c.getReason())
            && message.equals(c.getMessage()));
    return same ? Optional.empty() : Optional.of(new Notice(WARNING, Reasons.RECONCILE_ERROR, message));
  }

  static boolean shows(CkanInstanceStatus status, String type, String value, String reason) {
    return status != null && status.conditions != null && status.conditions.stream().anyMatch(c ->
        type.equals(c.getType()) && value.equals(c.getStatus()) && reason.equals(c.getReason()));
  }

  private static Optional<Notice> normal(String reason, String message) {
    return Optional.of(new Notice(NORMAL, reason, message));
  }
}
