package io.ckan.operator.release;

import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.api.WorkersSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.SortedMap;

/**
 * What one revision runs: immutable, identified by {@link #fingerprint()}. Everything the pods of a revision
 * see is in here; replicas and rollout settings are not (they change in place).
 *
 * @param fingerprint      sha256 over everything the pods run
 * @param imageFingerprint sha256 over what goes into the image (base, core version, extensions)
 * @param image            the image reference the Deployment uses
 * @param imagePinned      whether {@link #image()} names a digest
 * @param plugins          ckan.plugins in load order, envvars last
 * @param env              environment of the CKAN container (non-secret), sorted by name
 * @param secretEnv        env vars of every CKAN container that come from Secrets (secretKeyRef only, never values)
 * @param workers          the worker tier (queues, resources, replicas), or null
 * @param storage          the uploads volume, or null
 * @param build            the image build, when the image is built by the operator ({@link #image()} is then null
 *                         until the build pushed it)
 */
public record Release(
    String fingerprint,
    String imageFingerprint,
    String version,
    String image,
    boolean imagePinned,
    List<String> plugins,
    SortedMap<String, String> env,
    ResourceRequirements resources,
    List<EnvVar> secretEnv,
    WorkersSpec workers,
    StorageSpec storage,
    ImageBuild build) {

  /** The same release running the image the build pushed. */
  public Release withImage(String builtImage) {
    return new Release(fingerprint, imageFingerprint, version, builtImage, builtImage.contains("@sha256:"), plugins,
        env, resources, secretEnv, workers, storage, build);
  }

  public String shortFingerprint() {
    return Fingerprint.short12(fingerprint);
  }
}
