package io.ckan.operator.resources;

import io.ckan.operator.contract.Names;
import io.ckan.operator.contract.Labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.IngressSpec;
import io.ckan.operator.api.StorageSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InstanceObjectsTest {

  static final Owner OWNER = new Owner("portal", "data", "uid-1");

  static IngressSpec ingressSpec(String tls, String className) {
    IngressSpec spec = new IngressSpec();
    spec.host = "data.example.org";
    spec.tlsSecretName = tls;
    spec.className = className;
    return spec;
  }

  static Stream<Arguments> ingresses() {
    return Stream.of(Arguments.of(null, null), Arguments.of("portal-tls", null), Arguments.of(null, "nginx"),
        Arguments.of("portal-tls", "traefik"));
  }

  @ParameterizedTest(name = "tls={0} class={1}")
  @MethodSource("ingresses")
  void ingressToThePointerService(String tls, String className) {
    Ingress ingress = InstanceObjects.ingress(OWNER, ingressSpec(tls, className));
    assertEquals("networking.k8s.io/v1", ingress.getApiVersion());
    assertEquals("portal", ingress.getMetadata().getName());
    assertEquals("data", ingress.getMetadata().getNamespace());
    assertEquals("uid-1", ingress.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals(Labels.OPERATOR, ingress.getMetadata().getLabels().get(Labels.MANAGED_BY));
    assertNull(ingress.getMetadata().getLabels().get(Labels.REVISION), "one Ingress for all revisions");
    assertEquals(className, ingress.getSpec().getIngressClassName());
    assertEquals(1, ingress.getSpec().getRules().size());
    var rule = ingress.getSpec().getRules().get(0);
    assertEquals("data.example.org", rule.getHost());
    var path = rule.getHttp().getPaths().get(0);
    assertEquals("/", path.getPath());
    assertEquals("Prefix", path.getPathType());
    IngressBackend backend = path.getBackend();
    assertEquals(Names.pointer("portal"), backend.getService().getName());
    assertEquals(80, backend.getService().getPort().getNumber());
    if (tls == null) {
      assertTrue(ingress.getSpec().getTls() == null || ingress.getSpec().getTls().isEmpty());
    } else {
      assertEquals(1, ingress.getSpec().getTls().size());
      assertEquals(tls, ingress.getSpec().getTls().get(0).getSecretName());
      assertEquals(List.of("data.example.org"), ingress.getSpec().getTls().get(0).getHosts());
    }
  }

  static Stream<Arguments> accessModes() {
    return Stream.of(Arguments.of(null, "ReadWriteMany"),
        Arguments.of(StorageSpec.AccessMode.ReadWriteMany, "ReadWriteMany"),
        Arguments.of(StorageSpec.AccessMode.ReadWriteOnce, "ReadWriteOnce"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("accessModes")
  void storageClaim(StorageSpec.AccessMode mode, String expected) {
    StorageSpec spec = new StorageSpec();
    spec.size = "20Gi";
    spec.accessMode = mode;
    PersistentVolumeClaim pvc = InstanceObjects.storage(OWNER, spec);
    assertEquals("portal-storage", pvc.getMetadata().getName());
    assertEquals(List.of(expected), pvc.getSpec().getAccessModes());
    assertEquals(new Quantity("20Gi"), pvc.getSpec().getResources().getRequests().get("storage"));
    assertNull(pvc.getSpec().getStorageClassName());
  }

  /** Finding 9: the uploads outlive the instance (a delete, a rename, an Argo CD prune) unless the spec opts in. */
  @Test
  void theUploadsClaimHasNoOwnerByDefaultAndSaysItIsKept() {
    StorageSpec spec = new StorageSpec();
    spec.size = "20Gi";
    PersistentVolumeClaim pvc = InstanceObjects.storage(OWNER, spec);
    assertTrue(pvc.getMetadata().getOwnerReferences() == null || pvc.getMetadata().getOwnerReferences().isEmpty(),
        "an owner reference would let the garbage collector delete the uploads with the instance");
    assertEquals("true", pvc.getMetadata().getAnnotations().get(InstanceObjects.OUTLIVES_INSTANCE));
    assertEquals(Labels.instance("portal", InstanceObjects.STORAGE), pvc.getMetadata().getLabels());
    assertEquals("data", pvc.getMetadata().getNamespace());
  }

  @Test
  void deleteWithInstanceMakesTheInstanceItsOwner() {
    StorageSpec spec = new StorageSpec();
    spec.size = "20Gi";
    spec.deleteWithInstance = true;
    PersistentVolumeClaim pvc = InstanceObjects.storage(OWNER, spec);
    assertEquals(List.of(OWNER.reference()), pvc.getMetadata().getOwnerReferences());
    assertNull(pvc.getMetadata().getAnnotations().get(InstanceObjects.OUTLIVES_INSTANCE));
    assertEquals(Labels.instance("portal", InstanceObjects.STORAGE), pvc.getMetadata().getLabels());
  }

  @Test
  void storageClassWhenGiven() {
    StorageSpec spec = new StorageSpec();
    spec.size = "5Gi";
    spec.storageClassName = "efs";
    assertEquals("efs", InstanceObjects.storage(OWNER, spec).getSpec().getStorageClassName());
  }

  @Test
  void volumeAndMountForThePods() {
    var volume = InstanceObjects.storageVolume("portal");
    assertEquals("portal-storage", volume.getPersistentVolumeClaim().getClaimName());
    var mount = InstanceObjects.storageMount();
    assertEquals(volume.getName(), mount.getName());
    assertEquals("/var/lib/ckan", mount.getMountPath());
  }
}
