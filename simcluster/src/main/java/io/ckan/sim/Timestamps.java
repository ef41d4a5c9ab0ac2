package io.ckan.sim;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Kubernetes-style timestamps (RFC 3339, whole seconds, UTC). */
final class Timestamps {

  private Timestamps() {
  }

  static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
