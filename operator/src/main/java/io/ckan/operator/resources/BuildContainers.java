package io.ckan.operator.resources;

import io.ckan.operator.api.BuildSpec;
import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.release.Dockerfile;
import io.ckan.operator.release.ImageTag;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The containers of a build Job: the {@code resolve-refs} init container and one build container per builder. Images
 * are pinned by digest; the release pipeline bumps these constants (and only it does).
 */
final class BuildContainers {
  private BuildContainers() {}

  /** git for {@code ls-remote}. Tag and digest as pinned in public projects (docker.io/alpine/git). */
  static final String GIT_IMAGE =
      "alpine/git:v2.49.1@sha256:c0280cf9572316299b08544065d3bf35db65043d5e3963982ec50647d2746e26";
  /** BuildKit, rootless variant (runs as uid 1000, no privileged mode). */
  static final String BUILDKIT_IMAGE =
      "moby/buildkit:v0.33.0-rootless@sha256:80b15f0735e87bab7bf59ec4d695dfb4a7cfb25521cf56dc75d6f256285b63ef";
  /**
   * kaniko from the maintained fork (osscontainertools/kaniko; Google archived GoogleContainerTools/kaniko in June
   * 2025). The debug variant, because the job needs its busybox shell around the executor.
   */
  static final String KANIKO_IMAGE = "ghcr.io/osscontainertools/kaniko:v1.28.5-debug"
      + "@sha256:d6d74217dc077acfd3094992e917c357080a2d3fdd1042a49e34e29a7e57c572";
  /** buildah's own image (quay.io/buildah/stable, multi-arch index). */
  static final String BUILDAH_IMAGE =
      "quay.io/buildah/stable@sha256:56e6ebc9bb71c8303b1968fb51304d3512e14a1b8c730bd0b27ebdf772a34ceb";

  static final String RESOLVE_CONTAINER = "resolve-refs";
  static final String BUILD_CONTAINER = "build";
  static final String TERMINATION_LOG = "/dev/termination-log";

  static final String WORK_VOLUME = "work";
  static final String WORK_PATH = "/work";
  static final String DOCKERFILE_VOLUME = "dockerfile";
  static final String DOCKERFILE_PATH = "/work/dockerfile";
  static final String PUSH_AUTH_VOLUME = "push-auth";
  static final String PUSH_AUTH_PATH = "/push-auth";
  /** Key of a kubernetes.io/dockerconfigjson Secret. */
  static final String DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson";
  static final String BUILDKIT_STATE_VOLUME = "buildkit-state";
  static final String BUILDAH_STORAGE_VOLUME = "buildah-storage";

  static final long GIT_UID = 65532;
  static final long BUILDKIT_UID = 1000;
  static final long BUILDAH_UID = 1000;

  /** What one builder adds to the pod: its container, its own volumes, and pod annotations it needs. */
  record BuilderPod(Container container, List<Volume> volumes, Map<String, String> podAnnotations) {}

  static BuilderPod forBuilder(BuildSpec.Builder builder, BuildObjects.BuildRequest request) {
    return switch (builder) {
      case buildkit -> buildkit(request);
      case kaniko -> kaniko(request);
      case buildah -> buildah(request);
    };
  }

  /**
   * BuildKit rootless, as moby/buildkit's examples/kubernetes/job.rootless.yaml runs it: uid/gid 1000 (the image's
   * user; another uid needs a rebuilt image), {@code BUILDKITD_FLAGS=--oci-worker-no-process-sandbox} because an
   * unprivileged container cannot mount a fresh procfs for RUN steps (they share buildkitd's PID namespace instead),
   * and seccomp and AppArmor unconfined because rootlesskit creates user and mount namespaces, which the runtimes'
   * default profiles forbid. Its newuidmap/newgidmap helpers need their file capabilities, so privilege escalation
   * stays allowed and the runtime's default capability bounding set is kept; it is still not privileged. The state
   * directory is an emptyDir (the image's VOLUME is mounted nosuid,nodev on some nodes, e.g. Container-Optimized OS).
   */
  static BuilderPod buildkit(BuildObjects.BuildRequest request) {
    List<EnvVar> env = commonEnv(request, ImageTag.repository(request.tag()) + ":buildcache", "--opt", "build-arg:");
    env.add(env("BUILDKITD_FLAGS", "--oci-worker-no-process-sandbox"));
    if (request.pushSecret() != null) {
      env.add(env("DOCKER_CONFIG", PUSH_AUTH_PATH));
    }
    List<VolumeMount> mounts = commonMounts(request);
    mounts.add(mount(BUILDKIT_STATE_VOLUME, "/home/user/.local/share/buildkit", false));
    Container container = buildContainer(BuildSpec.Builder.buildkit, BUILDKIT_IMAGE, "/bin/sh", env, mounts,
        unconfined(BUILDKIT_UID));
    return new BuilderPod(container, List.of(emptyDir(BUILDKIT_STATE_VOLUME)), apparmorUnconfined());
  }

