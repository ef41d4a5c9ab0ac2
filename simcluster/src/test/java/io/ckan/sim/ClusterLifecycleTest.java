package io.ckan.sim;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterLifecycleTest {

  @Test
  void closeStopsEveryNonDaemonThreadItStarted() throws Exception {
    Set<Thread> before = liveNonDaemonThreads();
    SimulatedCluster cluster = SimulatedCluster.start(Scenario.create().timeScale(0.001));
    // what a user of the cluster does: its own client from clientConfig(), an informer and a watch left open
    KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(cluster.clientConfig()).build();
    assertEquals("default", operatorClient.getNamespace());
    SharedIndexInformer<ConfigMap> informer = operatorClient.configMaps().inform();
    operatorClient.apps().deployments().watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, io.fabric8.kubernetes.api.model.apps.Deployment resource) {
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });
    operatorClient.resource(TestObjects.web("life", 1, 1, TestObjects.GOOD_DIGEST, "2.11.3")).create();
    operatorClient.resource(TestObjects.job("life-build", "life", "build")).create();
    await().atMost(Duration.ofSeconds(5)).until(() -> cluster.events().stream().anyMatch(e -> e.contains("succeeded"))
        && cluster.events().stream().anyMatch(e -> e.contains("available 1/1")));
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(cluster.serviceUrl("default", "life-r1") + "/api/3/action/status_show"))
            .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertTrue(cluster.events().get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} cluster started: .*"),
        cluster.events().get(0));
    cluster.close();
    informer.close();
    operatorClient.close();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Set<Thread> leaked = liveNonDaemonThreads();
      leaked.removeAll(before);
      assertTrue(leaked.isEmpty(), "threads left: " + leaked.stream().map(Thread::getName).toList());
    });
    assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("simcluster-")),
        "simulation threads left");
  }

  private static Set<Thread> liveNonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon() && !t.getName().startsWith("awaitility"))
        .collect(Collectors.toSet());
  }
}
