package io.ckan.operator.monitoring;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.contract.Names;
import io.ckan.operator.contract.Reasons;
import io.ckan.operator.plan.Step;
import io.ckan.operator.plan.Verdict;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The operator's domain metrics, all derived in one place from what a reconcile wrote (its applied steps) and from
 * the instances' reported status. Every label has a bounded set of values: reasons are classified into the words
 * below, never copied from messages; only the live-revision gauge is per instance (namespace and name).
 */
public final class DomainMetrics {
  /** Reasons a rollout attempt failed (the verdict reason's first word), anything else is {@code Other}. */
  static final Set<String> FAILURE_REASONS = Set.of("VerificationFailed", "HealthCheckTimeout",
      "ProgressDeadlineExceeded", "BuildFailed", "MigrationFailed");
  /** Failures found while verifying (the verification took this long and failed). */
  private static final Set<String> VERIFICATION_FAILURES = Set.of("VerificationFailed", "HealthCheckTimeout",
      "ProgressDeadlineExceeded");
  private static final String STARTED = "Rollout attempts started";
  private static final String SUCCEEDED = "Rollouts that went live and passed their bake window";
  private static final String FAILED = "Rollout attempts that failed before taking traffic";
  private static final String REVERTS = "Automatic reverts: the pointer moved back during a bake window";
  private static final String ROLLBACKS = "Manual rollback requests answered";
  private static final String PROMOTIONS = "ckan.io/promote requests answered (rollout.promotion: manual)";
  private static final String BUILD = "Release image builds, from the build Job's start to its end";
  private static final String MIGRATION = "Schema migrations, from the migration Job's start to its end";
  private static final String VERIFICATION = "From a revision's bring-up to its verdict";
  private static final String TO_REVERT = "From the event that showed a failure to the pointer write that moved "
      + "the pointer back";
  /** The conditions {@code ckan.instances} counts (PatchCurrent and SupportedLine: patch currency, by status). */
  static final List<String> CONDITIONS = List.of("Ready", "Reconciling", "Stalled", "Available", "RolledBack",
      "PatchCurrent", "SupportedLine");

  /** Cached objects the durations are read from (build and migration Jobs, revision Deployments and ConfigMaps). */
  public interface Objects {
    <T extends HasMetadata> T cached(Class<T> kind, String namespace, String name);
  }

  private final MeterRegistry registry;
  private final BooleanSupplier reportsState;
  private final MultiGauge liveRevision;
  private final MultiGauge instances;

  /**
   * @param reportsState whether this replica reports the instances' state (the gauges): the leader only, so that a
   *                     standby's warm caches do not double what a dashboard sums
   */
  public DomainMetrics(MeterRegistry registry, BooleanSupplier reportsState) {
    this.registry = registry;
    this.reportsState = reportsState;
    this.liveRevision = MultiGauge.builder("ckan.live.revision")
        .description("The revision the instance's pointer Service selects").register(registry);
    this.instances = MultiGauge.builder("ckan.instances")
        .description("CkanInstances by condition and its status").register(registry);
    // every series exists from the start (at 0), so that rate() and increase() see the first one
    for (String reason : List.of("NewRevision", "ReusedRevision", "Retry")) {
      counter("ckan.rollouts.started", STARTED, "reason", reason);
    }
    counter("ckan.rollouts.succeeded", SUCCEEDED);
    FAILURE_REASONS.forEach(reason -> counter("ckan.rollouts.failed", FAILED, "reason", reason));
    counter("ckan.rollouts.failed", FAILED, "reason", "Other");
    for (String reason : List.of("NoAvailableReplicas", "FailedVerification", "Other")) {
      counter("ckan.reverts", REVERTS, "reason", reason);
    }
    for (String outcome : List.of("Done", "Rejected", "Failed", "AlreadyCurrent")) {
      counter("ckan.rollbacks", ROLLBACKS, "outcome", outcome);
    }
    for (String outcome : List.of("Done", "Rejected")) {
      counter("ckan.promotions", PROMOTIONS, "outcome", outcome);
    }
    for (String outcome : List.of("Succeeded", "Failed")) {
      timer("ckan.build.duration", BUILD, "outcome", outcome);
      timer("ckan.migration.duration", MIGRATION, "outcome", outcome);
    }
    timer("ckan.verification.duration", VERIFICATION, "outcome", "Verified");
    timer("ckan.verification.duration", VERIFICATION, "outcome", "Failed");
    timer("ckan.failure.to.revert", TO_REVERT);
  }