  /**
   * kaniko needs no namespaces (so seccomp and AppArmor stay RuntimeDefault) but must run as root inside its
   * container: it unpacks the base image over its own root filesystem and sets file owners. Not privileged, no
   * privilege escalation, the runtime's default capabilities. Layer cache: {@code <repository>/cache}, kaniko's own
   * default layout.
   */
  static BuilderPod kaniko(BuildObjects.BuildRequest request) {
    List<EnvVar> env = commonEnv(request, ImageTag.repository(request.tag()) + "/cache", "--build-arg", "");
    if (request.pushSecret() != null) {
      env.add(env("DOCKER_CONFIG", PUSH_AUTH_PATH));
    }
    SecurityContext security = new SecurityContextBuilder()
        .withPrivileged(false)
        .withAllowPrivilegeEscalation(false)
        .withRunAsUser(0L)
        .withRunAsGroup(0L)
        .withRunAsNonRoot(false)
        .build();
    Container container = buildContainer(BuildSpec.Builder.kaniko, KANIKO_IMAGE, "/busybox/sh", env,
        commonMounts(request), security);
    return new BuilderPod(container, List.of(), Map.of());
  }

  /**
   * buildah rootless as the image's {@code build} user (uid 1000, sub-ids in /etc/subuid), chroot isolation (the
   * image's default) and vfs storage (no /dev/fuse in an unprivileged pod). Like BuildKit it creates a user namespace
   * through newuidmap/newgidmap, so it needs the same seccomp/AppArmor and privilege-escalation allowances.
   */
  static BuilderPod buildah(BuildObjects.BuildRequest request) {
    List<EnvVar> env = commonEnv(request, ImageTag.repository(request.tag()) + "/cache", "--build-arg", "");
    env.add(env("STORAGE_DRIVER", "vfs"));
    env.add(env("BUILDAH_ISOLATION", "chroot"));
    env.add(env("HOME", "/home/build"));
    if (request.pushSecret() != null) {
      env.add(env("REGISTRY_AUTH_FILE", PUSH_AUTH_PATH + "/config.json"));
    }
    List<VolumeMount> mounts = commonMounts(request);
    mounts.add(mount(BUILDAH_STORAGE_VOLUME, "/home/build/.local/share/containers", false));
    Container container = buildContainer(BuildSpec.Builder.buildah, BUILDAH_IMAGE, "/bin/sh", env, mounts,
        unconfined(BUILDAH_UID));
    return new BuilderPod(container, List.of(emptyDir(BUILDAH_STORAGE_VOLUME)), apparmorUnconfined());
  }

  /**
   * Resolves the git refs before the build (see {@link BuildScripts#RESOLVE_REFS}). URL, ref and the rest reach the
   * script as environment variables only.
   */
  static Container resolveRefs(List<ExtensionSpec> gitExtensions) {
    List<EnvVar> env = new ArrayList<>();
    env.add(env("EXT_COUNT", Integer.toString(gitExtensions.size())));
    for (int i = 0; i < gitExtensions.size(); i++) {
      ExtensionSpec extension = gitExtensions.get(i);
      env.add(env("EXT_" + i + "_NAME", extension.name));
      env.add(env("EXT_" + i + "_URL", extension.git.url));
      env.add(env("EXT_" + i + "_REF", extension.git.ref));
      env.add(env("EXT_" + i + "_ARG", Dockerfile.argName(extension.name)));
      env.add(env("EXT_" + i + "_ALLOW_FLOATING", Boolean.toString(Boolean.TRUE.equals(extension.git.allowFloatingRef))));
    }
    env.add(env("GIT_TERMINAL_PROMPT", "0"));
    env.add(env("HOME", "/tmp"));
    return new ContainerBuilder()
        .withName(RESOLVE_CONTAINER)
        .withImage(GIT_IMAGE)
        .withImagePullPolicy("IfNotPresent")
        .withCommand("/bin/sh", "-c", BuildScripts.RESOLVE_REFS)
        .withEnv(env)
        .withVolumeMounts(mount(WORK_VOLUME, WORK_PATH, false))
        .withResources(resources("50m", "64Mi", "500m", "256Mi", null, null))
        .withTerminationMessagePath(TERMINATION_LOG)
        .withTerminationMessagePolicy("File")
        .withSecurityContext(new SecurityContextBuilder()
            .withPrivileged(false)
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withRunAsNonRoot(true)
            .withRunAsUser(GIT_UID)
            .withRunAsGroup(GIT_UID)
            .withNewCapabilities().addToDrop("ALL").endCapabilities()
            .build())
        .build();
  }

