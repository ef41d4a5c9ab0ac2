package io.ckan.operator.plan;

import io.ckan.operator.contract.Names;
import java.util.EnumSet;
import java.util.Optional;

/** Getting the spec's revision ready to serve: create it, retry it, build its image, migrate its database. */
final class Releases {
  private Releases() {}

  /** NEW_REVISION: the revision exists from now on (config snapshot and Service); Deployments wait for image and schema. */
  static Condition create(Planning p) {
    int next = p.byNumber.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    Step.BuiltImage built = p.builtImage();
    p.requeue = Planning.POLL;
    p.creates.add(new Step.CreateRevision(next, EnumSet.of(Step.ObjectKind.CONFIG_MAP, Step.ObjectKind.SERVICE),
        p.in.replicas()));
    if (p.release.build() != null && built == null) {
      p.states.put(next, new Plan.StateReport(RevisionState.Building, p.release.build().tag()));
      return build(p);
    }
    Optional<Condition> backingUp = Backups.beforeMigration(p, next, null);
    if (backingUp.isPresent()) {
      return backingUp.get();
    }
    p.actions.add(new Step.StartMigration(next, built));
    p.states.put(next, new Plan.StateReport(RevisionState.Migrating, "Created"));
    return Planning.progressing("Migrating", "created revision " + next + " (" + p.release.shortFingerprint()
        + ") for CKAN " + p.release.version() + "; running ckan db upgrade");
  }

  /** RETRY: forget the verdict (and a failed build) so the revision is tried again. */
  static Condition retry(Planning p) {
    ObservedRevision target = p.target;
    p.records.add(new Step.ClearVerdict(target.number(), p.in.retryRequest(), Planning.anchor(target)));
    ObservedBuild failedBuild = p.release.build() == null ? null : p.in.builds().get(p.release.imageFingerprint());
    if (!target.hasDeployment() && failedBuild != null && failedBuild.state() == JobState.FAILED) {
      p.actions.add(new Step.DeleteBuild(failedBuild.jobName()));
    }
    Backups.retry(p, target);
    p.keepWarm.add(target.number());
    return Planning.progressing("RetryRequested", "retrying revision " + target.number() + " (ckan.io/retry="
        + p.in.retryRequest() + ")");
  }

  /** BUILDING: start, join or wait for the build of the release's image; a failed one fails the revision. */
  static Condition build(Planning p) {
    ObservedBuild b = p.in.builds().get(p.release.imageFingerprint());
    String tag = p.release.build().tag();
    if (p.target != null) {
      p.states.put(p.target.number(), new Plan.StateReport(RevisionState.Building, tag));
    }
    if (b == null) {
      p.actions.add(new Step.StartBuild(p.release.imageFingerprint()));
      p.requeue = Planning.POLL;
      return Planning.progressing("Building", "building image " + tag);
    }
    if (!b.owned()) {
      p.actions.add(new Step.AdoptBuild(b.jobName()));
    }
    String logs = "see kubectl logs job/" + b.jobName() + " -n " + p.in.namespace();
    if (b.state() == JobState.RUNNING) {
      p.requeue = Planning.POLL;
      return Planning.progressing("Building", "building image " + tag + " (job " + b.jobName() + ")");
    }
    String why = b.state() == JobState.FAILED ? "build failed: " + b.message()
        : "build succeeded but reported no valid digest: " + b.message();
    if (p.target != null) {
      p.records.add(new Step.RecordVerdict(p.target.number(), Verdict.FAILED, "BuildFailed: " + why + "; " + logs,
          Step.ObjectKind.CONFIG_MAP));
    }
    return Planning.stalled("BuildFailed", "image " + tag + ": " + why + "; " + logs
        + ". It is not rebuilt by itself: fix the spec, or annotate ckan.io/retry=<token> to build again");
  }

  /**
   * MIGRATING: run the revision's migration Job once, before any of its web pods exist; on success put the schema
   * heads on record and go on rolling out (the web Deployment is created in the same plan), on failure fail it.
   */
  static Condition migrate(Planning p) {
    ObservedRevision target = p.target;
    ObservedMigration m = p.in.migrations().get(target.number());
    String job = Names.OfRevision.MIGRATION.of(p.in.instance(), target.number());
    p.states.put(target.number(), new Plan.StateReport(RevisionState.Migrating, "ckan db upgrade"));
    if (m == null) {
      Optional<Condition> backingUp = Backups.beforeMigration(p, target.number(), target.runtime().backup());
      if (backingUp.isPresent()) {
        return backingUp.get();
      }
      p.actions.add(new Step.StartMigration(target.number(), p.builtImage()));
      p.requeue = Planning.POLL;
      return Planning.progressing("Migrating", "running ckan db upgrade for revision " + target.number() + " (job "
          + job + ")");
    }
    if (m.state() == JobState.RUNNING) {
      p.requeue = Planning.POLL;
      return Planning.progressing("Migrating", "waiting for ckan db upgrade of revision " + target.number()
          + " (job " + job + ")");
    }
    if (m.state() == JobState.SUCCEEDED && m.after() != null) {
      p.records.add(new Step.RecordMigration(target.number(), m.before(), m.after()));
      p.migratedNow = true;
      return Rollout.towards(p);
    }
    String why = (m.message() == null || m.message().isBlank() ? "the migration Job failed" : m.message())
        + "; see kubectl logs job/" + job + " -n " + p.in.namespace();
    p.records.add(new Step.RecordVerdict(target.number(), Verdict.FAILED, "MigrationFailed: " + why,
        Step.ObjectKind.CONFIG_MAP));
    return Planning.stalled("MigrationFailed", "revision " + target.number()
        + " failed to migrate the database (" + why + "); " + p.pointerStays());
  }
}
