package io.ckan.sim;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Documents what the fabric8 CRUD mock does differently from a real API server (the operator must live with it). */
class MockQuirksTest {

  private static SimulatedCluster cluster;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    cluster = SimulatedCluster.start();
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static ConfigMap configMap(String name, String tier) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("default")
        .withLabels(Map.of("tier", tier)).endMetadata().withData(Map.of("k", "v")).build();
  }

  @Test
  void serverSideApplyAndStrategicMergePatchAreUnsupported() {
    client.resource(configMap("q1", "a")).create();
    KubernetesClientException ssa = assertThrows(KubernetesClientException.class,
        () -> client.resource(configMap("q1", "b")).serverSideApply());
    assertEquals(415, ssa.getCode());
    KubernetesClientException smp = assertThrows(KubernetesClientException.class,
        () -> client.configMaps().inNamespace("default").withName("q1")
            .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"data\":{\"k\":\"w\"}}"));
    assertEquals(415, smp.getCode());
    ConfigMap merged = client.configMaps().inNamespace("default").withName("q1")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"k\":\"w\"}}");
    assertEquals("w", merged.getData().get("k"));
  }

  @Test
  void setBasedLabelSelectorsAreSilentlyIgnored() {
    client.resource(configMap("s1", "x")).create();
    client.resource(configMap("s2", "y")).create();
    int all = client.configMaps().inNamespace("default").list().getItems().size();
    assertEquals(all, client.configMaps().inNamespace("default").withLabelIn("tier", "x").list().getItems().size());
    assertEquals(all, client.configMaps().inNamespace("default").withLabelNotIn("tier", "x").list().getItems().size());
    // equality, inequality and existence selectors work
    assertEquals(1, client.configMaps().inNamespace("default").withLabel("tier", "x").list().getItems().size());
    assertEquals(all - 1,
        client.configMaps().inNamespace("default").withoutLabel("tier", "x").list().getItems().size());
  }

  @Test
  void aWatchReplaysExistingObjectsAsAddedWhateverItsResourceVersion() throws Exception {
    client.resource(configMap("w1", "watched")).create();
    String resourceVersion = client.configMaps().inNamespace("default").withLabel("tier", "watched").list()
        .getMetadata().getResourceVersion();
    List<String> events = new CopyOnWriteArrayList<>();
    try (Watch watch = client.configMaps().inNamespace("default").withLabel("tier", "watched")
        .watch(new ListOptionsBuilder().withResourceVersion(resourceVersion).build(), new Watcher<>() {
          @Override
          public void eventReceived(Action action, ConfigMap resource) {
            events.add(action + " " + resource.getMetadata().getName());
          }

          @Override
          public void onClose(WatcherException cause) {
          }
        })) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
      assertEquals(List.of("ADDED w1"), events);
    }
  }
}
