package io.ckan.operator.it;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** Shared set-up of the end-to-end tests: one harness (mock API + simulated cluster + operator) per test. */
abstract class IntegrationTest {
  static final Duration T = Duration.ofSeconds(30);
  OperatorHarness h;

  @AfterEach
  void stopHarness() {
    if (h != null) {
      h.close();
    }
  }
}
