package io.ckan.operator.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.monitoring.ProbeServer;
import io.ckan.sim.Scenario;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: {@code /healthz} fails when the operator is wedged, over HTTP, with a real reconcile holding its thread
 * (blocked right after one of its writes), and recovers once the reconcile moves on; {@code /readyz} stays ready (the
 * informers are synced: restarting the pod would not help readiness, only liveness).
 */
class WedgedOperatorIntegrationTest extends IntegrationTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(ProbeServer probes, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + probes.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aReconcileStuckPastTheBoundFailsLivenessUntilItMovesOn() throws Exception {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    CountDownLatch release = new CountDownLatch(1);
    h.blockAfterWrite(line -> line.contains("created revision 1"), release);
    try (ProbeServer probes = ProbeServer.start(0, Duration.ofSeconds(2))) {
      probes.serve(h.runner());
      assertEquals(200, get(probes, "/healthz").statusCode());
      h.apply(OperatorHarness.instance("portal", RevisionRolloutIntegrationTest.spec("2.11.5", 1)));
      await().atMost(T).pollInterval(Duration.ofMillis(200)).until(() -> get(probes, "/healthz").statusCode() == 503);
      HttpResponse<String> wedged = get(probes, "/healthz");
      assertTrue(wedged.body().startsWith("wedged: a reconcile has been running for "), wedged.body());
      assertEquals(200, get(probes, "/readyz").statusCode(), "ready: the informers are synced");

      release.countDown();
      h.awaitReady("portal", 1, T);
      assertEquals(200, get(probes, "/healthz").statusCode());
    } finally {
      release.countDown();
    }
  }

  /** SIGTERM's path ({@code run}'s shutdown hook closes the runner): a running reconcile finishes its pass first. */
  @Test
  void stoppingLetsTheRunningReconcileFinishItsPass() throws Exception {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    CountDownLatch release = new CountDownLatch(1);
    h.blockAfterWrite(line -> line.contains("created revision 1"), release);
    h.apply(OperatorHarness.instance("portal", RevisionRolloutIntegrationTest.spec("2.11.5", 1)));
    await().atMost(T).until(() -> h.journal.stream().anyMatch(l -> l.contains("created revision 1")));
    Thread releaser = new Thread(() -> {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      release.countDown();
    });
    long start = System.nanoTime();
    releaser.start();
    h.stopOperator();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(Duration.ofMillis(900)) >= 0, "the stop waited for the reconcile: " + took);
    assertTrue(h.journal.stream().anyMatch(l -> l.contains("migration portal-r1-migrate started")),
        "the pass's write after the block happened before the stop returned: " + h.journal);
  }
}