  /**
   * Counts what one reconcile of {@code instance} wrote; {@code toPointerWrite}: from the first event that reconcile
   * took to its pointer write.
   */
  public void reconciled(CkanInstance instance, List<Step> applied, Instant now, Duration toPointerWrite,
      Objects cluster) {
    String namespace = instance.getMetadata().getNamespace();
    String name = instance.getMetadata().getName();
    boolean rollbackAnswered = applied.stream().anyMatch(s -> s instanceof Step.RecordRollbackHandled);
    for (Step step : applied) {
      if (step instanceof Step.CreateRevision c && c.missing().contains(Step.ObjectKind.CONFIG_MAP)) {
        counter("ckan.rollouts.started", STARTED, "reason", "NewRevision").increment();
      } else if (step instanceof Step.BringUp b && "bring up desired revision".equals(b.why())) {
        counter("ckan.rollouts.started", STARTED, "reason",
            wasJudged(instance, b.revision()) ? "Retry" : "ReusedRevision").increment();
      } else if (step instanceof Step.RecordVerdict v && v.verdict() == Verdict.STABLE) {
        counter("ckan.rollouts.succeeded", SUCCEEDED).increment();
      } else if (step instanceof Step.RecordVerdict v && v.verdict() == Verdict.FAILED) {
        failed(instance, v, rollbackAnswered, now, cluster);
      } else if (step instanceof Step.MovePointer m) {
        moved(namespace, name, m, now, toPointerWrite, cluster);
      } else if (step instanceof Step.RecordRollbackHandled r) {
        String outcome = r.rejection() != null ? "Rejected"
            : applied.stream().anyMatch(s -> s instanceof Step.RecordVerdict v && v.verdict() == Verdict.FAILED)
                ? "Failed" : "AlreadyCurrent";
        counter("ckan.rollbacks", ROLLBACKS, "outcome", outcome).increment();
      } else if (step instanceof Step.RecordPromotionHandled) {
        counter("ckan.promotions", PROMOTIONS, "outcome", "Rejected").increment();
      } else if (step instanceof Step.RecordBuildResult b) {
        job(cluster, namespace, b.jobName()).ifPresent(j -> jobDuration("ckan.build.duration",
            BUILD, j, "Succeeded", now));
      } else if (step instanceof Step.RecordMigration m) {
        job(cluster, namespace, Names.OfRevision.MIGRATION.of(name, m.revision())).ifPresent(j -> jobDuration(
            "ckan.migration.duration", MIGRATION, j,
            "Succeeded", now));
      }
    }
  }

  private void failed(CkanInstance instance, Step.RecordVerdict v, boolean rollback, Instant now, Objects cluster) {
    String namespace = instance.getMetadata().getNamespace();
    String name = instance.getMetadata().getName();
    String reason = reasonOf(v.reason());
    if (rollback) {
      return; // a rollback target that failed its checks: counted with the rollbacks
    }
    counter("ckan.rollouts.failed", FAILED, "reason", reason)
        .increment();
    if (VERIFICATION_FAILURES.contains(reason)) {
      attemptStart(cluster, namespace, name, v.revision()).ifPresent(start -> timer("ckan.verification.duration",
          VERIFICATION, "outcome", "Failed").record(between(start, now)));
    } else if ("MigrationFailed".equals(reason)) {
      job(cluster, namespace, Names.OfRevision.MIGRATION.of(name, v.revision())).ifPresent(j -> jobDuration(
          "ckan.migration.duration", MIGRATION, j, "Failed",
          now));
    } else if ("BuildFailed".equals(reason)) {
      ConfigMap config = cluster.cached(ConfigMap.class, namespace, Names.revision(name, v.revision()));
      String image = config == null || config.getMetadata().getAnnotations() == null ? null
          : config.getMetadata().getAnnotations().get(Labels.IMAGE_FINGERPRINT);
      // a shared build is timed once: by its first owner
      Optional.ofNullable(image).flatMap(fp -> job(cluster, namespace, Names.build(fp)))
          .filter(j -> j.getMetadata().getOwnerReferences() != null && !j.getMetadata().getOwnerReferences().isEmpty()
              && instance.getMetadata().getUid().equals(j.getMetadata().getOwnerReferences().get(0).getUid()))
          .ifPresent(j -> jobDuration("ckan.build.duration",
              BUILD, j, "Failed", now));
    }
  }

  private void moved(String namespace, String name, Step.MovePointer m, Instant now, Duration toPointerWrite,
      Objects cluster) {
    HistoryEntry entry = m.history().get(m.history().size() - 1);
    if (m.handledPromotion() != null) {
      // a first pointer move carries a request refused while there was no pointer to record it on
      counter("ckan.promotions", PROMOTIONS, "outcome", m.from() == null ? "Rejected" : "Done").increment();
    }
    if (Reasons.AUTO_REVERT.equals(entry.type)) {
      counter("ckan.reverts", REVERTS, "reason",
          revertReason(entry.reason)).increment();
      timer("ckan.failure.to.revert", TO_REVERT).record(toPointerWrite);
    } else if (Reasons.ROLLBACK.equals(entry.type)) {
      counter("ckan.rollbacks", ROLLBACKS, "outcome", "Done").increment();
    } else if (Reasons.DEPLOY.equals(entry.type)) {
      attemptStart(cluster, namespace, name, m.to()).ifPresent(start -> timer("ckan.verification.duration",
          VERIFICATION, "outcome", "Verified").record(between(start, now)));
    }
  }

