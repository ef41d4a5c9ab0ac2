package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.health.ScheduledHealthChecks;
import io.ckan.operator.health.StatusShowProbe;
import io.ckan.operator.plan.Planner;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Consumer;

/** observe -> validate -> plan -> apply -> report. All deciding happens in {@link Planner}. */
// Annotation-only updates (rollback requests) must reach the reconciler, so events are not filtered by generation.
@ControllerConfiguration(name = "ckaninstance", generationAwareEventProcessing = false)
public class CkanInstanceReconciler implements Reconciler<CkanInstance>, AutoCloseable {
  /** How many status_show checks may run at once (each may wait up to the probe's timeout). */
  static final int HEALTH_CHECK_PARALLELISM = 4;

  private final Reconciliation reconciliation;
  private final Clock clock;
  private final Map<Class<?>, InformerEventSource<? extends HasMetadata, CkanInstance>> sources = new HashMap<>();
  /** A changed status_show answer reconciles its instance. */
  private final SimpleInboundEventSource<CkanInstance> healthChanges = new SimpleInboundEventSource<>("health");
  private final ScheduledHealthChecks health;
  private final Listener listener;
  /** The CkanInstances as the primary informer caches them (the metrics' state gauges read them). */
  private volatile io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache<CkanInstance> primaries;

  /** Told about every finished reconcile: what it wrote, with the cached objects to read durations from. */
  public interface Listener {
    Listener NONE = (instance, outcome, now, cluster) -> { };

    /** The instance's pointer Service was just written (the reconcile goes on). */
    default void pointerWritten(CkanInstance instance) {
    }

    void reconciled(CkanInstance instance, Reconciliation.Outcome outcome, Instant now,
        io.ckan.operator.monitoring.DomainMetrics.Objects cluster);
  }

  public CkanInstanceReconciler(Clock clock, StatusShowProbe probe, Consumer<String> journal) {
    this(clock, probe, journal, Listener.NONE);
  }

  public CkanInstanceReconciler(Clock clock, StatusShowProbe probe, Consumer<String> journal, Listener listener) {
    this(clock, probe, journal, listener, io.ckan.operator.currency.ReleaseLinesSource.shippedOnly());
  }

  public CkanInstanceReconciler(Clock clock, StatusShowProbe probe, Consumer<String> journal, Listener listener,
      io.ckan.operator.currency.ReleaseLinesSource releaseLines) {
    this.listener = listener;
    this.health = new ScheduledHealthChecks(probe, HEALTH_CHECK_PARALLELISM,
        target -> healthChanges.propagateEvent(new ResourceID(target.instance(), target.namespace())));
    this.reconciliation = new Reconciliation(clock, health, journal, releaseLines);
    this.clock = clock;
  }

  /** The instances as cached now (none before the informers started). */
  public List<CkanInstance> cachedInstances() {
    var cache = primaries;
    return cache == null ? List.of() : cache.list().toList();
  }

  /** Stops the health checks' threads. */
  @Override
  public void close() {
    health.close();
  }

