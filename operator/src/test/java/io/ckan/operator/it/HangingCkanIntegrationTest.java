package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.RevisionStatus;
import io.ckan.operator.health.StatusShow;
import io.ckan.operator.health.StatusShowProbe;
import io.ckan.sim.Scenario;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CKAN that never answers status_show must not hold up anybody else: six instances whose CKAN hangs (more than the
 * operator's four reconcile threads and its four blocking-probe threads) and one healthy instance created after them.
 * The healthy one goes live and Ready while the six wait for an answer; their own reconciles go on too (each has its
 * revision created and its status written), they just never verify.
 */
class HangingCkanIntegrationTest {
  private static final Duration T = Duration.ofSeconds(60);
  private static final int HANGING = 6;
  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicInteger askedHanging = new AtomicInteger();
  private OperatorHarness h;

  @AfterEach
  void stop() {
    released.countDown();
    if (h != null) {
      h.close();
    }
  }

  /** The healthy CKAN answers through the simulated cluster; "stuck-*" never answers, blocking or not. */
  private StatusShowProbe hangingFor(StatusShowProbe real) {
    return new StatusShowProbe() {
      @Override
      public StatusShow fetch(String namespace, String service) {
        if (service.startsWith("stuck-")) {
          askedHanging.incrementAndGet();
          try {
            released.await(); // a reconcile thread that asks synchronously is held until the test ends
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return StatusShow.failed(StatusShow.Outcome.UNREACHABLE, "released");
        }
        return real.fetch(namespace, service);
      }

      @Override
      public CompletableFuture<StatusShow> fetchAsync(String namespace, String service, Executor blocking) {
        if (service.startsWith("stuck-")) {
          askedHanging.incrementAndGet();
          return new CompletableFuture<>(); // never completes
        }
        return real.fetchAsync(namespace, service, blocking);
      }
    };
  }

  @Test
  void aHangingStatusShowDoesNotDelayAnotherInstance() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05), this::hangingFor);
    for (int i = 1; i <= HANGING; i++) {
      h.apply(OperatorHarness.instance("stuck-" + i, RevisionRolloutIntegrationTest.spec("2.11.4", 1)));
    }
    h.watchUntil(T, () -> { }, x -> askedHanging.get() >= HANGING);

    h.apply(OperatorHarness.instance("portal", RevisionRolloutIntegrationTest.spec("2.11.4", 1)));
    h.awaitReady("portal", 1, T);

    for (int i = 1; i <= HANGING; i++) {
      String name = "stuck-" + i;
      var status = h.cr(name).get().getStatus();
      assertTrue(status != null && status.revisions != null && !status.revisions.isEmpty(),
          name + " was not reconciled: " + status);
      RevisionStatus r1 = status.revisions.get(0);
      assertEquals(1, r1.number);
      assertTrue(h.pointer(name) == null, name + " must not go live unverified");
      assertTrue(h.conditionIs(name, "Ready", "False"), name);
    }
  }
}
