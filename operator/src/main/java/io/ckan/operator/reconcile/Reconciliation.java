package io.ckan.operator.reconcile;

import io.ckan.operator.contract.Reasons;
import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.currency.PatchCurrency;
import io.ckan.operator.currency.ReleaseLines;
import io.ckan.operator.currency.ReleaseLinesSource;
import io.ckan.operator.health.StatusShow;
import io.ckan.operator.health.HealthSource;
import io.ckan.operator.health.StatusShowProbe;
import io.ckan.operator.health.Verification;
import io.ckan.operator.plan.ObservedBuild;
import io.ckan.operator.plan.ObservedMigration;
import io.ckan.operator.plan.ObservedRevision;
import io.ckan.operator.plan.Plan;
import io.ckan.operator.plan.PlanInput;
import io.ckan.operator.plan.Planner;
import io.ckan.operator.plan.Step;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseFactory;
import io.ckan.operator.release.ReleaseOutcome;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.contract.Names;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One reconcile of one instance: observe -> validate -> plan -> apply -> report. All deciding happens in
 * {@link Planner}; this class reads through a {@link ClusterView} and writes through {@link StepApplier}, so the
 * framework adapter ({@link CkanInstanceReconciler}) and a test driving reconciles directly share every line of it.
 */
public final class Reconciliation {
  /** How often a revision not judged yet (verifying, baking) is checked; the planner asks again as often. */
  static final Duration CHECK_UNJUDGED = Duration.ofSeconds(2);
  /** How often a Stable serving revision is checked. */
  static final Duration CHECK_STABLE = Duration.ofSeconds(30);

  private final Clock clock;
  private final HealthSource health;
  private final Consumer<String> journal;
  private final ReleaseLinesSource releaseLines;

  /** status_show asked synchronously, on the reconciling thread (tests that drive reconciles directly). */
  public Reconciliation(Clock clock, StatusShowProbe probe, Consumer<String> journal) {
    this(clock, HealthSource.synchronous(probe), journal);
  }

  public Reconciliation(Clock clock, HealthSource health, Consumer<String> journal) {
    this(clock, health, journal, ReleaseLinesSource.shippedOnly());
  }

  /** @param releaseLines the release-line table the patch-currency conditions are judged by */
  public Reconciliation(Clock clock, HealthSource health, Consumer<String> journal, ReleaseLinesSource releaseLines) {
    this.clock = clock;
    this.health = health;
    this.journal = journal;
    this.releaseLines = releaseLines;
  }

  /**
   * The status to write (whole), when to reconcile again even without events, the steps this pass wrote, in order
   * (what the operator's domain metrics count), and whether the report should wait for the next pass (this one
   * wrote objects the caches may not show yet: see {@link StatusWrites}; not after a name conflict, which is the
   * decision to report).
   */
  public record Outcome(CkanInstanceStatus status, Optional<Duration> requeueAfter, List<Step> applied,
      boolean wroteObjects) {}

  private static String label(HasMetadata object, String key) {
    return object.getMetadata().getLabels() == null ? null : object.getMetadata().getLabels().get(key);
  }

