package io.ckan.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InformerFailuresTest {
  private final AtomicInteger exits = new AtomicInteger();
  private final InformerFailures failures = new InformerFailures(exits::incrementAndGet);

  @Test
  void aWatchThatFailsForGoodWhileRunningEndsTheProcess() {
    failures.onStop(null, new IllegalStateException("Could not process Watch response"));
    assertEquals(1, exits.get(), "stale caches must not go on reconciling");
  }

  @Test
  void aWatchCutOffByTheStopIsPartOfTheStop() {
    failures.stopping();
    failures.onStop(null, new IllegalStateException("Invalid UTF-8 in frame TEXT"));
    assertEquals(0, exits.get(), "stopping the operator (a test, a drain) must not exit the JVM");
  }

  @Test
  void anInformerStoppedWithoutAFailureIsNoReasonToExit() {
    failures.onStop(null, null);
    assertEquals(0, exits.get());
  }
}
