package io.ckan.sim;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CustomResourceTest {

  private static final ResourceDefinitionContext WIDGETS = new ResourceDefinitionContext.Builder()
      .withGroup("example.org").withVersion("v1").withKind("Widget").withPlural("widgets").withNamespaced(true)
      .build();

  @Test
  @SuppressWarnings("unchecked")
  void crdMakesCustomResourcesWorkIncludingTheStatusSubresource() {
    try (SimulatedCluster cluster = SimulatedCluster.start()) {
      cluster.applyCrd(getClass().getResourceAsStream("/widgets-crd.yaml"));
      cluster.applyCrd(getClass().getResourceAsStream("/widgets-crd.yaml")); // applying again is fine
      assertEquals(1, cluster.client().apiextensions().v1().customResourceDefinitions().list().getItems().size());

      MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> widgets =
          cluster.client().genericKubernetesResources(WIDGETS);
      List<String> seen = new CopyOnWriteArrayList<>();
      try (Watch watch = widgets.inNamespace("default").watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, GenericKubernetesResource resource) {
          seen.add(action + " " + resource.getMetadata().getName());
        }

        @Override
        public void onClose(WatcherException cause) {
        }
      })) {
        GenericKubernetesResource widget = new GenericKubernetesResourceBuilder()
            .withApiVersion("example.org/v1").withKind("Widget")
            .withNewMetadata().withName("w1").withNamespace("default").endMetadata()
            .withAdditionalProperties(Map.of("spec", Map.of("size", 3), "status", Map.of("phase", "ignored")))
            .build();
        GenericKubernetesResource created = widgets.inNamespace("default").resource(widget).create();
        assertNull(created.getAdditionalProperties().get("status"), "status is dropped on create");
        assertEquals(1L, created.getMetadata().getGeneration());

        assertEquals(1, widgets.inNamespace("default").list().getItems().size());
        GenericKubernetesResource fetched = widgets.inNamespace("default").withName("w1").get();
        fetched.getAdditionalProperties().put("status", Map.of("phase", "Ready"));
        widgets.inNamespace("default").resource(fetched).updateStatus();

        GenericKubernetesResource afterStatus = widgets.inNamespace("default").withName("w1").get();
        assertEquals(Map.of("phase", "Ready"), afterStatus.getAdditionalProperties().get("status"));
        assertEquals(1L, afterStatus.getMetadata().getGeneration(), "a status write does not bump generation");

        // a main update keeps the status (status subresource enabled) and bumps generation on a spec change
        afterStatus.getAdditionalProperties().put("spec", Map.of("size", 4));
        afterStatus.getAdditionalProperties().put("status", Map.of("phase", "overwritten?"));
        GenericKubernetesResource updated = widgets.inNamespace("default").resource(afterStatus).update();
        assertEquals(Map.of("phase", "Ready"), updated.getAdditionalProperties().get("status"));
        assertEquals(2L, updated.getMetadata().getGeneration());

        // mock quirks: a stale resourceVersion is accepted on /status, but rejected (409) on the main resource
        fetched.getAdditionalProperties().put("status", Map.of("phase", "FromStaleCopy"));
        widgets.inNamespace("default").resource(fetched).updateStatus();
        assertEquals(Map.of("phase", "FromStaleCopy"),
            widgets.inNamespace("default").withName("w1").get().getAdditionalProperties().get("status"));
        KubernetesClientException conflict = assertThrows(KubernetesClientException.class,
            () -> widgets.inNamespace("default").resource(fetched).update());
        assertEquals(409, conflict.getCode());

        await().until(() -> seen.size() >= 3);
        assertEquals("ADDED w1", seen.get(0));
        assertTrue(seen.subList(1, seen.size()).stream().allMatch(s -> s.equals("MODIFIED w1")), seen.toString());
      }
    }
  }
}
