package io.ckan.operator.reconcile;

import io.ckan.operator.plan.Step;
import io.ckan.operator.release.ImageBuild;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.LockedSet;
import io.ckan.operator.resources.BuildObjects;
import io.ckan.operator.resources.DesiredState;
import io.ckan.operator.resources.LockObjects;
import io.ckan.operator.resources.MigrationObjects;
import io.ckan.operator.resources.WorkerObjects;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.contract.Names;
import io.ckan.operator.resources.Owner;
import io.ckan.operator.resources.PointerService;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin edge: performs one {@link Step} as one API write. Creates tolerate "already exists" (a previous run
 * may have died after the write), deletes tolerate "not found". No server-side apply, no strategic merge:
 * JSON merge patches and plain creates, which every API server (and the test mock) supports.
 */
public final class StepApplier {
  private static final Logger LOG = LoggerFactory.getLogger(StepApplier.class);
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  /** Told about every object written, so informer caches do not serve a stale copy to the next reconcile. */
  public interface WriteListener {
    void created(HasMetadata object);

    void updated(HasMetadata object);

    WriteListener NONE = new WriteListener() {
      @Override
      public void created(HasMetadata object) {}

      @Override
      public void updated(HasMetadata object) {}
    };
  }

  /**
   * The informer caches' copy of an object, or null: a patch sent for a cached object names it directly, where
   * fabric8's {@code withName(...).patch(...)} would GET it first.
   */
  public interface Cache {
    HasMetadata cached(Class<? extends HasMetadata> kind, String namespace, String name);

    Cache NONE = (kind, namespace, name) -> null;
  }

  private final KubernetesClient client;
  private final WriteListener listener;
  private final Cache cache;
  /** The pointer Service's version after this applier's own annotation write, if any (one plan, one chain). */
  private String pointerVersion;
  private final Consumer<String> journal;

  public StepApplier(KubernetesClient client, WriteListener listener, Consumer<String> journal) {
    this(client, listener, Cache.NONE, journal);
  }

  public StepApplier(KubernetesClient client, WriteListener listener, Cache cache, Consumer<String> journal) {
    this.client = client;
    this.listener = listener;
    this.cache = cache;
    this.journal = journal;
  }

  /** A merge (or JSON) patch of the named object, without a read first when the caches hold it; caches told. */
  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> T patch(Class<T> kind, String namespace, String name, PatchContext context,
      String body) {
    HasMetadata cached = cache.cached(kind, namespace, name);
    T written = cached != null ? (T) client.resource(cached).patch(context, body)
        : client.resources(kind).inNamespace(namespace).withName(name).patch(context, body);
    listener.updated(written);
    return written;
  }