  private static Container buildContainer(BuildSpec.Builder builder, String image, String shell, List<EnvVar> env,
      List<VolumeMount> mounts, SecurityContext security) {
    return new ContainerBuilder()
        .withName(BUILD_CONTAINER)
        .withImage(image)
        .withImagePullPolicy("IfNotPresent")
        .withCommand(shell, "-c", BuildScripts.build(builder))
        .withEnv(env)
        .withVolumeMounts(mounts)
        // a build unpacks the CKAN base image (about 1 GB) and compiles wheels; buildah's vfs copies every layer
        .withResources(resources("500m", "1Gi", "2", "4Gi", "2Gi", "20Gi"))
        .withTerminationMessagePath(TERMINATION_LOG)
        .withTerminationMessagePolicy("File")
        .withSecurityContext(security)
        .build();
  }

  private static List<EnvVar> commonEnv(BuildObjects.BuildRequest request, String cacheRef, String argFlag,
      String argPrefix) {
    List<EnvVar> env = new ArrayList<>();
    env.add(env("IMAGE_TAG", request.tag()));
    env.add(env("LOCK_PATH", io.ckan.operator.release.Dockerfile.LOCK_PATH));
    env.add(env("CACHE_REF", cacheRef));
    env.add(env("BUILD_ARG_FLAG", argFlag));
    env.add(env("BUILD_ARG_PREFIX", argPrefix));
    return env;
  }

  private static List<VolumeMount> commonMounts(BuildObjects.BuildRequest request) {
    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(WORK_VOLUME, WORK_PATH, false));
    mounts.add(mount(DOCKERFILE_VOLUME, DOCKERFILE_PATH, true));
    if (request.pushSecret() != null) {
      mounts.add(mount(PUSH_AUTH_VOLUME, PUSH_AUTH_PATH, true));
    }
    return mounts;
  }

  /** Non-root, not privileged, but with the user-namespace allowances rootless builders need (see buildkit()). */
  private static SecurityContext unconfined(long uid) {
    return new SecurityContextBuilder()
        .withPrivileged(false)
        .withAllowPrivilegeEscalation(true)
        .withRunAsNonRoot(true)
        .withRunAsUser(uid)
        .withRunAsGroup(uid)
        .withNewSeccompProfile().withType("Unconfined").endSeccompProfile()
        .withNewAppArmorProfile().withType("Unconfined").endAppArmorProfile()
        .build();
  }

  /** The AppArmor field exists from Kubernetes 1.30; older clusters read this annotation (as BuildKit's examples). */
  private static Map<String, String> apparmorUnconfined() {
    return Map.of("container.apparmor.security.beta.kubernetes.io/" + BUILD_CONTAINER, "unconfined");
  }

  private static ResourceRequirements resources(String cpu, String memory, String cpuLimit, String memoryLimit,
      String storage, String storageLimit) {
    ResourceRequirementsBuilder builder = new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(cpu))
        .addToRequests("memory", new Quantity(memory))
        .addToLimits("cpu", new Quantity(cpuLimit))
        .addToLimits("memory", new Quantity(memoryLimit));
    if (storage != null) {
      builder.addToRequests("ephemeral-storage", new Quantity(storage))
          .addToLimits("ephemeral-storage", new Quantity(storageLimit));
    }
    return builder.build();
  }

  static EnvVar env(String name, String value) {
    return new EnvVar(name, value, null);
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly).build();
  }

  static Volume emptyDir(String name) {
    return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
  }
}
