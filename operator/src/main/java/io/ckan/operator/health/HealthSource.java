package io.ckan.operator.health;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Where a reconcile gets the latest {@code status_show} of a revision. The operator's source checks on its own
 * threads, on a schedule, and never makes a reconcile wait for CKAN ({@link ScheduledHealthChecks}); tests that drive
 * reconciles directly may ask synchronously ({@link #synchronous}).
 */
public interface HealthSource {

  /**
   * One revision's CKAN during one attempt: a revision brought up again (retry, rollback) is a new target, so an
   * answer from an earlier attempt never speaks for it.
   */
  record Target(String namespace, String instance, String service, String attempt, RevisionChecks checks) {
    /** A target asked only the default checks. */
    public Target(String namespace, String instance, String service, String attempt) {
      this(namespace, instance, service, attempt, RevisionChecks.DEFAULT);
    }
  }

  /**
   * The latest answer for {@code target}, and the wish to keep it fresh at {@code period}; empty until the first
   * check has answered.
   */
  Optional<StatusShow> latest(Target target, Duration period);

  /** Only {@code wanted} of the instance's targets are still wanted: the others stop being checked. */
  void retain(String namespace, String instance, Set<Target> wanted);

  /** Asks the probe on the calling thread, every time (tests that drive reconciles directly, with no threads). */
  static HealthSource synchronous(StatusShowProbe probe) {
    return new HealthSource() {
      @Override
      public Optional<StatusShow> latest(Target target, Duration period) {
        return Optional.of(probe.fetch(target.namespace(), target.service(), target.checks()));
      }

      @Override
      public void retain(String namespace, String instance, Set<Target> wanted) {
        // nothing kept
      }
    };
  }
}