  public void apply(Step step, Owner owner, Release release, int progressDeadlineSeconds, Instant now) {
    if (step instanceof Step.CreateRevision c) {
      createRevision(c, owner, release, progressDeadlineSeconds);
    } else if (step instanceof Step.Scale s) {
      patchDeployment(owner, s.revision(), Map.of("spec", Map.of("replicas", s.replicas())));
      note(owner, "scaled revision " + s.revision() + " to " + s.replicas() + " (" + s.why() + ")");
    } else if (step instanceof Step.StartMigration m) {
      // replicas do not reach the migration Job
      create(DesiredState.pick(DesiredState.revision(owner, m.revision(), release, 0, progressDeadlineSeconds,
          built(m.built())), Job.class, MigrationObjects.name(owner.name(), m.revision())));
      note(owner, "migration " + MigrationObjects.name(owner.name(), m.revision()) + " started (ckan db upgrade)");
    } else if (step instanceof Step.RecordMigration r) {
      Map<String, Object> annotations = new LinkedHashMap<>();
      annotations.put(Labels.SCHEMA_BEFORE, r.before() == null ? "" : r.before());
      annotations.put(Labels.SCHEMA_AFTER, r.after());
      patch(ConfigMap.class, owner.namespace(), Names.revision(owner.name(), r.revision()), MERGE,
          json(Map.of("metadata", Map.of("annotations", annotations))));
      note(owner, "revision " + r.revision() + " migrated: schema " + (r.before() == null || r.before().isEmpty()
          ? "(new)" : r.before()) + " -> " + r.after());
    } else if (step instanceof Step.ScaleWorkers w) {
      patch(Deployment.class, owner.namespace(), WorkerObjects.name(owner.name(), w.revision()), MERGE,
          json(Map.of("spec", Map.of("replicas", w.replicas()))));
      note(owner, "scaled workers of revision " + w.revision() + " to " + w.replicas() + " (" + w.why() + ")");
    } else if (step instanceof Step.StartBuild b) {
      startBuild(owner, release, b.imageFingerprint());
    } else if (step instanceof Step.AdoptBuild a) {
      adoptBuild(owner, a.jobName());
    } else if (step instanceof Step.RecordBuildResult r) {
      Map<String, Object> annotations = new LinkedHashMap<>();
      annotations.put(Labels.BUILT_IMAGE, r.built().image());
      annotations.put(Labels.RESOLVED_COMMITS, Serialization.asJson(new java.util.TreeMap<>(r.built().commits())));
      if (r.built().lock() != null) {
        annotations.put(Labels.LOCKED_SET, r.built().lock());
      }
      patch(Job.class, owner.namespace(), r.jobName(), MERGE, json(Map.of("metadata", Map.of("annotations",
          annotations))));
      note(owner, "build " + r.jobName() + " pushed " + r.built().image());
    } else if (step instanceof Step.DeleteBuild d) {
      client.batch().v1().jobs().inNamespace(owner.namespace()).withName(d.jobName())
          .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
      client.configMaps().inNamespace(owner.namespace()).withName(d.jobName()).delete();
      note(owner, "deleted failed build " + d.jobName() + " for a retry");
    } else if (step instanceof Step.BringUp b) {
      patchDeployment(owner, b.revision(), Map.of(
          "metadata", Map.of("annotations", Map.of(Labels.ATTEMPT_STARTED_AT, now.toString())),
          "spec", Map.of("replicas", b.replicas())));
      note(owner, "scaled revision " + b.revision() + " up to " + b.replicas() + " (" + b.why() + ")");
    } else if (step instanceof Step.ClearVerdict c) {
      Map<String, Object> annotations = new LinkedHashMap<>();
      annotations.put(Labels.VERDICT, null);
      annotations.put(Labels.VERDICT_REASON, null);
      annotations.put(Labels.RETRY_HANDLED, c.retryToken());
      // a new attempt: an automatic revert recorded in the pointer's history before now no longer judges it
      annotations.put(Labels.ATTEMPT_STARTED_AT, now.toString());
      patchAnchor(owner, c.revision(), c.on(), Map.of("metadata", Map.of("annotations", annotations)));
      note(owner, "revision " + c.revision() + " verdict cleared by retry request '" + c.retryToken() + "'");
    } else if (step instanceof Step.RecordRollbackHandled r) {
      recordHandled(owner, Labels.ROLLBACK_HANDLED, r.request(), Labels.ROLLBACK_REJECTED, r.rejection());
      note(owner, "rollback request '" + r.request() + "' handled (" + (r.rejection() != null ? "refused"
          : "already on that revision or failed") + ")");
    } else if (step instanceof Step.RecordPromotionHandled r) {
      recordHandled(owner, Labels.PROMOTE_HANDLED, r.request(), Labels.PROMOTE_REJECTED, r.rejection());
      note(owner, "promote request '" + r.request() + "' handled (" + (r.rejection() != null ? "refused"
          : "nothing to do") + ")");
    } else if (step instanceof Step.RepairPointer r) {
      Service desired = PointerService.build(owner, r.revision(), Map.of());
      // a JSON patch replaces the selector whole (a merge patch would keep keys added by hand); the test op makes
      // it conditional on the version the plan was made from
      java.util.List<Map<String, Object>> ops = new java.util.ArrayList<>();
      if (r.expectedVersion() != null) {
        ops.add(Map.of("op", "test", "path", "/metadata/resourceVersion", "value",
            pointerVersion != null ? pointerVersion : r.expectedVersion()));
      }
      ops.add(Map.of("op", "replace", "path", "/spec/selector", "value", desired.getSpec().getSelector()));
      patch(Service.class, owner.namespace(), desired.getMetadata().getName(), PatchContext.of(PatchType.JSON),
          Serialization.asJson(ops));
      note(owner, "pointer selector repaired: revision " + r.revision() + " (it was edited by hand)");
    } else if (step instanceof Step.RecordVerdict v) {
      Map<String, String> annotations = new LinkedHashMap<>();
      annotations.put(Labels.VERDICT, v.verdict().value());
      annotations.put(Labels.VERDICT_REASON, v.reason());
      patchAnchor(owner, v.revision(), v.on(), Map.of("metadata", Map.of("annotations", annotations)));
      note(owner, "revision " + v.revision() + " verdict " + v.verdict().value() + " (" + v.reason() + ")");
    } else if (step instanceof Step.MovePointer m) {
      movePointer(m, owner, now);
    } else if (step instanceof Step.Prune p) {
      prune(owner, p.revision());
    } else {
      throw new IllegalArgumentException("unknown step " + step);
    }
  }

