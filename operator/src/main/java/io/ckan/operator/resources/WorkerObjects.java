package io.ckan.operator.resources;

import io.ckan.operator.resources.RuntimeEnv;
import io.ckan.operator.contract.Names;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.api.WorkersSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure: the worker Deployment {@code <instance>-r<N>-worker} of a revision, running {@code ckan jobs worker} on the
 * spec's queues with the revision's image, config and plugins. Switched together with the web tier.
 *
 * <p>The worker runs the operator's start command in {@code worker} mode ({@link CkanStart}): the revision's
 * {@code ckan.plugins} go into the pod's own copy of the image's ckan.ini, the version and every plugin are checked,
 * and then {@code ckan jobs worker QUEUE...} is exec'd, so SIGTERM reaches RQ's warm shutdown directly.
 */
public final class WorkerObjects {
  private WorkerObjects() {}

  public static final String CONTAINER = "worker";
  /** RQ finishes the running job on SIGTERM; ckan.jobs.timeout defaults to 180 s. */
  public static final long GRACE_SECONDS = 210;

  public static String name(String instance, int revision) {
    return Names.OfRevision.WORKER.of(instance, revision);
  }

  /** What the worker pods of a revision are selected by. */
  public static Map<String, String> selector(String instance, int revision) {
    Map<String, String> selector = new LinkedHashMap<>();
    selector.put(Labels.INSTANCE, instance);
    selector.put(Labels.COMPONENT, Labels.WORKER);
    selector.put(Labels.REVISION, Integer.toString(revision));
    return selector;
  }

  /** Without uploads storage; see {@link #worker(Owner, int, String, String, List, WorkersSpec, int, Map, StorageSpec)}. */
  public static Deployment worker(Owner owner, int revision, String image, String configMapName,
      List<EnvVar> secretEnv, WorkersSpec workers, int replicas, Map<String, String> annotations) {
    return worker(owner, revision, image, configMapName, secretEnv, workers, replicas, annotations, null);
  }

  /**
   * @param configMapName the revision's ConfigMap (non-secret env, CKAN__PLUGINS)
   * @param secretEnv     {@link RuntimeEnv#secretEnv}
   * @param workers       queues and resources ({@code null}: the default queue)
   * @param storage       the uploads PVC to mount at /var/lib/ckan (xloader and others read uploads), or null
   */
  public static Deployment worker(Owner owner, int revision, String image, String configMapName,
      List<EnvVar> secretEnv, WorkersSpec workers, int replicas, Map<String, String> annotations,
      StorageSpec storage) {
    WorkersSpec spec = workers == null ? new WorkersSpec() : workers;
    Map<String, String> safeAnnotations = new LinkedHashMap<>(annotations == null ? Map.of() : annotations);
    Map<String, String> podLabels = Labels.revision(owner.name(), Labels.WORKER, revision);
    if (safeAnnotations.containsKey(Labels.CKAN_VERSION)) {
      podLabels.put(Labels.VERSION, safeAnnotations.get(Labels.CKAN_VERSION));
    }
    Map<String, String> podAnnotations = new LinkedHashMap<>();
    if (safeAnnotations.containsKey(Labels.FINGERPRINT)) {
      podAnnotations.put(Labels.FINGERPRINT, safeAnnotations.get(Labels.FINGERPRINT));
    }

    List<EnvVar> env = new ArrayList<>();
    if (safeAnnotations.containsKey(Labels.CKAN_VERSION)) {
      env.add(CkanStart.expectedVersion(safeAnnotations.get(Labels.CKAN_VERSION)));
    }
    if (secretEnv != null) {
      env.addAll(secretEnv);
    }
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(CkanStart.runtimeMount());
    List<Volume> volumes = new ArrayList<>();
    volumes.add(CkanStart.runtimeVolume());
    if (storage != null) {
      mounts.add(InstanceObjects.storageMount());
      volumes.add(InstanceObjects.storageVolume(owner.name()));
    }

    // No liveness probe: an RQ worker serves no HTTP and has no health endpoint; it exits (and is restarted) when it
    // loses Redis, and a job that hangs is ended by ckan.jobs.timeout.
    Container worker = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image)
        .withImagePullPolicy(pullPolicy(image))
        .withCommand(CkanStart.command(CkanStart.WORKER, spec.queuesOrDefault()))
        .withTerminationMessagePath(CkanStart.TERMINATION_LOG)
        .withTerminationMessagePolicy("File")
        .addNewEnvFrom().withNewConfigMapRef().withName(configMapName).endConfigMapRef().endEnvFrom()
        .withEnv(env)
        .withVolumeMounts(mounts)
        .withResources(spec.resources)
        .withSecurityContext(RestrictedSecurity.container())
        .build();

    return new DeploymentBuilder()
        .withMetadata(owner.meta(name(owner.name(), revision), Labels.revision(owner.name(), Labels.WORKER, revision),
            safeAnnotations))
        .withNewSpec()
          .withReplicas(replicas)
          .withRevisionHistoryLimit(1)
          .withNewSelector().withMatchLabels(selector(owner.name(), revision)).endSelector()
          .withNewTemplate()
            .withNewMetadata().withLabels(podLabels).withAnnotations(podAnnotations).endMetadata()
            .withNewSpec()
              .withAutomountServiceAccountToken(false)
              .withEnableServiceLinks(false)
              .withTerminationGracePeriodSeconds(GRACE_SECONDS)
              .withSecurityContext(RestrictedSecurity.ckanPod())
              .withContainers(worker)
              .withVolumes(volumes)
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  /** As the web Deployment: a digest never changes, a tag may. */
  static String pullPolicy(String image) {
    return image != null && image.contains("@sha256:") ? "IfNotPresent" : "Always";
  }
}
