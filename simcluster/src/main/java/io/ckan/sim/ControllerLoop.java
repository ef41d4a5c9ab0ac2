package io.ckan.sim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread all simulated controllers run on: informer events are queued here, and "look again at X at time T"
 * timers fire here. Being single-threaded, controller state needs no locking.
 */
final class ControllerLoop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControllerLoop.class);

  private final ScheduledThreadPoolExecutor executor;
  private final Clock clock;
  /** Pending timer per key; only touched on the loop thread. */
  private final Map<String, Timer> timers = new HashMap<>();

  private record Timer(Instant due, ScheduledFuture<?> future) {
  }

  ControllerLoop(Clock clock) {
    this.clock = clock;
    this.executor = new ScheduledThreadPoolExecutor(1, new DaemonThreads("simcluster-controllers"));
    executor.setRemoveOnCancelPolicy(true);
  }

  Clock clock() {
    return clock;
  }

  /** Runs the task on the loop thread as soon as possible (callable from any thread). */
  void submit(Runnable task) {
    try {
      executor.execute(() -> runSafely(task));
    } catch (RejectedExecutionException e) {
      LOG.debug("controller loop closed, dropping task");
    }
  }

  /**
   * Runs the task for {@code key} at {@code when} (loop thread only). Keeps an earlier pending timer for the key
   * instead, because every run re-computes and re-schedules its next change.
   */
  void scheduleAt(String key, Instant when, Runnable task) {
    Timer existing = timers.get(key);
    if (existing != null && !existing.future().isDone() && !existing.due().isAfter(when)) {
      return;
    }
    if (existing != null) {
      existing.future().cancel(false);
    }
    long delayMicros = Math.max(0, Duration.between(clock.instant(), when).toNanos() / 1000) + 1000;
    try {
      ScheduledFuture<?> future = executor.schedule(() -> {
        timers.remove(key);
        runSafely(task);
      }, delayMicros, TimeUnit.MICROSECONDS);
      timers.put(key, new Timer(when, future));
    } catch (RejectedExecutionException e) {
      LOG.debug("controller loop closed, dropping timer for {}", key);
    }
  }

  void cancel(String key) {
    Timer timer = timers.remove(key);
    if (timer != null) {
      timer.future().cancel(false);
    }
  }

  private static void runSafely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.warn("simulated controller task failed", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("controller loop did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
