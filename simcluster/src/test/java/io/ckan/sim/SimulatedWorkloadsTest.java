package io.ckan.sim;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The simulated controllers run against a client they are given, and leave it open when they stop. */
class SimulatedWorkloadsTest {

  @Test
  void drivesTheWorkloadsOfAGivenClientAndLeavesTheClientOpen() {
    KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
        new MockWebServer(), new HashMap<>(), new KubernetesMixedDispatcher(new HashMap<>()), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient client = server.createClient()) {
      try (SimulatedWorkloads workloads = SimulatedWorkloads.start(client, Scenario.create().timeScale(0.001))) {
        client.resource(TestObjects.web("given", 1, 2, TestObjects.GOOD_DIGEST, "2.11.5")).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> workloads.events().stream()
            .anyMatch(e -> e.endsWith("deployment default/given-r1 available 2/2")));
        assertEquals(2, client.apps().deployments().inNamespace("default").withName("given-r1").get().getStatus()
            .getAvailableReplicas());
      }
      assertEquals(1, client.apps().deployments().inNamespace("default").list().getItems().size(),
          "the client was closed with the controllers");
    } finally {
      server.destroy();
    }
  }
}
