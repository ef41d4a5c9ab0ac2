package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.api.ScheduleSpec;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.contract.Names;
import io.ckan.operator.plan.ObservedRevision;
import io.ckan.operator.resources.DesiredState;
import io.ckan.operator.resources.Owner;
import io.ckan.operator.resources.PeriodicWork;
import io.ckan.operator.resources.ScheduleObjects;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The thin edge of {@link PeriodicWork}: the instance's CronJobs and the live revision's search-index rebuild Job.
 * Run once per reconcile after the plan's steps, with the live revision as those steps left it, so a pointer move
 * (deploy, automatic revert, rollback) switches the CronJobs in the same pass, right after the one pointer write.
 * Decisions read the caches only; the live revision's web Deployment is read (one GET) only in a pass that creates
 * or rewrites a CronJob or starts a rebuild, since the caches keep no pod template. A name held by an object not in
 * the caches is a NameConflict (no GET of it). Writes: a create, a JSON patch of a CronJob it owns (a merge patch for
 * the suspension), a delete of one it owns.
 */
final class PeriodicWorkApplier {
  private PeriodicWorkApplier() {}

  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  /**
   * @param spec     the spec, or null when it cannot be released (invalid, blocked): then only a pause is acted on
   * @param live     the revision the pointer selects after this pass's steps, if any
   * @param jobs     the instance's Jobs as the caches hold them (the rebuild Job's existence)
   * @return whether anything was written
   */
  static boolean ensure(KubernetesClient client, ClusterView view, Owner owner, CkanInstanceSpec spec,
      boolean paused, Optional<Integer> live, List<ObservedRevision> revisions, List<Job> jobs,
      Consumer<String> journal) {
    List<CronJob> owned = view.cronJobs().stream().filter(owner::owns).toList();
    // the live revision's web Deployment as cached (metadata only: the caches keep no pod template)
    Optional<Deployment> cached = live.flatMap(n -> view.deployments().stream()
        .filter(d -> Names.revision(owner.name(), n).equals(d.getMetadata().getName())).findFirst());
    boolean known = spec != null && cached.isPresent();
    if (!paused && !known) {
      return false; // nothing serves yet, or the spec cannot be released: the CronJobs stay as they are
    }
    List<PeriodicWork.Write> writes = paused && !known ? PeriodicWork.schedules(owner.name(), null, 0, null, owned,
        true) : PeriodicWork.schedules(owner.name(), spec.schedules, live.get(),
            ScheduleObjects.fingerprint(cached.get()), owned, paused);
    // read once, and only to write: what the revision's pods run, for the CronJobs to run it too
    java.util.function.Supplier<Deployment> web = new java.util.function.Supplier<>() {
      private Deployment read;

      @Override
      public Deployment get() {
        if (read == null) {
          read = client.apps().deployments().inNamespace(owner.namespace())
              .withName(cached.get().getMetadata().getName()).require();
        }
        return read;
      }
    };
    boolean wrote = false;
    for (PeriodicWork.Write write : writes) {
      apply(client, view, owner, owned, write, w -> DesiredState.schedules(owner, List.of(w), live.get(), web.get())
          .get(0), journal);
      wrote = true;
    }
    if (known) {
      int n = live.get();
      RolloutSpec rollout = spec.rollout == null ? new RolloutSpec() : spec.rollout;
      String name = ScheduleObjects.rebuildName(owner.name(), n);
      ObservedRevision.Runtime runtime = revisions.stream().filter(r -> r.number() == n).findFirst()
          .map(ObservedRevision::runtime).orElse(ObservedRevision.Runtime.NONE);
      boolean exists = jobs.stream().anyMatch(j -> name.equals(j.getMetadata().getName()) && owner.owns(j));
      if (PeriodicWork.needsRebuild(rollout.searchIndexRebuildOrDefault(), paused, runtime.schemaBefore(),
          runtime.schemaAfter(), exists)) {
        create(client, view, owner, DesiredState.searchIndexRebuild(owner, n, web.get()));
        note(journal, owner, "started search-index rebuild " + name + " (revision " + n + " changed the schema "
            + runtime.schemaBefore() + " -> " + runtime.schemaAfter() + ")");
        wrote = true;
      }
    }
    return wrote;
  }

