package io.ckan.operator.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.it.OperatorHarness;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the real API server does where the fabric8 mock does otherwise (see simcluster's MockQuirksTest): each test pins
 * one behaviour the apiserver tier relies on or found, so the README's "what still differs" stays true.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ServerBehaviourTest extends ApiServerTier {
  private static final String NS = OperatorHarness.NS;

  private CkanInstance created(String name) {
    return admin.resource(OperatorHarness.instance(name, RolloutStory.spec("2.11.5"))).create();
  }

  @Test
  void aMainUpdateIgnoresStatusAndAStatusWriteAtAStaleResourceVersionConflicts() {
    CkanInstance ci = created("status-rules");
    CkanInstanceStatus status = new CkanInstanceStatus();
    status.currentRevision = 7;
    ci.setStatus(status);
    CkanInstance afterMain = admin.resource(ci).update();
    assertNull(afterMain.getStatus(), "a PUT of the main resource wrote status");

    afterMain.setStatus(status);
    CkanInstance afterStatus = admin.resource(afterMain).updateStatus();
    assertEquals(7, afterStatus.getStatus().currentRevision);
    assertEquals(afterMain.getMetadata().getGeneration(), afterStatus.getMetadata().getGeneration(),
        "a status write bumped the generation");

    status.currentRevision = 8;
    afterMain.setStatus(status); // still at the resourceVersion before the status write
    KubernetesClientException stale = assertThrows(KubernetesClientException.class,
        () -> admin.resource(afterMain).updateStatus());
    assertEquals(409, stale.getCode());
  }

  @Test
  void setBasedSelectorsServerSideApplyAndStrategicMergePatchWork() {
    admin.resource(configMap("sel-a", "sel-x")).create();
    admin.resource(configMap("sel-b", "sel-y")).create();
    assertEquals(List.of("sel-a"), names(admin.configMaps().inNamespace(NS).withLabelIn("tier", "sel-x").list()));
    assertEquals(List.of("sel-a", "sel-b"),
        names(admin.configMaps().inNamespace(NS).withLabelIn("tier", "sel-x", "sel-y").list()));
    ConfigMap applied = admin.resource(configMap("sel-a", "sel-z")).fieldManager("test").forceConflicts()
        .serverSideApply();
    assertEquals("sel-z", applied.getMetadata().getLabels().get("tier"));
    ConfigMap patched = admin.configMaps().inNamespace(NS).withName("sel-b")
        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"data\":{\"k\":\"w\"}}");
    assertEquals("w", patched.getData().get("k"));
  }

  @Test
  void namesAreValidatedPerKind() {
    KubernetesClientException service = assertThrows(KubernetesClientException.class, () -> admin.services()
        .inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata()
            .withName("my.portal").endMetadata().withNewSpec().addNewPort().withPort(80).endPort().endSpec().build())
        .create());
    assertEquals(422, service.getCode());
    assertNotNull(admin.resource(configMap("my.portal", "x")).create(), "a ConfigMap may have dots in its name");
  }

  @Test
  void aPodsStatusIsDroppedOnCreateAndWrittenThroughItsSubresource() {
    Pod pod = new PodBuilder().withNewMetadata().withName("ended").endMetadata().withNewSpec().withNodeName("sim-node")
        .withRestartPolicy("Never").addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
        .withNewStatus().withPhase("Succeeded").endStatus().build();
    Pod created = admin.pods().inNamespace(NS).resource(pod).create();
    assertEquals("Pending", created.getStatus().getPhase());
    created.getStatus().setPhase("Succeeded");
    assertEquals("Succeeded", admin.pods().inNamespace(NS).resource(created).updateStatus().getStatus().getPhase());
  }

  @Test
  void deploymentsAreDefaultedAndTheirGenerationMovesWithSpecAndAnnotationsNotLabels() {
    Deployment d = admin.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata()
        .withName("defaults").endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "d").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "d").endMetadata().withNewSpec().addNewContainer()
        .withName("c").withImage("busybox").endContainer().endSpec().endTemplate().endSpec().build()).create();
    assertEquals(1, d.getSpec().getReplicas());
    assertEquals(600, d.getSpec().getProgressDeadlineSeconds());
    assertEquals(10, d.getSpec().getRevisionHistoryLimit());
    assertEquals("RollingUpdate", d.getSpec().getStrategy().getType());
    assertEquals("/dev/termination-log", d.getSpec().getTemplate().getSpec().getContainers().get(0)
        .getTerminationMessagePath());
    assertEquals(1L, d.getMetadata().getGeneration());
    Deployment labelled = admin.apps().deployments().inNamespace(NS).withName("defaults")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}");
    assertEquals(1L, labelled.getMetadata().getGeneration());
    Deployment scaled = admin.apps().deployments().inNamespace(NS).withName("defaults")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":3}}");
    assertEquals(2L, scaled.getMetadata().getGeneration());
    // a Deployment's annotations count like its spec (the old rollback annotation): the operator's verdict
    // annotation makes the revision look "not rolled out" until the Deployment controller observes it again
    Deployment annotated = admin.apps().deployments().inNamespace(NS).withName("defaults")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"ckan.io/verdict\":\"Stable\"}}}");
    assertEquals(3L, annotated.getMetadata().getGeneration());
  }

  @Test
  void nothingCollectsGarbageWithoutAControllerManager() {
    ConfigMap owner = admin.resource(configMap("gc-owner", "x")).create();
    admin.resource(new ConfigMapBuilder(configMap("gc-owned", "x")).editMetadata()
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
            .withName("gc-owner").withUid(owner.getMetadata().getUid()).withController(true).build())
        .endMetadata().build()).create();
    admin.resource(owner).delete();
    admin.configMaps().inNamespace(NS).withName("gc-owner").waitUntilCondition(c -> c == null, 10, TimeUnit.SECONDS);
    io.ckan.operator.conformance.LoopbackServices.sleep(2000);
    assertNotNull(admin.configMaps().inNamespace(NS).withName("gc-owned").get(),
        "something collected the dependent: the tier's garbage is no longer left behind, update the README");
  }

  private static List<String> names(io.fabric8.kubernetes.api.model.ConfigMapList list) {
    return list.getItems().stream().map(c -> c.getMetadata().getName()).sorted().toList();
  }

  private static ConfigMap configMap(String name, String tier) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .withLabels(Map.of("tier", tier)).endMetadata().withData(Map.of("k", "v")).build();
  }
}
