package io.ckan.operator.resources;

import io.ckan.operator.contract.Labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.api.WorkersSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WorkerObjectsTest {

  static final Owner OWNER = new Owner("portal", "data", "uid-1");
  static final String IMAGE = "registry.example.org/ckan/portal@sha256:" + "b".repeat(64);
  static final List<EnvVar> SECRET_ENV = List.of(new EnvVarBuilder().withName("CKAN_REDIS_URL")
      .withNewValueFrom().withNewSecretKeyRef().withName("portal-redis").withKey("url").endSecretKeyRef().endValueFrom()
      .build());
  static final Map<String, String> ANNOTATIONS = Map.of(Labels.FINGERPRINT, "f".repeat(64),
      Labels.CKAN_VERSION, "2.11.5");

  static WorkersSpec workers(List<String> queues) {
    WorkersSpec w = new WorkersSpec();
    w.queues = queues;
    w.resources = new ResourceRequirementsBuilder().addToRequests("memory", new Quantity("512Mi")).build();
    return w;
  }

  static Deployment worker(WorkersSpec workers, StorageSpec storage) {
    return WorkerObjects.worker(OWNER, 4, IMAGE, "portal-r4", SECRET_ENV, workers, 2, ANNOTATIONS, storage);
  }

  static PodSpec pod(Deployment d) {
    return d.getSpec().getTemplate().getSpec();
  }

  static Container main(Deployment d) {
    return pod(d).getContainers().get(0);
  }

  static Stream<Arguments> queues() {
    return Stream.of(
        Arguments.of(null, List.of("default")),
        Arguments.of(List.of(), List.of("default")),
        Arguments.of(List.of("default"), List.of("default")),
        Arguments.of(List.of("default", "xloader", "harvest-gather"), List.of("default", "xloader", "harvest-gather")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("queues")
  void runsCkanJobsWorkerOnTheQueuesGivenAsArgumentsNotScriptText(List<String> queues, List<String> expected) {
    Container c = main(worker(workers(queues), null));
    assertEquals(CkanStart.command(CkanStart.WORKER, expected), c.getCommand());
    assertTrue(c.getArgs() == null || c.getArgs().isEmpty());
    expected.forEach(queue -> assertFalse(CkanStart.SCRIPT.contains(queue), queue));
  }


  @Test
  void nameLabelsAndSelector() {
    Deployment d = worker(workers(null), null);
    assertEquals("portal-r4-worker", d.getMetadata().getName());
    assertEquals("data", d.getMetadata().getNamespace());
    assertEquals(Labels.revision("portal", Labels.WORKER, 4), d.getMetadata().getLabels());
    assertEquals(Map.of(Labels.INSTANCE, "portal", Labels.COMPONENT, "worker", Labels.REVISION, "4"),
        d.getSpec().getSelector().getMatchLabels());
    Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
    assertTrue(podLabels.entrySet().containsAll(d.getSpec().getSelector().getMatchLabels().entrySet()));
    assertEquals("2.11.5", podLabels.get(Labels.VERSION));
    // never selected by the web Services
    assertFalse(podLabels.entrySet().containsAll(Labels.webSelector("portal", 4).entrySet()));
    assertEquals(ANNOTATIONS, d.getMetadata().getAnnotations());
    assertEquals("f".repeat(64), d.getSpec().getTemplate().getMetadata().getAnnotations().get(Labels.FINGERPRINT));
    assertEquals(2, d.getSpec().getReplicas());
    assertEquals(true, d.getMetadata().getOwnerReferences().get(0).getController());
  }

  @Test
  void restrictedSecurityContextLikeTheWebPods() {
    Deployment d = worker(workers(null), null);
    var ps = pod(d).getSecurityContext();
    assertEquals(true, ps.getRunAsNonRoot());
    assertEquals(503L, ps.getRunAsUser());
    assertEquals(502L, ps.getRunAsGroup());
    assertEquals(502L, ps.getFsGroup());
    assertEquals("RuntimeDefault", ps.getSeccompProfile().getType());
    assertEquals(false, pod(d).getAutomountServiceAccountToken());
    Stream.concat(pod(d).getInitContainers().stream(), pod(d).getContainers().stream()).forEach(c -> {
      assertEquals(false, c.getSecurityContext().getAllowPrivilegeEscalation(), c.getName());
      assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(), c.getName());
      assertEquals(IMAGE, c.getImage(), c.getName());
      assertEquals("IfNotPresent", c.getImagePullPolicy(), c.getName());
    });
  }

  @Test
  void configFromTheRevisionConfigMapAndSecretsAsReferences() {
    Deployment d = worker(workers(null), null);
    Container c = main(d);
    assertEquals("portal-r4", c.getEnvFrom().get(0).getConfigMapRef().getName());
    EnvVar redis = c.getEnv().stream().filter(e -> e.getName().equals("CKAN_REDIS_URL")).findFirst().orElseThrow();
    assertNull(redis.getValue());
    assertEquals("portal-redis", redis.getValueFrom().getSecretKeyRef().getName());
    assertEquals(new Quantity("512Mi"), c.getResources().getRequests().get("memory"));
    assertNull(c.getLivenessProbe(), "an RQ worker has no endpoint to probe");
    assertTrue(c.getPorts() == null || c.getPorts().isEmpty(), "no ports");
  }

  @Test
  void startsThroughTheOperatorsStartCommandWithTheQueuesAsArguments() {
    Deployment d = worker(workers(List.of("default", "bulk")), null);
    assertTrue(pod(d).getInitContainers() == null || pod(d).getInitContainers().isEmpty());
    assertEquals(CkanStart.command(CkanStart.WORKER, List.of("default", "bulk")), main(d).getCommand());
    assertTrue(main(d).getVolumeMounts().contains(CkanStart.runtimeMount()));
    assertTrue(pod(d).getVolumes().contains(CkanStart.runtimeVolume()));
    assertTrue(main(d).getEnv().stream().anyMatch(e -> e.getName().equals(CkanStart.EXPECTED_VERSION_ENV)
        && "2.11.5".equals(e.getValue())), "" + main(d).getEnv());
  }

  @Test
  void storageWhenGiven() {
    StorageSpec storage = new StorageSpec();
    storage.size = "20Gi";
    Deployment with = worker(workers(null), storage);
    assertTrue(main(with).getVolumeMounts().contains(InstanceObjects.storageMount()));
    assertTrue(pod(with).getVolumes().contains(InstanceObjects.storageVolume("portal")));
    Deployment without = worker(workers(null), null);
    assertFalse(main(without).getVolumeMounts().contains(InstanceObjects.storageMount()));
    assertEquals(without, WorkerObjects.worker(OWNER, 4, IMAGE, "portal-r4", SECRET_ENV, workers(null), 2,
        ANNOTATIONS));
  }

  @Test
  void aTaggedImageIsAlwaysPulled() {
    Deployment d = WorkerObjects.worker(OWNER, 4, "ckan/ckan-base:2.11.5", "portal-r4", List.of(), null, 1, Map.of());
    assertEquals("Always", main(d).getImagePullPolicy());
    assertEquals(CkanStart.command(CkanStart.WORKER, List.of("default")), main(d).getCommand());
  }
}