  private static void apply(KubernetesClient client, ClusterView view, Owner owner, List<CronJob> owned,
      PeriodicWork.Write write, java.util.function.Function<ScheduleSpec, CronJob> build, Consumer<String> journal) {
    if (write instanceof PeriodicWork.Create c) {
      CronJob cronJob = build.apply(c.schedule());
      create(client, view, owner, cronJob);
      note(journal, owner, "created CronJob " + cronJob.getMetadata().getName() + " (revision "
          + ScheduleObjects.revision(cronJob) + ")");
    } else if (write instanceof PeriodicWork.Update u) {
      CronJob wanted = build.apply(u.schedule());
      CronJob current = current(owned, wanted.getMetadata().getName());
      // a JSON patch: the spec is replaced whole (a merge patch would merge the container lists on some servers),
      // the operator's labels and annotations are set one by one (others' keys stay)
      List<Map<String, Object>> ops = new ArrayList<>();
      ops.add(Map.of("op", "replace", "path", "/spec", "value", wanted.getSpec()));
      keys(ops, "labels", current.getMetadata().getLabels(), wanted.getMetadata().getLabels());
      keys(ops, "annotations", current.getMetadata().getAnnotations(), wanted.getMetadata().getAnnotations());
      view.listener().updated(client.resource(current).patch(PatchContext.of(PatchType.JSON),
          Serialization.asJson(ops)));
      note(journal, owner, "updated CronJob " + wanted.getMetadata().getName() + " (revision " + u.fromRevision()
          + " -> " + ScheduleObjects.revision(wanted) + ", suspend " + wanted.getSpec().getSuspend() + ")");
    } else if (write instanceof PeriodicWork.Suspend s) {
      patch(client, view, current(owned, s.name()), Map.of("spec", Map.of("suspend", true)));
      note(journal, owner, "suspended CronJob " + s.name() + " (the instance is paused)");
    } else if (write instanceof PeriodicWork.Delete d) {
      client.batch().v1().cronjobs().inNamespace(owner.namespace()).withName(d.name())
          .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      note(journal, owner, "deleted CronJob " + d.name() + " (its schedule left the spec)");
    }
  }

  /** JSON patch operations that set each of {@code wanted} under /metadata/{@code field}. */
  private static void keys(List<Map<String, Object>> ops, String field, Map<String, String> held,
      Map<String, String> wanted) {
    if (held == null) {
      ops.add(Map.of("op", "add", "path", "/metadata/" + field, "value", wanted));
      return;
    }
    wanted.forEach((k, v) -> ops.add(Map.of("op", "add", "path", "/metadata/" + field + "/"
        + k.replace("~", "~0").replace("/", "~1"), "value", v)));
  }

  private static CronJob current(List<CronJob> owned, String name) {
    return owned.stream().filter(c -> name.equals(c.getMetadata().getName())).findFirst().orElseThrow();
  }

  /** A merge patch of an owned object, addressed by the cached copy (no read first); the caches are told. */
  private static void patch(KubernetesClient client, ClusterView view, HasMetadata current, Map<String, Object> body) {
    HasMetadata written = client.resource(current).patch(MERGE, Serialization.asJson(body));
    view.listener().updated(written);
  }

  /**
   * Creates the object; "already exists" is fine when the cached holder of the name is the instance's own (a pass
   * that died after the write), anything else stops the pass ({@link NameGuard.Conflict}).
   */
  private static void create(KubernetesClient client, ClusterView view, Owner owner, HasMetadata object) {
    try {
      view.listener().created(client.resource(object).create());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      HasMetadata existing = view.current(object);
      if (existing == null || !NameGuard.mayWrite(owner, existing)) {
        throw new NameGuard.Conflict(existing != null ? NameGuard.describe(owner, existing) : object.getKind() + " "
            + object.getMetadata().getName() + " already exists and is not managed by CkanInstance " + owner.name()
            + "; it was not changed. Rename the schedule or the instance, or delete or rename that "
            + object.getKind(), e);
      }
    }
  }

  private static void note(Consumer<String> journal, Owner owner, String what) {
    String line = owner.namespace() + "/" + owner.name() + ": " + what;
    org.slf4j.LoggerFactory.getLogger(PeriodicWorkApplier.class).info(line);
    journal.accept(line);
  }
}
