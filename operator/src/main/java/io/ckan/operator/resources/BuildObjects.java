package io.ckan.operator.resources;

import io.ckan.operator.contract.Labels;
import io.ckan.operator.api.BuildSpec;
import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.release.Fingerprint;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pure builders for an image build: the Dockerfile ConfigMap and the Job that resolves git refs, builds and pushes
 * the image, and reports {@code {"digest":...,"commits":{...}}} in its termination message
 * ({@link io.ckan.operator.release.BuildResult}). Both are immutable records of the build and can be shared by
 * several instances, so their owner references are never controllers.
 */
public final class BuildObjects {
  private BuildObjects() {}

  public static final String DOCKERFILE_KEY = "Dockerfile";

  /**
   * One image build.
   *
   * @param extensions     as in the spec; git refs are resolved by the Job itself
   * @param pushSecret     kubernetes.io/dockerconfigjson Secret for the registry, or null (no credentials)
   * @param timeoutSeconds the Job's activeDeadlineSeconds
   */
  public record BuildRequest(String imageFingerprint, String tag, List<ExtensionSpec> extensions,
      BuildSpec.Builder builder, String pushSecret, int timeoutSeconds) {
    public BuildRequest {
      extensions = extensions == null ? List.of() : List.copyOf(extensions);
      builder = builder == null ? BuildSpec.Builder.buildkit : builder;
    }
  }

  /** Non-controller references: deleting any one owner leaves the build to the others. */
  public static List<OwnerReference> ownerReferences(Owner... owners) {
    Map<String, OwnerReference> byUid = new LinkedHashMap<>();
    for (Owner owner : owners) {
      byUid.putIfAbsent(owner.uid(), new OwnerReferenceBuilder()
          .withApiVersion(CkanInstance.GROUP + "/" + CkanInstance.VERSION)
          .withKind("CkanInstance")
          .withName(owner.name())
          .withUid(owner.uid())
          .withController(false)
          .withBlockOwnerDeletion(false)
          .build());
    }
    return List.copyOf(byUid.values());
  }

  public static Map<String, String> labels(Owner owner, String imageFingerprint) {
    Map<String, String> labels = Labels.instance(owner.name(), Labels.BUILD);
    labels.put(Labels.IMAGE_FP12, Fingerprint.short12(imageFingerprint));
    return labels;
  }

  public static ConfigMap dockerfile(Owner owner, String name, String dockerfile, String imageFingerprint) {
    return new ConfigMapBuilder()
        .withMetadata(meta(owner, name, imageFingerprint, Map.of(Labels.IMAGE_FINGERPRINT, imageFingerprint)))
        .withImmutable(true)
        .withData(Map.of(DOCKERFILE_KEY, dockerfile))
        .build();
  }

  /**
   * The build Job. No retries ({@code backoffLimit: 0}: the operator decides whether a fingerprint is built again),
   * bounded by {@code activeDeadlineSeconds}, and kept after it finishes (no TTL): it is the record of the build.
   */
  public static Job job(Owner owner, String name, BuildRequest request) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Labels.IMAGE_FINGERPRINT, request.imageFingerprint());
    annotations.put(Labels.IMAGE_TAG, request.tag());
    BuildContainers.BuilderPod builder = BuildContainers.forBuilder(request.builder(), request);
    return new JobBuilder()
        .withMetadata(meta(owner, name, request.imageFingerprint(), annotations))
        .withNewSpec()
          .withBackoffLimit(0)
          .withActiveDeadlineSeconds((long) request.timeoutSeconds())
          .withNewTemplate()
            .withNewMetadata()
              .withLabels(labels(owner, request.imageFingerprint()))
              .withAnnotations(builder.podAnnotations())
            .endMetadata()
            .withSpec(podSpec(name, request, builder))
          .endTemplate()
        .endSpec()
        .build();
  }

  private static PodSpec podSpec(String name, BuildRequest request, BuildContainers.BuilderPod builder) {
    List<ExtensionSpec> git = request.extensions().stream().filter(e -> e.git != null)
        .sorted(Comparator.comparing(e -> e.name)).toList();
    List<Volume> volumes = new ArrayList<>();
    volumes.add(BuildContainers.emptyDir(BuildContainers.WORK_VOLUME));
    volumes.add(new VolumeBuilder().withName(BuildContainers.DOCKERFILE_VOLUME)
        .withNewConfigMap().withName(name).addNewItem().withKey(DOCKERFILE_KEY).withPath(DOCKERFILE_KEY).endItem()
        .endConfigMap().build());
    if (request.pushSecret() != null) {
      volumes.add(new VolumeBuilder().withName(BuildContainers.PUSH_AUTH_VOLUME)
          .withNewSecret().withSecretName(request.pushSecret())
          .addNewItem().withKey(BuildContainers.DOCKER_CONFIG_JSON_KEY).withPath("config.json").endItem()
          .endSecret().build());
    }
    volumes.addAll(builder.volumes());
    PodSpecBuilder spec = new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
          .withRunAsNonRoot(true)
          .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .withContainers(builder.container())
        .withVolumes(volumes);
    if (!git.isEmpty()) {
      spec.withInitContainers(BuildContainers.resolveRefs(git));
    }
    return spec.build();
  }

  private static ObjectMeta meta(Owner owner, String name, String imageFingerprint, Map<String, String> annotations) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(owner.namespace())
        .withLabels(labels(owner, imageFingerprint))
        .withAnnotations(new LinkedHashMap<>(annotations))
        .withOwnerReferences(ownerReferences(owner))
        .build();
  }
}