  private void createRevision(Step.CreateRevision c, Owner owner, Release spec, int progressDeadlineSeconds) {
    if (spec == null) {
      throw new IllegalStateException("cannot create revision " + c.revision() + " without a release");
    }
    Release release = c.built() == null ? spec : spec.withImage(c.built().image());
    java.util.List<HasMetadata> desired = DesiredState.revision(owner, c.revision(), spec, c.replicas(),
        progressDeadlineSeconds, built(c.built()));
    String name = Names.revision(owner.name(), c.revision());
    // ConfigMap and Service first: the Deployment is the revision's anchor and needs its config to start.
    if (c.missing().contains(Step.ObjectKind.CONFIG_MAP)) {
      create(DesiredState.pick(desired, ConfigMap.class, name));
    }
    if (c.missing().contains(Step.ObjectKind.SERVICE)) {
      create(DesiredState.pick(desired, Service.class, name));
    }
    if (c.missing().contains(Step.ObjectKind.DEPLOYMENT)) {
      DesiredState.find(desired, ConfigMap.class, LockObjects.name(owner.name(), c.revision())).ifPresent(this::create);
      create(DesiredState.pick(desired, Deployment.class, name));
    }
    if (c.missing().contains(Step.ObjectKind.WORKER)) {
      create(DesiredState.pick(desired, Deployment.class, WorkerObjects.name(owner.name(), c.revision())));
    }
    note(owner, "created revision " + c.revision() + " " + c.missing() + " (" + release.shortFingerprint() + ", "
        + release.version() + ", " + (release.image() == null ? "image " + release.build().tag() + " building"
        : release.image()) + ")");
  }

  private static DesiredState.BuiltImage built(Step.BuiltImage built) {
    return built == null ? null : new DesiredState.BuiltImage(built.image(), built.commits(),
        built.lock() == null ? null : LockedSet.decode(built.lock()).orElse(null));
  }

  /**
   * Records on the pointer Service that a person's request (rollback, promote) was acted on, with why it was refused
   * ({@code rejection}; null removes an older request's note), so it is never acted on twice.
   */
  private void recordHandled(Owner owner, String handledKey, String request, String rejectedKey, String rejection) {
    Map<String, Object> annotations = new LinkedHashMap<>();
    annotations.put(handledKey, request);
    annotations.put(rejectedKey, rejection);
    Service written = patch(Service.class, owner.namespace(), Names.pointer(owner.name()), MERGE,
        json(Map.of("metadata", Map.of("annotations", annotations))));
    pointerVersion = written.getMetadata().getResourceVersion(); // a later pointer write of this plan builds on it
  }

  /**
   * Creates the object, tolerating "already exists" when the existing one is ours (a previous run died after the
   * write), and tells the caches. One that is not ours stops the pass ({@link NameGuard.Conflict}). Nothing is read
   * before the write: the holder of a name is read only when the API server says the name is taken.
   */
  void create(HasMetadata object) {
    try {
      listener.created(client.resource(object).create());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      HasMetadata existing = client.resource(object).get();
      if (existing == null) {
        throw e; // a conflict, but nothing of that name is there: not "already exists"; the next reconcile retries
      }
      Owner owner = ownerOf(object);
      if (owner != null && !NameGuard.mayWrite(owner, existing)) {
        throw new NameGuard.Conflict(NameGuard.describe(owner, existing), e);
      }
      LOG.debug("{} {} already exists", object.getKind(), object.getMetadata().getName());
    }
  }

  /** The instance an object is made for (its controller reference), or null for one without (shared builds). */
  private static Owner ownerOf(HasMetadata object) {
    return object.getMetadata().getOwnerReferences() == null ? null : object.getMetadata().getOwnerReferences()
        .stream().filter(r -> Boolean.TRUE.equals(r.getController()) && "CkanInstance".equals(r.getKind()))
        .findFirst().map(r -> new Owner(r.getName(), object.getMetadata().getNamespace(), r.getUid())).orElse(null);
  }

  private void patchAnchor(Owner owner, int revision, Step.ObjectKind on, Map<String, Object> patch) {
    if (on == Step.ObjectKind.CONFIG_MAP) {
      patch(ConfigMap.class, owner.namespace(), Names.revision(owner.name(), revision), MERGE, json(patch));
    } else {
      patchDeployment(owner, revision, patch);
    }
  }

  private void startBuild(Owner owner, Release release, String imageFingerprint) {
    ImageBuild build = release.build();
    String name = Names.build(imageFingerprint);
    java.util.List<HasMetadata> desired = DesiredState.build(owner, release);
    create(DesiredState.pick(desired, ConfigMap.class, name));
    create(DesiredState.pick(desired, Job.class, name));
    note(owner, "build " + name + " started: image " + build.tag() + " (" + build.spec().builderOrDefault() + ")");
  }