  @Override
  public List<EventSource<?, CkanInstance>> prepareEventSources(EventSourceContext<CkanInstance> context) {
    primaries = context.getPrimaryCache();
    InformerEventSource<Deployment, CkanInstance> deployments = informer(Deployment.class, context);
    InformerEventSource<Service, CkanInstance> services = informer(Service.class, context);
    InformerEventSource<ConfigMap, CkanInstance> configMaps = informer(ConfigMap.class, context);
    // build Jobs are shared by the instances that need the same image: every owner hears about them
    InformerEventSource<Job, CkanInstance> jobs = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Job.class, CkanInstance.class)
            .withName("job")
            .withLabelSelector(Labels.MANAGED_SELECTOR)
            .withItemStore(new PrunedStore<>(Job.class))
            .withSecondaryToPrimaryMapper(CkanInstanceReconciler::allOwners)
            .build(), context);
    jobs.addIndexers(Map.of(JOB_KEYS, CkanInstanceReconciler::jobKeys));
    deployments.addIndexers(Map.of(BUILT_IMAGE, CkanInstanceReconciler::builtImageKeys));
    // the instance's Ingress and uploads volume: cached so a reconcile never reads them (the volume has no owner by
    // default: its events reach no instance, the cache is what matters)
    InformerEventSource<Ingress, CkanInstance> ingresses = informer(Ingress.class, context);
    InformerEventSource<PersistentVolumeClaim, CkanInstance> volumes = informer(PersistentVolumeClaim.class, context);
    // the schedules' CronJobs: a pass reads them from here, and a CronJob edited or deleted by hand is put back
    InformerEventSource<io.fabric8.kubernetes.api.model.batch.v1.CronJob, CkanInstance> cronJobs =
        informer(io.fabric8.kubernetes.api.model.batch.v1.CronJob.class, context);
    sources.put(io.fabric8.kubernetes.api.model.batch.v1.CronJob.class, cronJobs);
    sources.put(Ingress.class, ingresses);
    sources.put(PersistentVolumeClaim.class, volumes);
    sources.put(Deployment.class, deployments);
    sources.put(Service.class, services);
    sources.put(ConfigMap.class, configMaps);
    sources.put(Job.class, jobs);
    return List.of(deployments, services, configMaps, jobs, ingresses, volumes, cronJobs, healthChanges);
  }

  private static <R extends HasMetadata> InformerEventSource<R, CkanInstance> informer(Class<R> type,
      EventSourceContext<CkanInstance> context) {
    return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, CkanInstance.class)
        .withName(type.getSimpleName().toLowerCase())
        .withLabelSelector(Labels.MANAGED_SELECTOR)
        .withItemStore(new PrunedStore<>(type))
        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(CkanInstance.class))
        .build(), context);
  }

  private static Set<ResourceID> allOwners(HasMetadata object) {
    if (object.getMetadata().getOwnerReferences() == null) {
      return Set.of();
    }
    return object.getMetadata().getOwnerReferences().stream().filter(o -> "CkanInstance".equals(o.getKind()))
        .map(o -> new ResourceID(o.getName(), object.getMetadata().getNamespace())).collect(Collectors.toSet());
  }

  // ---- indexes: a reconcile looks its objects up, it never scans the namespace ----

  /** Jobs by owner ("owner:ns/uid", every owner of a shared build) and by the image a build makes ("image:ns/fp"). */
  static final String JOB_KEYS = "jobKeys";
  /** Deployments by the built image they run ("image:ns/fp"; only images the operator built and pinned). */
  static final String BUILT_IMAGE = "builtImage";

  static String ownerKey(String namespace, String uid) {
    return "owner:" + namespace + "/" + uid;
  }

  static String imageKey(String namespace, String imageFingerprint) {
    return "image:" + namespace + "/" + imageFingerprint;
  }

  static List<String> jobKeys(Job job) {
    List<String> keys = new java.util.ArrayList<>();
    String ns = job.getMetadata().getNamespace();
    if (job.getMetadata().getOwnerReferences() != null) {
      job.getMetadata().getOwnerReferences().forEach(o -> keys.add(ownerKey(ns, o.getUid())));
    }
    Map<String, String> a = job.getMetadata().getAnnotations();
    if (a != null && a.get(Labels.IMAGE_FINGERPRINT) != null) {
      keys.add(imageKey(ns, a.get(Labels.IMAGE_FINGERPRINT)));
    }
    return keys;
  }

  static List<String> builtImageKeys(Deployment deployment) {
    Map<String, String> a = deployment.getMetadata().getAnnotations();
    if (a == null || a.get(Labels.IMAGE_FINGERPRINT) == null || !"build".equals(a.get(Labels.IMAGE_SOURCE))) {
      return List.of();
    }
    return List.of(imageKey(deployment.getMetadata().getNamespace(), a.get(Labels.IMAGE_FINGERPRINT)));
  }

  @SuppressWarnings("unchecked")
  private InformerEventSource<Job, CkanInstance> jobSource() {
    return (InformerEventSource<Job, CkanInstance>) sources.get(Job.class);
  }

  @SuppressWarnings("unchecked")
  private InformerEventSource<Deployment, CkanInstance> deploymentSource() {
    return (InformerEventSource<Deployment, CkanInstance>) sources.get(Deployment.class);
  }

  @Override
  public UpdateControl<CkanInstance> reconcile(CkanInstance instance, Context<CkanInstance> context) {
    Reconciliation.Outcome outcome = reconciliation.run(instance, view(instance, context), context.getClient());
    String uid = instance.getMetadata().getUid();
    Instant now = clock.instant();
    StatusWrites.Decision decision = StatusWrites.decide(instance.getStatus(), outcome.status(),
        outcome.wroteObjects(), statusWrittenAt.get(uid), now);
    if (decision.write()) {
      // Status is replaced whole (PUT /status with optimistic locking), never diff-patched: a JSON patch computed
      // against a stale copy could duplicate list entries. The result is cached for the next reconcile.
      PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(instance, context, fresh -> {
        fresh.setStatus(outcome.status());
        return fresh;
      });
      rememberStatusWrite(uid, now);
    }
    listener.reconciled(instance, outcome, clock.instant(), new io.ckan.operator.monitoring.DomainMetrics.Objects() {
      @Override
      public <T extends HasMetadata> T cached(Class<T> kind, String namespace, String name) {
        return kind.cast(CkanInstanceReconciler.this.cached(kind, namespace, name));
      }
    });
    UpdateControl<CkanInstance> control = UpdateControl.noUpdate();
    Optional<Duration> again = earliest(outcome.requeueAfter(), decision.after());
    again.ifPresent(control::rescheduleAfter);
    return control;
  }

  /** When this operator last wrote each instance's status (by uid); entries older than the interval are dropped. */
  private final Map<String, Instant> statusWrittenAt = new java.util.concurrent.ConcurrentHashMap<>();

  private void rememberStatusWrite(String uid, Instant now) {
    statusWrittenAt.put(uid, now);
    if (statusWrittenAt.size() > 64) {
      Instant stale = now.minus(StatusWrites.PROGRESS_INTERVAL);
      statusWrittenAt.values().removeIf(t -> t.isBefore(stale));
    }
  }

  private static Optional<Duration> earliest(Optional<Duration> a, Optional<Duration> b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isEmpty() || a.get().compareTo(b.get()) <= 0 ? a : b;
  }

  /**
   * A reconcile that threw: Ready=False with reason ReconcileError and the error's message, and a Warning Event; the
   * framework retries with backoff and other instances go on.
   */
  @Override
  public ErrorStatusUpdateControl<CkanInstance> updateErrorStatus(CkanInstance instance,
      Context<CkanInstance> context, Exception e) {
    Instant now = clock.instant();
    String message = ReconcileErrors.describe(e);
    long generation = instance.getMetadata().getGeneration() == null ? 0 : instance.getMetadata().getGeneration();
    EventRecorder.forError(instance, message, now).ifPresent(new EventRecorder(context.getClient())::emit);
    instance.setStatus(StatusReport.failed(instance.getStatus(), generation, message, now));
    return ErrorStatusUpdateControl.patchStatus(instance);
  }

  private ClusterView view(CkanInstance instance, Context<CkanInstance> context) {
    String namespace = instance.getMetadata().getNamespace();
    String uid = instance.getMetadata().getUid();
    return new ClusterView() {
      @Override
      public List<Deployment> deployments() {
        return ownedBy(uid, context.getSecondaryResources(Deployment.class));
      }

      @Override
      public List<Service> services() {
        return ownedBy(uid, context.getSecondaryResources(Service.class));
      }

      @Override
      public List<ConfigMap> configMaps() {
        return ownedBy(uid, context.getSecondaryResources(ConfigMap.class));
      }

      @Override
      public List<Job> jobs(String wantedImage) {
        java.util.LinkedHashMap<String, Job> found = new java.util.LinkedHashMap<>();
        jobSource().byIndex(JOB_KEYS, ownerKey(namespace, uid)).forEach(j -> found.put(j.getMetadata().getName(), j));
        if (wantedImage != null) {
          jobSource().byIndex(JOB_KEYS, imageKey(namespace, wantedImage))
              .forEach(j -> found.put(j.getMetadata().getName(), j));
        }
        return List.copyOf(found.values());
      }

      @Override
      public List<io.fabric8.kubernetes.api.model.batch.v1.CronJob> cronJobs() {
        return ownedBy(uid, context.getSecondaryResources(io.fabric8.kubernetes.api.model.batch.v1.CronJob.class));
      }

      @Override
      public List<Deployment> deploymentsWithImage(String imageFingerprint) {
        return deploymentSource().byIndex(BUILT_IMAGE, imageKey(namespace, imageFingerprint));
      }

      @Override
      public HasMetadata current(HasMetadata wanted) {
        return cachedOrRead(wanted, context.getClient());
      }

      @Override
      public StepApplier.WriteListener listener() {
        StepApplier.WriteListener filler = cacheFiller();
        return new StepApplier.WriteListener() {
          @Override
          public void created(HasMetadata object) {
            filler.created(object);
          }

          @Override
          public void updated(HasMetadata object) {
            filler.updated(object);
            if (object instanceof Service && instance.getMetadata().getName().equals(object.getMetadata().getName())) {
              listener.pointerWritten(instance);
            }
          }
        };
      }

      @Override
      public StepApplier.Cache cache() {
        return CkanInstanceReconciler.this::cached;
      }
    };
  }

  /** Secondaries are matched to the instance by owner name; a leftover of a deleted namesake has another uid. */
  private static <R extends HasMetadata> List<R> ownedBy(String uid, Set<R> objects) {
    return objects.stream().filter(o -> Owner.owns(uid, o)).toList();
  }

  /** The object as the informer cache holds it when its kind is informed, else read from the API server. */
  private HasMetadata cachedOrRead(HasMetadata wanted, io.fabric8.kubernetes.client.KubernetesClient client) {
    if (!sources.containsKey(wanted.getClass())) {
      return client.resource(wanted).get();
    }
    return cached(wanted.getClass(), wanted.getMetadata().getNamespace(), wanted.getMetadata().getName());
  }

  /** The informer cache's copy, or null (also for a kind that is not informed). */
  private HasMetadata cached(Class<? extends HasMetadata> kind, String namespace, String name) {
    InformerEventSource<? extends HasMetadata, CkanInstance> source = sources.get(kind);
    return source == null ? null : source.get(new ResourceID(name, namespace)).orElse(null);
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