  /** Observe, validate, plan, apply; returns the status to write and when to look again. */
  public Outcome run(CkanInstance instance, ClusterView view, KubernetesClient client) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String name = instance.getMetadata().getName();
    String uid = instance.getMetadata().getUid();
    CkanInstanceSpec spec = instance.getSpec();
    ReleaseOutcome outcome = ReleaseFactory.from(spec, name);
    // the image this spec needs built, if any: its build Job and the Deployments already running it are looked up
    String wantedImage = outcome instanceof ReleaseOutcome.Ready r && r.release().build() != null
        ? r.release().imageFingerprint() : null;
    List<Job> jobs = view.jobs(wantedImage);
    List<Job> migrationJobs = jobs.stream().filter(j -> Labels.MIGRATE.equals(label(j, Labels.COMPONENT))
        && name.equals(label(j, Labels.INSTANCE)) && Owner.owns(uid, j)).toList();
    ClusterObserver.Observed observed = ClusterObserver.observe(name, view.deployments(), view.services(),
        view.configMaps(), migrationJobs);
    StepApplier applier = new StepApplier(client, view.listener(), view.cache(), journal);
    Owner owner = Owner.of(instance);
    EventRecorder events = new EventRecorder(client);
    // CKAN's health as the health source last heard it (no request to CKAN or the API server on this thread)
    Map<Integer, Verification.Result> health = verify(instance, observed);
    // An automatic revert goes first, before anything is read from the API server: its one pointer write carries
    // the whole decision; Secrets, the instance's other objects, the verdict annotation and the Event follow.
    Optional<Step.MovePointer> revert = revertFirst(instance, observed, spec, outcome, health, now);
    List<Step> applied = new java.util.ArrayList<>();
    revert.ifPresent(step -> {
      applier.apply(step, owner, null, 0, now);
      applied.add(step);
      EventRecorder.forStep(instance, step, now).ifPresent(events::emit);
    });
    String namespace = instance.getMetadata().getNamespace();
    java.util.function.Function<String, List<io.fabric8.kubernetes.api.model.Pod>> podsOfJob =
        job -> client.pods().inNamespace(namespace).withLabel("job-name", job).list().getItems();
    // pods are read only for results not on record yet: the wanted image's build, unrecorded migrations
    String buildWanted = outcome instanceof ReleaseOutcome.Ready ? wantedImage : null;
    Map<String, ObservedBuild> builds = BuildObserver.builds(jobs.stream()
        .filter(j -> Labels.BUILD.equals(label(j, Labels.COMPONENT))).toList(), instance.getMetadata().getUid(),
        buildWanted, podsOfJob);
    Map<String, String> knownImages = wantedImage == null ? Map.of()
        : BuildObserver.knownImages(view.deploymentsWithImage(wantedImage));
    Set<Integer> awaiting = observed.revisions().stream().filter(r -> r.hasConfigMap() && !r.hasDeployment()
        && !r.runtime().migrated() && !r.blocked()).map(ObservedRevision::number).collect(Collectors.toSet());
    Map<Integer, ObservedMigration> migrations = MigrationObserver.migrations(migrationJobs, name, awaiting,
        podsOfJob);
    Map<Integer, io.ckan.operator.plan.ObservedBackup> backups = BackupObserver.backups(jobs.stream()
        .filter(j -> Owner.owns(uid, j)).toList(), name, awaiting.stream().max(Integer::compare).orElse(null),
        podsOfJob);
    PlanInput in = input(instance, spec, outcome, observed, health, builds, knownImages, migrations, now, backups);
    Plan plan = Planner.plan(in);

    // the instance's own objects (managed services, Ingress, uploads volume), each looked up once in the caches:
    // the Secret gate and the applier below share what was found
    Map<String, HasMetadata> instanceObjects = new HashMap<>();
    boolean instanceObjectsMissing = false;
    if (outcome instanceof ReleaseOutcome.Ready) {
      for (HasMetadata object : InstanceObjectsApplier.desired(owner, spec)) {
        HasMetadata current = view.current(object);
        if (current != null) {
          instanceObjects.put(object.getKind() + "/" + object.getMetadata().getName(), current);
        }
        instanceObjectsMissing |= current == null || !NameGuard.mayWrite(owner, current);
      }
    }
    // Secrets are read only when this pass starts or creates something that needs them (never on a settled
    // instance, never before a revert): the generated ones are made if absent, the named ones must exist
    if (outcome instanceof ReleaseOutcome.Ready ready && (needsSecrets(plan) || instanceObjectsMissing)) {
      SecretReads secrets = new SecretReads(client, namespace);
      GeneratedSecretsApplier.ensure(client, namespace, name, spec, secrets, journal);
      Optional<String> missing = SecretCheck.missing(ready.release().secretEnv(), namespace, secrets::get);
      if (missing.isPresent()) {
        outcome = new ReleaseOutcome.Blocked(Reasons.MISSING_SECRET, missing.get());
        in = input(instance, spec, outcome, observed, health, builds, knownImages, migrations, now, backups);
        plan = Planner.plan(in);
      }
    }