  /** Sets the state gauges from the instances as cached (called before each scrape). */
  public void refresh(Collection<CkanInstance> cached) {
    if (!reportsState.getAsBoolean()) {
      liveRevision.register(List.of(), true);
      instances.register(List.of(), true);
      return;
    }
    Map<Tags, Integer> counts = new java.util.LinkedHashMap<>();
    for (String condition : CONDITIONS) {
      for (String status : List.of("True", "False", "Unknown")) {
        counts.put(Tags.of("condition", condition, "status", status), 0);
      }
    }
    List<MultiGauge.Row<?>> live = new java.util.ArrayList<>();
    for (CkanInstance ci : cached) {
      var status = ci.getStatus();
      for (String condition : CONDITIONS) {
        String value = status == null || status.conditions == null ? "Unknown" : status.conditions.stream()
            .filter(c -> condition.equals(c.getType())).map(c -> c.getStatus()).findFirst().orElse("Unknown");
        counts.merge(Tags.of("condition", condition, "status", value), 1, Integer::sum);
      }
      if (status != null && status.currentRevision != null) {
        live.add(MultiGauge.Row.of(Tags.of("namespace", ci.getMetadata().getNamespace(), "instance",
            ci.getMetadata().getName()), status.currentRevision));
      }
    }
    liveRevision.register(live, true);
    instances.register(counts.entrySet().stream().<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(e.getKey(),
        e.getValue())).toList(), true);
  }

  // ---- classification: bounded label values ----

  static String reasonOf(String verdictReason) {
    if (verdictReason == null) {
      return "Other";
    }
    int colon = verdictReason.indexOf(':');
    String first = colon < 0 ? verdictReason : verdictReason.substring(0, colon);
    return FAILURE_REASONS.contains(first) ? first : "Other";
  }

  static String revertReason(String historyReason) {
    if (historyReason == null) {
      return "Other";
    }
    if (historyReason.contains("has no available replicas")) {
      return "NoAvailableReplicas";
    }
    return historyReason.contains("failed verification") ? "FailedVerification" : "Other";
  }

  // ---- helpers ----

  private static boolean wasJudged(CkanInstance instance, int revision) {
    return instance.getStatus() != null && instance.getStatus().revisions != null && instance.getStatus().revisions
        .stream().anyMatch(r -> r.number != null && r.number == revision
            && ("Failed".equals(r.state) || "RolledBack".equals(r.state)));
  }

  private static Optional<Job> job(Objects cluster, String namespace, String name) {
    return Optional.ofNullable(cluster.cached(Job.class, namespace, name));
  }

  private static Optional<Instant> attemptStart(Objects cluster, String namespace, String name, int revision) {
    Deployment d = cluster.cached(Deployment.class, namespace, Names.revision(name, revision));
    if (d == null) {
      return Optional.empty();
    }
    Map<String, String> a = d.getMetadata().getAnnotations();
    return Optional.ofNullable(instant(a == null ? null : a.get(Labels.ATTEMPT_STARTED_AT)))
        .or(() -> Optional.ofNullable(instant(d.getMetadata().getCreationTimestamp())));
  }

  private void jobDuration(String name, String description, Job job, String outcome, Instant now) {
    Instant start = job.getStatus() == null ? null : instant(job.getStatus().getStartTime());
    if (start == null) {
      start = instant(job.getMetadata().getCreationTimestamp());
    }
    Instant end = job.getStatus() == null ? null : instant(job.getStatus().getCompletionTime());
    if (end == null && job.getStatus() != null && job.getStatus().getConditions() != null) {
      end = job.getStatus().getConditions().stream().filter(c -> "Failed".equals(c.getType()))
          .map(c -> instant(c.getLastTransitionTime())).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }
    if (start != null) {
      timer(name, description, "outcome", outcome).record(between(start, end == null ? now : end));
    }
  }

  private static Duration between(Instant start, Instant end) {
    Duration d = Duration.between(start, end);
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static Instant instant(String value) {
    try {
      return value == null ? null : Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  private Timer timer(String name, String description, String... tags) {
    return Timer.builder(name).description(description).tags(tags).publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(2)).register(registry);
  }
}
