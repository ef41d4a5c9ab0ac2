package io.ckan.operator.resources;

import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.api.WorkersSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
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
 * <p>CKAN loads plugins from ckan.ini, not from CKAN__PLUGINS (the web pods' start script writes it into the ini with
 * {@code ckan config-tool}). The worker has no start script, so an init container writes the image's ckan.ini with the
 * revision's {@code ckan.plugins} to an emptyDir, which the worker mounts over {@link #CKAN_INI}; the worker itself
 * is a plain exec of {@code ckan}, so SIGTERM reaches RQ's warm shutdown directly.
 */
public final class WorkerObjects {
  private WorkerObjects() {}

  public static final String CONTAINER = "worker";
  public static final String CONFIG_CONTAINER = "ckan-config";
  /** ckan.ini of the official ckan-base images (ENV CKAN_INI=${APP_DIR}/ckan.ini, APP_DIR=/srv/app). */
  public static final String CKAN_INI = "/srv/app/ckan.ini";
  static final String RUNTIME_VOLUME = "ckan-runtime";
  static final String RUNTIME_DIR = "/srv/ckan-runtime";
  /** RQ finishes the running job on SIGTERM; ckan.jobs.timeout defaults to 180 s. */
  public static final long GRACE_SECONDS = 210;

  /** Init container: the image's ckan.ini with the revision's plugins (CKAN__PLUGINS from the ConfigMap). */
  static final String CONFIG_SCRIPT = """
      set -eu
      [ -n "${CKAN__PLUGINS:-}" ] || { echo "CKAN__PLUGINS is not set" >&2; exit 1; }
      cp "${CKAN_INI:-/srv/app/ckan.ini}" /srv/ckan-runtime/ckan.ini
      ckan config-tool /srv/ckan-runtime/ckan.ini "ckan.plugins = $CKAN__PLUGINS"
      """;

  public static String name(String instance, int revision) {
    return Names.revision(instance, revision) + "-worker";
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

    List<String> command = new ArrayList<>(List.of("ckan", "-c", "$(CKAN_INI)", "jobs", "worker"));
    command.addAll(spec.queuesOrDefault());
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVarBuilder().withName("CKAN_INI").withValue(CKAN_INI).build());
    if (secretEnv != null) {
      env.addAll(secretEnv);
    }
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName(RUNTIME_VOLUME).withMountPath(CKAN_INI).withSubPath("ckan.ini")
        .withReadOnly(true).build());
    List<Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName(RUNTIME_VOLUME).withNewEmptyDir().endEmptyDir().build());
    if (storage != null) {
      mounts.add(InstanceObjects.storageMount());
      volumes.add(InstanceObjects.storageVolume(owner.name()));
    }

    Container config = new ContainerBuilder()
        .withName(CONFIG_CONTAINER)
        .withImage(image)
        .withImagePullPolicy(pullPolicy(image))
        .withCommand("sh", "-c", CONFIG_SCRIPT)
        .addNewEnvFrom().withNewConfigMapRef().withName(configMapName).endConfigMapRef().endEnvFrom()
        .withVolumeMounts(new VolumeMountBuilder().withName(RUNTIME_VOLUME).withMountPath(RUNTIME_DIR).build())
        .withResources(spec.resources)
        .withSecurityContext(RestrictedSecurity.container())
        .build();
    // No liveness probe: an RQ worker serves no HTTP and has no health endpoint; it exits (and is restarted) when it
    // loses Redis, and a job that hangs is ended by ckan.jobs.timeout.
    Container worker = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image)
        .withImagePullPolicy(pullPolicy(image))
        .withCommand(command)
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
              .withInitContainers(config)
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
