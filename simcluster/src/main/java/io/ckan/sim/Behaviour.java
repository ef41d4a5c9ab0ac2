package io.ckan.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * How the pods of a Deployment behave. Durations are simulated time: the cluster multiplies them by the scenario's
 * time scale. Immutable.
 */
public final class Behaviour {

  /** The "short delay" after which pods of a healthy Deployment become ready by default. */
  public static final Duration DEFAULT_READY_DELAY = Duration.ofSeconds(2);

  private enum Kind { HEALTHY, CRASH_LOOP, UNHEALTHY_AFTER }

  private final Kind kind;
  private final Duration readyDelay;
  private final Duration healthyFor;
  private final String name;

  private Behaviour(Kind kind, Duration readyDelay, Duration healthyFor, String name) {
    this.kind = kind;
    this.readyDelay = nonNegative(readyDelay);
    this.healthyFor = nonNegative(healthyFor);
    this.name = name;
  }

  /** Pods become ready after {@link #DEFAULT_READY_DELAY}. */
  public static Behaviour healthy() {
    return healthy(DEFAULT_READY_DELAY);
  }

  /** Pods become ready {@code delay} after they were created. */
  public static Behaviour healthy(Duration delay) {
    return new Behaviour(Kind.HEALTHY, delay, Duration.ZERO, "healthy after " + pretty(delay));
  }

  /** Healthy, with a (longer) delay: for "the rollout takes a while" and progress deadline races. */
  public static Behaviour slow(Duration delay) {
    return new Behaviour(Kind.HEALTHY, delay, Duration.ZERO, "slow, ready after " + pretty(delay));
  }

  /** Pods never become ready; the rollout ends in ProgressDeadlineExceeded. */
  public static Behaviour crashLoop() {
    return new Behaviour(Kind.CRASH_LOOP, Duration.ZERO, Duration.ZERO, "crash loop");
  }

  /** Ready after {@link #DEFAULT_READY_DELAY}, then crash-looping once they have been ready for {@code healthyFor}. */
  public static Behaviour becomesUnhealthyAfter(Duration healthyFor) {
    return becomesUnhealthyAfter(DEFAULT_READY_DELAY, healthyFor);
  }

  /** Ready after {@code readyDelay}, then crash-looping once they have been ready for {@code healthyFor}. */
  public static Behaviour becomesUnhealthyAfter(Duration readyDelay, Duration healthyFor) {
    return new Behaviour(Kind.UNHEALTHY_AFTER, readyDelay, healthyFor,
        "ready after " + pretty(readyDelay) + ", crash loop " + pretty(healthyFor) + " later");
  }

  /** Whether a pod that has existed for {@code realAge} (wall-clock) is ready. */
  boolean isReady(Duration realAge, double timeScale) {
    switch (kind) {
      case HEALTHY:
        return realAge.compareTo(scale(readyDelay, timeScale)) >= 0;
      case UNHEALTHY_AFTER:
        return realAge.compareTo(scale(readyDelay, timeScale)) >= 0
            && realAge.compareTo(scale(readyDelay.plus(healthyFor), timeScale)) < 0;
      default:
        return false;
    }
  }

  /** The (wall-clock) age after {@code realAge} at which the pod's readiness changes next, or null if never. */
  Duration nextChangeAfter(Duration realAge, double timeScale) {
    if (kind == Kind.CRASH_LOOP) {
      return null;
    }
    Duration ready = scale(readyDelay, timeScale);
    if (realAge.compareTo(ready) < 0) {
      return ready;
    }
    if (kind == Kind.UNHEALTHY_AFTER) {
      Duration unhealthy = scale(readyDelay.plus(healthyFor), timeScale);
      return realAge.compareTo(unhealthy) < 0 ? unhealthy : null;
    }
    return null;
  }

  static Duration scale(Duration simulated, double timeScale) {
    return Duration.ofNanos(Math.round(simulated.toNanos() * timeScale));
  }

  private static Duration nonNegative(Duration d) {
    Objects.requireNonNull(d, "duration");
    if (d.isNegative()) {
      throw new IllegalArgumentException("negative duration " + d);
    }
    return d;
  }

  static String pretty(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  @Override
  public String toString() {
    return name;
  }
}