    Release release = outcome instanceof ReleaseOutcome.Ready ready ? ready.release() : null;
    ReleaseLines lines = releaseLines.current();
    String liveVersion = observed.pointer().flatMap(p -> observed.revisions().stream()
        .filter(r -> r.number() == p.revision()).findFirst()).map(ObservedRevision::version).orElse(null);
    boolean wrote = revert.isPresent();
    try {
      if (release != null) {
        InstanceObjectsApplier.ensure(client, applier, owner, spec,
            object -> instanceObjects.get(object.getKind() + "/" + object.getMetadata().getName()), journal);
        PreviewIngressesApplier.ensure(client, applier, owner, spec, observed.revisions(), view::current, journal);
      }
      for (Step step : plan.steps()) {
        if (revert.isPresent() && step instanceof Step.MovePointer m && m.to() == revert.get().to()) {
          continue; // written first, above
        }
        if (!BackupApplier.apply(step, applier, client, owner, spec)) {
          applier.apply(step, owner, release, in.rollout().progressDeadlineSecondsOrDefault(), now);
        }
        applied.add(step);
        wrote = true;
        EventRecorder.forStep(instance, step, now).ifPresent(events::emit);
        if (release != null) {
          DecisionEvents.forMinorUpgrade(step, liveVersion, release.version(), lines)
              .ifPresent(n -> events.emit(EventRecorder.event(instance, n, now)));
        }
      }
      // the CronJobs follow the pointer as this pass's steps left it: right after a flip, in the same pass
      wrote |= PeriodicWorkApplier.ensure(client, view, owner, release != null ? spec : null, in.paused(),
          liveAfter(observed, applied), observed.revisions(), jobs, journal);
    } catch (NameGuard.Conflict conflict) {
      // the pass stops where it stands; this report is the decision (written at once), not a pass to wait for
      plan = plan.stalledInstead(Reasons.NAME_CONFLICT, conflict.getMessage());
      wrote = false;
    }

