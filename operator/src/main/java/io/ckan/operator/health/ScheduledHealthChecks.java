package io.ckan.operator.health;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CKAN health off the reconcile threads. Each wanted target is checked asynchronously (the HTTP probe holds no thread
 * while CKAN thinks; a blocking probe runs on a small bounded pool), at most one check in flight per target, again
 * after the period its last reconcile asked for; a check that does not answer within {@link #CHECK_TIMEOUT} counts as
 * unreachable, and a target no reconcile has asked about for a while is dropped. A check whose answer differs from
 * the previous one calls {@code changed}, which the operator turns into a reconcile of the instance: a slow or
 * hanging CKAN never holds a reconcile thread.
 */
public final class ScheduledHealthChecks implements HealthSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduledHealthChecks.class);
  /** A target nobody asked about for this long (beyond its period) is no longer checked. */
  static final Duration FORGET_AFTER = Duration.ofMinutes(2);
  /** A check that has not answered by then counts as unreachable (a probe's own timeout is normally shorter). */
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(15);

  private final StatusShowProbe probe;
  private final Consumer<Target> changed;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService probes;
  private final ConcurrentMap<Target, Entry> entries = new ConcurrentHashMap<>();

  private static final class Entry {
    volatile StatusShow latest;
    volatile long periodNanos;
    volatile long wantedAtNanos;
    volatile java.util.concurrent.ScheduledFuture<?> next;
    final AtomicBoolean inFlight = new AtomicBoolean();
  }

  private final Duration checkTimeout;
  /** Checks on the wire at once (connections to CKAN), whatever the number of revisions: the rest wait their turn. */
  private final java.util.concurrent.Semaphore onTheWire;
  /** How soon a check that found no free slot tries again. */
  static final Duration BUSY_RETRY = Duration.ofMillis(50);

  /**
   * @param parallelism how many blocking probes may run at once (an HTTP probe needs none); eight times as many
   *                    checks may be on the wire at once
   */
  public ScheduledHealthChecks(StatusShowProbe probe, int parallelism, Consumer<Target> changed) {
    this(probe, parallelism, changed, CHECK_TIMEOUT);
  }

  ScheduledHealthChecks(StatusShowProbe probe, int parallelism, Consumer<Target> changed, Duration checkTimeout) {
    this.checkTimeout = checkTimeout;
    this.onTheWire = new java.util.concurrent.Semaphore(parallelism * 8);
    this.probe = probe;
    this.changed = changed;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("ckan-health-scheduler"));
    this.probes = Executors.newFixedThreadPool(parallelism, daemon("ckan-health-probe"));
  }

  @Override
  public Optional<StatusShow> latest(Target target, Duration period) {
    boolean[] fresh = new boolean[1];
    Entry e = entries.computeIfAbsent(target, t -> {
      fresh[0] = true;
      return new Entry();
    });
    e.periodNanos = period.toNanos();
    e.wantedAtNanos = System.nanoTime();
    if (fresh[0]) {
      check(target, e);
    }
    return Optional.ofNullable(e.latest);
  }

  @Override
  public void retain(String namespace, String instance, Set<Target> wanted) {
    entries.keySet().removeIf(t -> t.namespace().equals(namespace) && t.instance().equals(instance)
        && !wanted.contains(t));
  }

  /** How many targets are checked now. */
  public int targets() {
    return entries.size();
  }

  private void check(Target target, Entry e) {
    if (entries.get(target) != e || !e.inFlight.compareAndSet(false, true)) {
      return;
    }
    if (!onTheWire.tryAcquire()) {
      e.inFlight.set(false);
      try {
        scheduler.schedule(() -> check(target, e), BUSY_RETRY.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        // shutting down
      }
      return;
    }
    try {
      probe.fetchAsync(target.namespace(), target.service(), target.checks(), probes)
          .orTimeout(checkTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .handle((answer, error) -> answer != null ? answer : StatusShow.failed(StatusShow.Outcome.UNREACHABLE,
              "no answer: " + (error.getCause() != null ? error.getCause() : error).getClass().getSimpleName()))
          .whenComplete((answer, error) -> onTheWire.release())
          .thenAccept(answer -> answered(target, e, answer));
    } catch (RuntimeException closed) {
      onTheWire.release();
      e.inFlight.set(false); // the pool refused (closing) or the probe threw before answering
    }
  }

  private void answered(Target target, Entry e, StatusShow answer) {
    StatusShow previous = e.latest;
    e.latest = answer;
    e.inFlight.set(false);
    if (!failedChecks(answer).isEmpty() && (previous == null
        || !failedChecks(previous).containsAll(failedChecks(answer)))) {
      recheckSiblings(target);
    }
    if (!answer.equals(previous)) {
      try {
        changed.accept(target);
      } catch (RuntimeException ex) {
        LOG.warn("health change of {} not delivered", target, ex);
      }
    }
    scheduleNext(target, e);
  }

  /**
   * A dependency or smoke check newly failed: the instance's other revisions' answers (a Stable one is checked only
   * every 30 s) may predate the failure, and a stale pass would make a dependency outage look like this revision's
   * fault. They are forgotten (not known to pass: no revert) and checked now; their fresh answers reconcile again.
   */
  private void recheckSiblings(Target target) {
    entries.forEach((t, sibling) -> {
      if (!t.equals(target) && t.namespace().equals(target.namespace()) && t.instance().equals(target.instance())
          && sibling.latest != null && failedChecks(sibling.latest).isEmpty()) {
        sibling.latest = null;
        java.util.concurrent.ScheduledFuture<?> next = sibling.next;
        if (next != null) {
          next.cancel(false); // checked now instead; its answer schedules the next one
        }
        check(t, sibling);
      }
    });
  }

  /** The dependency and smoke checks an answer failed, by name. */
  private static Set<String> failedChecks(StatusShow answer) {
    Set<String> failed = new java.util.HashSet<>(answer.failedSmokeChecks().keySet());
    answer.failedDependencies().keySet().forEach(d -> failed.add(d.name()));
    return failed;
  }

  private void scheduleNext(Target target, Entry e) {
    if (entries.get(target) != e) {
      return; // retained away
    }
    if (System.nanoTime() - e.wantedAtNanos > e.periodNanos + FORGET_AFTER.toNanos()) {
      entries.remove(target, e);
      return;
    }
    try {
      e.next = scheduler.schedule(() -> check(target, e), e.periodNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      // shutting down
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    probes.shutdownNow();
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