  /** Joins a build another instance started: adds this instance as a (non-controller) owner of its objects. */
  private void adoptBuild(Owner owner, String jobName) {
    HasMetadata job = client.batch().v1().jobs().inNamespace(owner.namespace()).withName(jobName).get();
    HasMetadata dockerfile = client.configMaps().inNamespace(owner.namespace()).withName(jobName).get();
    for (HasMetadata object : java.util.Arrays.asList(job, dockerfile)) {
      if (object == null || (object.getMetadata().getOwnerReferences() != null && object.getMetadata()
          .getOwnerReferences().stream().anyMatch(o -> owner.uid().equals(o.getUid())))) {
        continue;
      }
      java.util.List<io.fabric8.kubernetes.api.model.OwnerReference> owners = new java.util.ArrayList<>();
      if (object.getMetadata().getOwnerReferences() != null) {
        owners.addAll(object.getMetadata().getOwnerReferences());
      }
      owners.addAll(BuildObjects.ownerReferences(owner));
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("resourceVersion", object.getMetadata().getResourceVersion());
      meta.put("ownerReferences", owners);
      listener.updated(client.resource(object).patch(MERGE, json(Map.of("metadata", meta))));
    }
    note(owner, "joined build " + jobName + " (one build per image in the namespace)");
  }

  private void patchDeployment(Owner owner, int revision, Map<String, Object> patch) {
    patch(Deployment.class, owner.namespace(), Names.revision(owner.name(), revision), MERGE, json(patch));
  }

  private void movePointer(Step.MovePointer m, Owner owner, Instant now) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Labels.SWITCHED_AT, now.toString());
    if (m.from() != null) {
      annotations.put(Labels.PREVIOUS_REVISION, Integer.toString(m.from()));
    }
    annotations.put(Labels.HISTORY, Serialization.asJson(m.history()));
    if (m.handledRollback() != null) {
      annotations.put(Labels.ROLLBACK_HANDLED, m.handledRollback());
    }
    if (m.handledPromotion() != null) {
      annotations.put(Labels.PROMOTE_HANDLED, m.handledPromotion());
    }
    Service desired = PointerService.build(owner, m.to(), annotations);
    if (m.expectedVersion() == null) {
      create(desired); // no pointer was observed: a Service of that name held by anything else is a NameConflict
    } else {
      Map<String, Object> meta = new LinkedHashMap<>();
      // the version the plan was made from: if the Service changed since, the write is refused and replanned
      meta.put("resourceVersion", pointerVersion != null ? pointerVersion : m.expectedVersion());
      Map<String, Object> metaAnnotations = new LinkedHashMap<>(annotations);
      if (m.from() == null) {
        metaAnnotations.put(Labels.PREVIOUS_REVISION, null);
      }
      meta.put("annotations", metaAnnotations);
      Map<String, Object> patch = Map.of("metadata", meta, "spec", Map.of("selector",
          desired.getSpec().getSelector()));
      patch(Service.class, owner.namespace(), desired.getMetadata().getName(), MERGE, json(patch));
    }
    String type = m.history().isEmpty() ? "" : " [" + m.history().get(m.history().size() - 1).type + "]";
    note(owner, "pointer " + (m.from() == null ? "set" : "moved from revision " + m.from()) + " to revision " + m.to()
        + type);
  }

  /** JSON for a merge patch: null values are kept, since they delete keys. */
  private static String json(Map<String, ?> patch) {
    try {
      return NULLS.writeValueAsString(patch);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper NULLS = new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * Deletes every object of the revision, the config snapshot last: until it goes, the revision is still observed
   * (with whatever pieces are left) and the next plan prunes the rest.
   */
  private void prune(Owner owner, int revision) {
    String name = Names.revision(owner.name(), revision);
    String ns = owner.namespace();
    client.network().v1().ingresses().inNamespace(ns).withName(name).delete(); // its preview, if any
    client.apps().deployments().inNamespace(ns).withName(WorkerObjects.name(owner.name(), revision)).delete();
    client.batch().v1().jobs().inNamespace(ns).withName(MigrationObjects.name(owner.name(), revision))
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
    client.batch().v1().jobs().inNamespace(ns).withName(
        io.ckan.operator.resources.ScheduleObjects.rebuildName(owner.name(), revision))
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
    client.apps().deployments().inNamespace(ns).withName(name).delete();
    client.services().inNamespace(ns).withName(name).delete();
    client.configMaps().inNamespace(ns).withName(LockObjects.name(owner.name(), revision)).delete();
    client.configMaps().inNamespace(ns).withName(name).delete();
    note(owner, "pruned revision " + revision);
  }

  /** A JSON merge patch of an object of the instance (the backup steps' record). */
  <T extends HasMetadata> void patchMerge(Class<T> kind, Owner owner, String name, Map<String, ?> body) {
    patch(kind, owner.namespace(), name, MERGE, json(body));
  }

  void note(Owner owner, String what) {
    String line = owner.namespace() + "/" + owner.name() + ": " + what;
    LOG.info(line);
    journal.accept(line);
  }

}
