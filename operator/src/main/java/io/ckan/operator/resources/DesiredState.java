package io.ckan.operator.resources;

import io.ckan.operator.contract.Names;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.release.Dockerfile;
import io.ckan.operator.release.ImageBuild;
import io.ckan.operator.release.ImageTag;
import io.ckan.operator.release.Release;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Pure: the ONE desired state of an instance, as the operator creates it and {@code render} prints it. The reconciler
 * picks what it creates from these lists by kind and name ({@link #pick}); nothing else composes these objects.
 *
 * <ul>
 *   <li>{@link #revision}: every object of revision N, in creation order: the image build's Dockerfile ConfigMap and
 *       Job (when the operator builds the release's image), the immutable ConfigMap, the per-revision Service, the
 *       migration Job, the web Deployment and the worker Deployment (with {@code spec.workers}).</li>
 *   <li>{@link #instance}: the objects of the instance as a whole: the pointer Service (created by the first pointer
 *       move), the Ingress, the uploads PVC, the managed services; and the Secrets the operator generates once.</li>
 * </ul>
 */
public final class DesiredState {
  private DesiredState() {}

  /** Stands for a generated random value (43 URL-safe characters) where the desired state is shown, not applied. */
  public static final String RANDOM_PLACEHOLDER = "<random>";

  /**
   * An image the operator built: the pushed reference (by digest) and the commits its git refs resolved to.
   *
   * @param commits extension name -> commit; empty when unknown (the image came from another revision's Deployment)
   * @param lock    the image's {@code pip freeze --all} as its build reported it, or null (not reported)
   */
  public record BuiltImage(String image, Map<String, String> commits, String lock) {
    public BuiltImage {
      commits = commits == null ? Map.of() : Map.copyOf(commits);
    }

    public BuiltImage(String image, Map<String, String> commits) {
      this(image, commits, null);
    }

    /**
     * What a build will push, for showing the desired state before it ran ({@code render}): the digest and each git
     * extension's commit are placeholders naming the build Job that reports them.
     */
    public static BuiltImage pending(Release release) {
      String job = Names.build(release.imageFingerprint());
      Map<String, String> commits = new TreeMap<>();
      for (ExtensionSpec e : release.build().extensions()) {
        if (e.git != null) {
          commits.put(e.name, "<commit resolved by job/" + job + ">");
        }
      }
      return new BuiltImage(ImageTag.repository(release.build().tag()) + "@sha256:<digest pushed by job/" + job + ">",
          commits, "<pip freeze of the image pushed by job/" + job + ">");
    }
  }

  /**
   * Every object of revision {@code revision}.
   *
   * @param replicas                web replicas it is created with (workers are created with 0: they follow the
   *                                pointer and are scaled to {@code spec.workers.replicas} when it takes traffic)
   * @param built                   the image the operator built for it, or null (not built yet, or not built by the
   *                                operator). While a build is pending only the build objects, the ConfigMap and the
   *                                Service can be known: the Deployments and the migration Job need the image.
   */
  public static List<HasMetadata> revision(Owner owner, int revision, Release release, int replicas,
      int progressDeadlineSeconds, BuiltImage built) {
    List<HasMetadata> objects = new ArrayList<>(build(owner, release));
    // the config snapshot and the Service exist before the image is built: they never carry the built image
    objects.add(RevisionObjects.configMap(owner, revision, release));
    objects.add(RevisionObjects.service(owner, revision, release));
    if (release.build() != null && built == null) {
      return objects;
    }
    Release running = built == null ? release : release.withImage(built.image());
    objects.add(RevisionObjects.migration(owner, revision, running));
    if (built != null && built.lock() != null) {
      // the locked set before the Deployment (the anchor): a revision that runs has its lock
      objects.add(LockObjects.lock(owner, revision, built.image(), built.lock()));
    }
    Deployment web = RevisionObjects.deployment(owner, revision, running, replicas, progressDeadlineSeconds);
    if (built != null && !built.commits().isEmpty()) {
      web.getMetadata().getAnnotations().put(Labels.RESOLVED_COMMITS,
          Serialization.asJson(new TreeMap<>(built.commits())));
    }
    objects.add(web);
    Deployment worker = RevisionObjects.worker(owner, revision, running, 0);
    if (worker != null) {
      objects.add(worker);
    }
    return objects;
  }

  /**
   * Revision {@code revision}'s preview Ingress ({@link PreviewIngress}), when {@code spec.ingress.previewHost} is
   * set: created for every retained revision once its Service exists, pruned with it.
   */
  public static java.util.Optional<io.fabric8.kubernetes.api.model.networking.v1.Ingress> preview(Owner owner,
      CkanInstanceSpec spec, int revision) {
    return PreviewIngress.of(owner, spec.ingress, revision);
  }

  /** The image build of the release (its Dockerfile ConfigMap, then its Job), or nothing when it is not built. */
  public static List<HasMetadata> build(Owner owner, Release release) {
    ImageBuild build = release.build();
    if (build == null) {
      return List.of();
    }
    String name = Names.build(release.imageFingerprint());
    String dockerfile = Dockerfile.render(build.baseImage(), build.ckanVersion(), build.extensions(),
        build.constraints());
    return List.of(BuildObjects.dockerfile(owner, name, dockerfile, release.imageFingerprint()),
        BuildObjects.job(owner, name, new BuildObjects.BuildRequest(release.imageFingerprint(), build.tag(),
            build.extensions(), build.spec().builderOrDefault(), build.spec().pushSecret,
            build.spec().timeoutSecondsOrDefault())));
  }

  /**
   * The instance's own objects.
   *
   * @param objects          the Ingress, the uploads PVC and the managed services, in creation order
   * @param generatedSecrets the Secrets created once when they do not exist, with {@link #RANDOM_PLACEHOLDER} for
   *                         every random value (see {@link #generatedSecrets} for the real ones)
   */
  public record Instance(Owner owner, List<HasMetadata> objects, List<Secret> generatedSecrets) {
    /** The pointer Service selecting {@code revision}, as its first move creates it (without the move's record). */
    public Service pointer(int revision) {
      return PointerService.build(owner, revision, Map.of());
    }
  }

  public static Instance instance(Owner owner, CkanInstanceSpec spec) {
    List<HasMetadata> objects = new ArrayList<>();
    if (spec.services != null && spec.services.managedOrDefault()) {
      objects.addAll(ManagedServices.objects(owner, spec.version));
    }
    if (spec.storage != null) {
      objects.add(InstanceObjects.storage(owner, spec.storage));
    }
    if (spec.ingress != null) {
      objects.add(InstanceObjects.ingress(owner, spec.ingress));
    }
    return new Instance(owner, List.copyOf(objects), generatedSecrets(owner, spec, () -> RANDOM_PLACEHOLDER));
  }

  /** The Secrets this spec's pods need from the operator ({@link GeneratedSecrets}), with values from {@code random}. */
  public static List<Secret> generatedSecrets(Owner owner, CkanInstanceSpec spec, Supplier<String> random) {
    return GeneratedSecrets.needed(spec, owner.name()).stream()
        .map(name -> GeneratedSecrets.secret(owner.name(), owner.namespace(), name, random)).toList();
  }

  /**
   * The backup Job taken before revision {@code revision}'s migration when that revision changes the CKAN version,
   * image or plugins of the live one ({@code plan.Backups} decides), named {@code backupName}
   * ({@link BackupScripts#backupName}); {@link BackupObjects}.
   */
  public static io.fabric8.kubernetes.api.model.batch.v1.Job backup(Owner owner, CkanInstanceSpec spec, int revision,
      String backupName) {
    return BackupObjects.backup(owner, spec, revision, backupName);
  }

  /**
   * The CronJobs of {@code spec.schedules}, running revision {@code revision} (the live one: the pointer's) as its web
   * Deployment {@code web} runs ({@link ScheduleObjects}); none without schedules.
   */
  public static List<io.fabric8.kubernetes.api.model.batch.v1.CronJob> schedules(Owner owner,
      List<io.ckan.operator.api.ScheduleSpec> schedules, int revision, Deployment web) {
    return schedules == null ? List.of() : schedules.stream()
        .map(s -> ScheduleObjects.cronJob(owner, s, revision, web)).toList();
  }

  /**
   * The one-off {@code ckan search-index rebuild} Job of revision {@code revision}, made once it is live when its
   * migration changed the schema ({@link PeriodicWork#needsRebuild}).
   */
  public static io.fabric8.kubernetes.api.model.batch.v1.Job searchIndexRebuild(Owner owner, int revision,
      Deployment web) {
    return ScheduleObjects.searchIndexRebuild(owner, revision, web);
  }

  /** The object of that kind and name in {@code desired}; a step that names one the desired state lacks is a bug. */
  public static <T extends HasMetadata> T pick(List<? extends HasMetadata> desired, Class<T> kind, String name) {
    return find(desired, kind, name)
        .orElseThrow(() -> new IllegalStateException("the desired state has no " + kind.getSimpleName() + " " + name));
  }

  /** The object of that kind and name, if the desired state has one (the lock: only when the build reported it). */
  public static <T extends HasMetadata> java.util.Optional<T> find(List<? extends HasMetadata> desired, Class<T> kind,
      String name) {
    return desired.stream().filter(o -> kind.isInstance(o) && name.equals(o.getMetadata().getName()))
        .map(kind::cast).findFirst();
  }
}
