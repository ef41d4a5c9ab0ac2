package io.ckan.operator.resources;

import io.ckan.operator.contract.Names;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.release.Release;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure builders for the objects of one revision: the immutable ConfigMap snapshot, the web Deployment and the
 * per-revision Service. All carry the revision label and the release's fingerprint annotations. The web container
 * runs the operator's start command ({@link CkanStart}), never the image's entrypoint.
 */
public final class RevisionObjects {
  private RevisionObjects() {}

  public static final String CONTAINER = "ckan";
  public static final String PORT_NAME = "http";
  public static final int CKAN_PORT = 5000;
  public static final int SERVICE_PORT = 80;
  public static final String STATUS_PATH = "/api/3/action/status_show";
  public static final long CKAN_UID = 503;
  public static final long CKAN_GID = 502;

  public static Map<String, String> annotations(Release release) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Labels.FINGERPRINT, release.fingerprint());
    annotations.put(Labels.IMAGE_FINGERPRINT, release.imageFingerprint());
    annotations.put(Labels.CKAN_VERSION, release.version());
    if (release.image() != null) {
      annotations.put(Labels.IMAGE, release.image());
    }
    annotations.put(Labels.IMAGE_SOURCE, release.build() != null ? "build" : release.imagePinned() ? "prebuilt"
        : "base");
    annotations.put(Labels.PLUGINS, String.join(",", release.plugins()));
    if (release.build() != null) {
      annotations.put(Labels.EXTENSIONS, extensions(release.build().extensions()));
    }
    return annotations;
  }

  /** The extensions a built image installs, by name, as {@link Labels#EXTENSIONS} records them. */
  static String extensions(List<io.ckan.operator.api.ExtensionSpec> extensions) {
    java.util.TreeMap<String, String> installed = new java.util.TreeMap<>();
    for (io.ckan.operator.api.ExtensionSpec e : extensions == null ? List.<io.ckan.operator.api.ExtensionSpec>of() : extensions) {
      String source = e.pip != null ? "pip " + e.pip : "git " + e.git.url + "@" + e.git.ref;
      installed.put(e.name, source + (e.requirementsFile == null ? "" : " -r " + e.requirementsFile));
    }
    return io.fabric8.kubernetes.client.utils.Serialization.asJson(installed);
  }

  public static ConfigMap configMap(Owner owner, int revision, Release release) {
    return new ConfigMapBuilder()
        .withMetadata(owner.meta(Names.revision(owner.name(), revision),
            Labels.revision(owner.name(), Labels.WEB, revision), annotations(release)))
        .withImmutable(true)
        .withData(new LinkedHashMap<>(release.env()))
        .build();
  }

  public static Service service(Owner owner, int revision, Release release) {
    return new ServiceBuilder()
        .withMetadata(owner.meta(Names.revision(owner.name(), revision),
            Labels.revision(owner.name(), Labels.WEB, revision), annotations(release)))
        .withNewSpec()
          .withType("ClusterIP")
          .withSelector(Labels.webSelector(owner.name(), revision))
          .addNewPort().withName(PORT_NAME).withPort(SERVICE_PORT)
            .withTargetPort(new IntOrString(PORT_NAME)).withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }

  public static Deployment deployment(Owner owner, int revision, Release release, int replicas,
      int progressDeadlineSeconds) {
    String name = Names.revision(owner.name(), revision);
    Map<String, String> podLabels = Labels.revision(owner.name(), Labels.WEB, revision);
    podLabels.put(Labels.VERSION, release.version());
    Deployment deployment = new DeploymentBuilder()
        .withMetadata(owner.meta(name, Labels.revision(owner.name(), Labels.WEB, revision), annotations(release)))
        .withNewSpec()
          .withReplicas(replicas)
          .withProgressDeadlineSeconds(progressDeadlineSeconds)
          .withRevisionHistoryLimit(1)
          .withNewSelector().withMatchLabels(Labels.webSelector(owner.name(), revision)).endSelector()
          .withNewTemplate()
            .withNewMetadata().withLabels(podLabels)
              .withAnnotations(Map.of(Labels.FINGERPRINT, release.fingerprint())).endMetadata()
            .withNewSpec()
              .withAutomountServiceAccountToken(false)
              .withEnableServiceLinks(false)
              .withNewSecurityContext()
                .withRunAsNonRoot(true)
                // the ckan-base images' `ckan` user and `ckan-sys` group; numeric, so the kubelet can check non-root
                .withRunAsUser(CKAN_UID)
                .withRunAsGroup(CKAN_GID)
                .withFsGroup(CKAN_GID)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
              .endSecurityContext()
              .addNewContainer()
                .withName(CONTAINER)
                .withImage(release.image())
                .withImagePullPolicy(release.imagePinned() ? "IfNotPresent" : "Always")
                .addNewPort().withName(PORT_NAME).withContainerPort(CKAN_PORT).withProtocol("TCP").endPort()
                .withCommand(CkanStart.command(CkanStart.WEB, List.of()))
                .addNewEnvFrom().withNewConfigMapRef().withName(name).endConfigMapRef().endEnvFrom()
                .withEnv(env(release))
                .withVolumeMounts(CkanStart.runtimeMount())
                .withTerminationMessagePath(CkanStart.TERMINATION_LOG)
                .withTerminationMessagePolicy("File")
                .withResources(release.resources())
                .withStartupProbe(probe(10, 5, 60))
                .withReadinessProbe(probe(10, 5, 3))
                .withLivenessProbe(alive())
                .withNewSecurityContext()
                  .withAllowPrivilegeEscalation(false)
                  .withRunAsNonRoot(true)
                  .withNewCapabilities().addToDrop("ALL").endCapabilities()
                  .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
              .endContainer()
              .withVolumes(CkanStart.runtimeVolume())
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
    if (release.storage() != null) {
      deployment.getSpec().getTemplate().getSpec().getVolumes().add(InstanceObjects.storageVolume(owner.name()));
      deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts()
          .add(InstanceObjects.storageMount());
    }
    return deployment;
  }

  /** The revision's migration Job ({@link MigrationObjects}): its image, config snapshot, plugins and secrets. */
  public static io.fabric8.kubernetes.api.model.batch.v1.Job migration(Owner owner, int revision, Release release) {
    return MigrationObjects.migrate(owner, revision, release.image(), release.version(), release.plugins(),
        Names.revision(owner.name(), revision), release.secretEnv(), annotations(release));
  }

  /** The revision's worker Deployment ({@link WorkerObjects}), or null when the spec has no workers. */
  public static Deployment worker(Owner owner, int revision, Release release, int replicas) {
    if (release.workers() == null) {
      return null;
    }
    return WorkerObjects.worker(owner, revision, release.image(), Names.revision(owner.name(), revision),
        release.secretEnv(), release.workers(), replicas, annotations(release), release.storage());
  }

  /** The expected CKAN version (checked by the start command), then the Secret-backed env. */
  private static List<EnvVar> env(Release release) {
    List<EnvVar> env = new ArrayList<>();
    env.add(CkanStart.expectedVersion(release.version()));
    if (release.secretEnv() != null) {
      env.addAll(release.secretEnv());
    }
    return env;
  }

  /**
   * Liveness asks only whether the web server accepts connections: status_show answers 500 whenever PostgreSQL is
   * down (CKAN reads system_info from the database before every request; recorded from CKAN 2.11.5 in
   * simcluster's ckan-recordings/outage-database.json), and restarting every web pod of every revision during a
   * database outage fixes nothing and delays the recovery. Readiness keeps asking status_show.
   */
  private static Probe alive() {
    return new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString(PORT_NAME)).endTcpSocket()
        .withPeriodSeconds(20).withTimeoutSeconds(10).withFailureThreshold(6).build();
  }

  private static Probe probe(int periodSeconds, int timeoutSeconds, int failureThreshold) {
    HTTPGetAction get = new HTTPGetActionBuilder().withPath(STATUS_PATH).withPort(new IntOrString(PORT_NAME)).build();
    return new ProbeBuilder().withHttpGet(get).withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(timeoutSeconds).withFailureThreshold(failureThreshold).build();
  }
}
