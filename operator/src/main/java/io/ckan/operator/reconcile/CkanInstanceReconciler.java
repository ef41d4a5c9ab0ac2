package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.health.StatusShow;
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
import io.ckan.operator.resources.Labels;
import io.ckan.operator.resources.Names;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Consumer;

/** observe -> validate -> plan -> apply -> report. All deciding happens in {@link Planner}. */
// Annotation-only updates (rollback requests) must reach the reconciler, so events are not filtered by generation.
@ControllerConfiguration(name = "ckaninstance", generationAwareEventProcessing = false)
public class CkanInstanceReconciler implements Reconciler<CkanInstance> {

  private final Clock clock;
  private final StatusShowProbe probe;
  private final Consumer<String> journal;
  private final Map<Class<?>, InformerEventSource<? extends HasMetadata, CkanInstance>> sources = new HashMap<>();

  public CkanInstanceReconciler(Clock clock, StatusShowProbe probe, Consumer<String> journal) {
    this.clock = clock;
    this.probe = probe;
    this.journal = journal;
  }

  @Override
  public List<EventSource<?, CkanInstance>> prepareEventSources(EventSourceContext<CkanInstance> context) {
    InformerEventSource<Deployment, CkanInstance> deployments = informer(Deployment.class, context);
    InformerEventSource<Service, CkanInstance> services = informer(Service.class, context);
    InformerEventSource<ConfigMap, CkanInstance> configMaps = informer(ConfigMap.class, context);
    // build Jobs are shared by the instances that need the same image: every owner hears about them
    InformerEventSource<Job, CkanInstance> jobs = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Job.class, CkanInstance.class)
            .withName("job")
            .withLabelSelector(Labels.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(CkanInstanceReconciler::allOwners)
            .build(), context);
    sources.put(Deployment.class, deployments);
    sources.put(Service.class, services);
    sources.put(ConfigMap.class, configMaps);
    sources.put(Job.class, jobs);
    return List.of(deployments, services, configMaps, jobs);
  }

  private static <R extends HasMetadata> InformerEventSource<R, CkanInstance> informer(Class<R> type,
      EventSourceContext<CkanInstance> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, CkanInstance.class)
        .withName(type.getSimpleName().toLowerCase())
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(CkanInstance.class))
        .build(), context);
  }

  private static String label(HasMetadata object, String key) {
    return object.getMetadata().getLabels() == null ? null : object.getMetadata().getLabels().get(key);
  }

  private static Set<ResourceID> allOwners(HasMetadata object) {
    if (object.getMetadata().getOwnerReferences() == null) {
      return Set.of();
    }
    return object.getMetadata().getOwnerReferences().stream().filter(o -> "CkanInstance".equals(o.getKind()))
        .map(o -> new ResourceID(o.getName(), object.getMetadata().getNamespace())).collect(Collectors.toSet());
  }

  @SuppressWarnings("unchecked")
  private <R extends HasMetadata> List<R> inNamespace(Class<R> type, String namespace) {
    InformerEventSource<R, CkanInstance> source = (InformerEventSource<R, CkanInstance>) sources.get(type);
    return source.list(namespace, r -> true).toList();
  }

  @Override
  public UpdateControl<CkanInstance> reconcile(CkanInstance instance, Context<CkanInstance> context) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String name = instance.getMetadata().getName();
    ClusterObserver.Observed observed = ClusterObserver.observe(name,
        context.getSecondaryResources(Deployment.class), context.getSecondaryResources(Service.class),
        context.getSecondaryResources(ConfigMap.class));
    CkanInstanceSpec spec = instance.getSpec();
    ReleaseOutcome outcome = ReleaseFactory.from(spec, name);
    if (outcome instanceof ReleaseOutcome.Ready ready) {
      String ns = instance.getMetadata().getNamespace();
      GeneratedSecretsApplier.ensure(context.getClient(), ns, name, spec, journal);
      java.util.Optional<String> missing = SecretCheck.missing(ready.release().secretEnv(), ns,
          secret -> context.getClient().secrets().inNamespace(ns).withName(secret).get());
      if (missing.isPresent()) {
        outcome = new ReleaseOutcome.Blocked("MissingSecret", missing.get());
      }
    }
    RolloutSpec rollout = spec == null || spec.rollout == null ? new RolloutSpec() : spec.rollout;
    int replicas = spec == null || spec.replicas == null ? 1 : spec.replicas;
    Map<String, String> annotations = instance.getMetadata().getAnnotations() == null ? Map.of()
        : instance.getMetadata().getAnnotations();
    boolean paused = spec != null && Boolean.TRUE.equals(spec.paused)
        || "true".equalsIgnoreCase(annotations.get(Labels.PAUSED));
    String namespace = instance.getMetadata().getNamespace();
    List<Job> jobs = inNamespace(Job.class, namespace);
    java.util.function.Function<String, List<io.fabric8.kubernetes.api.model.Pod>> podsOfJob =
        job -> context.getClient().pods().inNamespace(namespace).withLabel("job-name", job).list().getItems();
    // pods are read only for results not on record yet: the wanted image's build, unrecorded migrations
    String wantedImage = outcome instanceof ReleaseOutcome.Ready r && r.release().build() != null
        ? r.release().imageFingerprint() : null;
    Map<String, ObservedBuild> builds = BuildObserver.builds(jobs.stream()
        .filter(j -> Labels.BUILD.equals(label(j, Labels.COMPONENT))).toList(), instance.getMetadata().getUid(),
        wantedImage, podsOfJob);
    Map<String, String> knownImages = BuildObserver.knownImages(inNamespace(Deployment.class, namespace));
    Set<Integer> migrated = observed.revisions().stream().filter(r -> r.runtime().migrated())
        .map(ObservedRevision::number).collect(Collectors.toSet());
    Map<Integer, ObservedMigration> migrations = MigrationObserver.migrations(jobs, name, migrated, podsOfJob);
    Integer workerReplicas = spec == null || spec.workers == null ? null : spec.workers.replicasOrDefault();
    Plan plan = Planner.plan(new PlanInput(namespace, name, outcome, replicas, rollout, paused, observed.revisions(),
        observed.pointer(), verify(instance, observed), annotations.get(Labels.ROLLBACK_TO),
        annotations.get(Labels.RETRY), builds, knownImages, migrations, workerReplicas, now));

    Release release = outcome instanceof ReleaseOutcome.Ready ready ? ready.release() : null;
    StepApplier applier = new StepApplier(context.getClient(), cacheFiller(), journal);
    Owner owner = Owner.of(instance);
    if (release != null) {
      InstanceObjectsApplier.ensure(context.getClient(), applier, owner, spec,
          wanted -> cachedOrRead(wanted, context.getClient()), journal);
    }
    EventRecorder events = new EventRecorder(context.getClient());
    for (Step step : plan.steps()) {
      applier.apply(step, owner, release, rollout.progressDeadlineSecondsOrDefault(), now);
      EventRecorder.forStep(instance, step, now).ifPresent(events::emit);
    }

    stalledEvent(instance, plan, now).ifPresent(events::emit);
    CkanInstanceStatus status = StatusReport.build(instance.getMetadata().getGeneration() == null ? 0
        : instance.getMetadata().getGeneration(), observed, plan, instance.getStatus(), now);
    if (StatusReport.differs(instance.getStatus(), status)) {
      // Status is replaced whole (PUT /status with optimistic locking), never diff-patched: a JSON patch computed
      // against a stale copy could duplicate list entries. The result is cached for the next reconcile.
      PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(instance, context, fresh -> {
        fresh.setStatus(status);
        return fresh;
      });
    }
    UpdateControl<CkanInstance> control = UpdateControl.noUpdate();
    plan.requeueAfter().ifPresent(control::rescheduleAfter);
    return control;
  }

  /** A Warning when the instance becomes Stalled (not on every reconcile while it stays so). */
  private static java.util.Optional<io.fabric8.kubernetes.api.model.Event> stalledEvent(CkanInstance instance,
      Plan plan, Instant now) {
    io.ckan.operator.plan.Condition stalled = plan.condition(io.ckan.operator.plan.Condition.STALLED);
    boolean wasStalled = instance.getStatus() != null && instance.getStatus().conditions != null
        && instance.getStatus().conditions.stream().anyMatch(c -> c.getType().equals(stalled.type())
            && "True".equals(c.getStatus()) && stalled.reason().equals(c.getReason()));
    if (!stalled.status() || wasStalled) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(EventRecorder.event(instance, "Warning", stalled.reason(), stalled.message(), now));
  }

  /** status_show of every revision that serves and is not judged yet (at most the warm ones: a handful). */
  private Map<Integer, Verification.Result> verify(CkanInstance instance, ClusterObserver.Observed observed) {
    Map<Integer, Verification.Result> results = new HashMap<>();
    for (int n : Planner.toProbe(observed.revisions())) {
      ObservedRevision r = observed.revisions().stream().filter(x -> x.number() == n).findFirst().orElseThrow();
      // a Deployment without the operator's start command fails verification whatever CKAN answers: not probed
      StatusShow answer = r.runtime().startedByOperator() ? probe.fetch(instance.getMetadata().getNamespace(),
          Names.revision(instance.getMetadata().getName(), n)) : StatusShow.failed(StatusShow.Outcome.UNREACHABLE,
          "not probed");
      results.put(n, Verification.check(answer, r.version(), r.plugins(), r.runtime().startedByOperator()));
    }
    return results;
  }

  /** The object as the informer cache holds it when its kind is informed, else read from the API server. */
  private HasMetadata cachedOrRead(HasMetadata wanted, io.fabric8.kubernetes.client.KubernetesClient client) {
    InformerEventSource<? extends HasMetadata, CkanInstance> source = sources.get(wanted.getClass());
    if (source == null) {
      return client.resource(wanted).get();
    }
    return source.get(ResourceID.fromResource(wanted)).orElse(null);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private StepApplier.WriteListener cacheFiller() {
    return new StepApplier.WriteListener() {
      @Override
      public void created(HasMetadata object) {
        InformerEventSource source = sources.get(object.getClass());
        if (source != null) {
          source.handleRecentResourceCreate(ResourceID.fromResource(object), object);
        }
      }

      @Override
      public void updated(HasMetadata object) {
        InformerEventSource source = sources.get(object.getClass());
        if (source != null) {
          ResourceID id = ResourceID.fromResource(object);
          Object previous = source.get(id).orElse(null);
          if (previous == null) {
            source.handleRecentResourceCreate(id, object);
          } else {
            source.handleRecentResourceUpdate(id, object, (HasMetadata) previous);
          }
        }
      }
    };
  }
}
