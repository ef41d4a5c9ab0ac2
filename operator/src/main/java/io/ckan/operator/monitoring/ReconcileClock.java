package io.ckan.operator.monitoring;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When things happened to each instance, as JOSDK's metrics hook reports them: the first event a reconcile has not
 * seen yet (what made the operator look), and the reconciles running now (how long the oldest has been running: a
 * reconcile thread stuck far beyond any reasonable bound means the operator is wedged).
 */
public final class ReconcileClock implements Metrics {
  private final LongSupplier nanos;
  /** Per instance: when the first event not yet taken by a reconcile arrived. */
  private final Map<ResourceID, Long> pendingSince = new ConcurrentHashMap<>();
  /** Per instance: when the first event the running (or last) reconcile took arrived. */
  private final Map<ResourceID, Long> triggeredAt = new ConcurrentHashMap<>();
  /** Per instance: when its running reconcile started. */
  private final Map<ResourceID, Long> running = new ConcurrentHashMap<>();

  public ReconcileClock() {
    this(System::nanoTime);
  }

  ReconcileClock(LongSupplier nanos) {
    this.nanos = nanos;
  }

  @Override
  public void receivedEvent(Event event, Map<String, Object> metadata) {
    pendingSince.putIfAbsent(event.getRelatedCustomResourceID(), nanos.getAsLong());
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    ResourceID id = ResourceID.fromResource(resource);
    long now = nanos.getAsLong();
    running.put(id, now);
    // every event received so far is seen by this reconcile; a later one waits for the next
    Long pending = pendingSince.remove(id);
    triggeredAt.put(id, pending == null ? now : pending);
    pointerWritten.remove(id);
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    running.remove(ResourceID.fromResource(resource));
  }

  @Override
  public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    running.remove(ResourceID.fromResource(resource));
  }

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    pendingSince.remove(resourceID);
    triggeredAt.remove(resourceID);
    pointerWritten.remove(resourceID);
    running.remove(resourceID);
  }

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    // nothing: reconciliationExecutionStarted marks the start on the reconciling thread
  }

  /** Per instance: when its reconcile running now last wrote the pointer Service. */
  private final Map<ResourceID, Long> pointerWritten = new ConcurrentHashMap<>();

  /** The reconcile running now for {@code id} has just written its pointer Service. */
  public void pointerWritten(ResourceID id) {
    pointerWritten.put(id, nanos.getAsLong());
  }

  /**
   * From the first event the current reconcile of {@code id} took to its last pointer write (to now when it wrote
   * none; zero when unknown).
   */
  public Duration triggerToPointerWrite(ResourceID id) {
    Long at = triggeredAt.get(id);
    Long written = pointerWritten.get(id);
    long end = written == null ? nanos.getAsLong() : written;
    return at == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, end - at));
  }

  /** How long the longest-running reconcile has been running, if one runs now. */
  public Optional<Duration> oldestRunning() {
    long now = nanos.getAsLong();
    return running.values().stream().min(Long::compare).map(start -> Duration.ofNanos(now - start));
  }
}
