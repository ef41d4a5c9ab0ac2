package io.ckan.operator.resources;

import io.ckan.operator.resources.RuntimeEnv;
import io.ckan.operator.contract.Names;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.api.IngressSpec;
import io.ckan.operator.api.StorageSpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.ArrayList;
import java.util.Map;

/** Pure: objects of the instance as a whole, shared by all revisions: the Ingress and the uploads PVC. */
public final class InstanceObjects {
  private InstanceObjects() {}

  public static final String INGRESS = "ingress";
  public static final String STORAGE = "storage";
  public static final String STORAGE_VOLUME = "storage";
  /** On the uploads PVC: it is kept when the instance is deleted (kubectl delete pvc to remove it). */
  public static final String OUTLIVES_INSTANCE = "ckan.io/outlives-instance";

  public static String storageName(String instance) {
    return Names.OfInstance.STORAGE.of(instance);
  }

  /** Ingress {@code <instance>} (networking.k8s.io/v1): the host, all paths, to the pointer Service's port 80. */
  public static Ingress ingress(Owner owner, IngressSpec spec) {
    return ingress(owner.meta(Names.pointer(owner.name()), Labels.instance(owner.name(), INGRESS), Map.of()),
        spec.className, spec.host, spec.tlsSecretName, Names.pointer(owner.name()));
  }

  /** An Ingress sending every path of {@code host} to port 80 of Service {@code service}; TLS when a Secret is named. */
  static Ingress ingress(io.fabric8.kubernetes.api.model.ObjectMeta meta, String className, String host,
      String tlsSecretName, String service) {
    IngressBuilder ingress = new IngressBuilder().withMetadata(meta);
    var body = ingress.withNewSpec();
    if (className != null) {
      body.withIngressClassName(className);
    }
    if (tlsSecretName != null) {
      body.addNewTl().withHosts(host).withSecretName(tlsSecretName).endTl();
    }
    body.addNewRule()
          .withHost(host)
          .withNewHttp()
            .addNewPath()
              .withPath("/")
              .withPathType("Prefix")
              .withNewBackend()
                .withNewService()
                  .withName(service)
                  .withNewPort().withNumber(RevisionObjects.SERVICE_PORT).endPort()
                .endService()
              .endBackend()
            .endPath()
          .endHttp()
        .endRule()
        .endSpec();
    return ingress.build();
  }

  /**
   * PVC {@code <instance>-storage} for uploads; ReadWriteMany unless the spec says otherwise. The uploads are data,
   * not release machinery: by default the claim has no owner reference, so deleting or renaming the instance (or an
   * Argo CD prune) leaves it, and a re-created instance of the same name reuses it. It is labelled with the instance
   * and annotated {@value #OUTLIVES_INSTANCE}. {@code spec.storage.deleteWithInstance: true} makes the instance its
   * owner instead (the garbage collector deletes it with the instance).
   */
  public static PersistentVolumeClaim storage(Owner owner, StorageSpec spec) {
    StorageSpec.AccessMode mode = spec.accessMode == null ? StorageSpec.AccessMode.ReadWriteMany : spec.accessMode;
    boolean owned = spec.deleteWithInstanceOrDefault();
    ObjectMeta meta = owner.meta(storageName(owner.name()), Labels.instance(owner.name(), STORAGE),
        owned ? Map.of() : Map.of(OUTLIVES_INSTANCE, "true"));
    if (!owned) {
      meta.setOwnerReferences(new ArrayList<>());
    }
    return new PersistentVolumeClaimBuilder()
        .withMetadata(meta)
        .withNewSpec()
          .withAccessModes(mode.name())
          .withStorageClassName(spec.storageClassName)
          .withNewResources().addToRequests("storage", new Quantity(spec.size)).endResources()
        .endSpec()
        .build();
  }

  /** The uploads volume for a pod spec (web and worker Deployments). */
  public static Volume storageVolume(String instance) {
    return new VolumeBuilder().withName(STORAGE_VOLUME)
        .withNewPersistentVolumeClaim().withClaimName(storageName(instance)).endPersistentVolumeClaim()
        .build();
  }

  /** Mounts {@link #storageVolume} at CKAN_STORAGE_PATH (/var/lib/ckan, owned by the images' ckan user). */
  public static VolumeMount storageMount() {
    return new VolumeMountBuilder().withName(STORAGE_VOLUME).withMountPath(RuntimeEnv.STORAGE_DIR).build();
  }
}