    // patch currency informs and never decides: added to the report after every step is written
    plan = plan.reporting(PatchCurrency.conditions(spec == null ? null : spec.version, lines));
    List<io.fabric8.kubernetes.api.model.Event> announced = EventRecorder.forConditions(instance, plan, now);
    announced.forEach(events::emit);
    // an Event announcing a condition is deduplicated against the status: the status that shows it goes out now
    wrote &= announced.isEmpty();
    CkanInstanceStatus status = StatusReport.build(instance.getMetadata().getGeneration() == null ? 0
        : instance.getMetadata().getGeneration(), observed, plan, instance.getStatus(), now);
    return new Outcome(status, plan.requeueAfter(), List.copyOf(applied), wrote);
  }

  /**
   * The pointer write of an automatic revert, if the situation calls for one whatever the Secrets say: planned from
   * the cached objects and the latest health answers alone (no migrations, builds or pods read), and only when that
   * plan's first step is the revert. The full plan below makes the same step (the same inputs decide it), which is then not written twice.
   */
  private Optional<Step.MovePointer> revertFirst(CkanInstance instance, ClusterObserver.Observed observed,
      CkanInstanceSpec spec, ReleaseOutcome outcome, Map<Integer, Verification.Result> health, Instant now) {
    boolean mayRevert = observed.pointer().isPresent() && observed.revisions().stream()
        .anyMatch(r -> r.number() == observed.pointer().get().revision() && r.verdict() == null);
    if (!mayRevert) {
      return Optional.empty();
    }
    Plan quick = Planner.plan(input(instance, spec, outcome, observed, health, Map.of(), Map.of(), Map.of(), now,
        Map.of()));
    return quick.steps().stream().findFirst().filter(Step.MovePointer.class::isInstance)
        .map(Step.MovePointer.class::cast).filter(m -> !m.history().isEmpty()
            && Reasons.AUTO_REVERT.equals(m.history().get(m.history().size() - 1).type));
  }

  /** The revision the pointer selects once {@code applied} are written. */
  private static Optional<Integer> liveAfter(ClusterObserver.Observed observed, List<Step> applied) {
    Optional<Integer> live = observed.pointer().map(io.ckan.operator.plan.Pointer::revision);
    for (Step step : applied) {
      if (step instanceof Step.MovePointer m) {
        live = Optional.of(m.to());
      } else if (step instanceof Step.RepairPointer r) {
        live = Optional.of(r.revision());
      }
    }
    return live;
  }

  private static PlanInput input(CkanInstance instance, CkanInstanceSpec spec, ReleaseOutcome outcome,
      ClusterObserver.Observed observed, Map<Integer, Verification.Result> health, Map<String, ObservedBuild> builds,
      Map<String, String> knownImages, Map<Integer, ObservedMigration> migrations, Instant now,
      Map<Integer, io.ckan.operator.plan.ObservedBackup> backups) {
    RolloutSpec rollout = spec == null || spec.rollout == null ? new RolloutSpec() : spec.rollout;
    int replicas = spec == null || spec.replicas == null ? 1 : spec.replicas;
    Map<String, String> annotations = instance.getMetadata().getAnnotations() == null ? Map.of()
        : instance.getMetadata().getAnnotations();
    boolean paused = spec != null && Boolean.TRUE.equals(spec.paused)
        || "true".equalsIgnoreCase(annotations.get(Labels.PAUSED));
    Integer workerReplicas = spec == null || spec.workers == null ? null : spec.workers.replicasOrDefault();
    return new PlanInput(instance.getMetadata().getNamespace(), instance.getMetadata().getName(), outcome, replicas,
        rollout, paused, observed.revisions(), observed.pointer(), health, annotations.get(Labels.ROLLBACK_TO),
        annotations.get(Labels.RETRY), builds, knownImages, migrations, workerReplicas, now,
        spec == null || spec.backup == null || !spec.backup.enabledOrDefault() ? null
            : spec.backup.retentionOrDefault(), backups, annotations.get(Labels.PROMOTE));
  }

  /**
   * Steps that start something of a release whose Secrets were not proven since: a new revision (its migration runs
   * with them), a build, a revision scaled up again (a rollback, a retry). Not the Deployment of a revision whose
   * migration just ran with the same Secrets: a Secret deleted in between shows as pods that do not start (the
   * revision fails at its progress deadline), not as MissingSecret, for two reads fewer per rollout.
   */
  static boolean needsSecrets(Plan plan) {
    return plan.steps().stream().anyMatch(s -> s instanceof Step.CreateRevision c
        && c.missing().contains(Step.ObjectKind.CONFIG_MAP) || s instanceof Step.StartMigration
        || s instanceof Step.StartBackup
        || s instanceof Step.StartBuild || s instanceof Step.BringUp
        || s instanceof Step.Scale sc && sc.replicas() > 0 || s instanceof Step.ScaleWorkers w && w.replicas() > 0);
  }

  /**
   * The latest status_show of every revision that serves and is not blocked, as the health source has it (the
   * operator's never makes this thread wait for CKAN); revisions not judged yet are checked every
   * {@link #CHECK_UNJUDGED}, Stable ones every {@link #CHECK_STABLE}. No answer yet counts as pending.
   */
  private Map<Integer, Verification.Result> verify(CkanInstance instance, ClusterObserver.Observed observed) {
    Map<Integer, Verification.Result> results = new HashMap<>();
    String namespace = instance.getMetadata().getNamespace();
    String name = instance.getMetadata().getName();
    Set<HealthSource.Target> wanted = new java.util.HashSet<>();
    for (int n : Planner.toProbe(observed.revisions())) {
      ObservedRevision r = observed.revisions().stream().filter(x -> x.number() == n).findFirst().orElseThrow();
      StatusShow answer;
      if (r.runtime().startedByOperator()) {
        // a Deployment without the operator's start command fails verification whatever CKAN answers: not probed
        HealthSource.Target target = new HealthSource.Target(namespace, name, Names.revision(name, n),
            String.valueOf(r.attemptStartedAt() != null ? r.attemptStartedAt() : r.createdAt()),
            RevisionChecksOfSpec.of(instance.getSpec(), r.version()));
        wanted.add(target);
        answer = health.latest(target, r.verdict() == null ? CHECK_UNJUDGED : CHECK_STABLE)
            .orElseGet(() -> StatusShow.failed(StatusShow.Outcome.UNREACHABLE, "not checked yet"));
      } else {
        answer = StatusShow.failed(StatusShow.Outcome.UNREACHABLE, "not probed");
      }
      results.put(n, Verification.check(answer, r.version(), r.plugins(), r.runtime().startedByOperator()));
    }
    health.retain(namespace, name, wanted);
    return results;
  }


}
