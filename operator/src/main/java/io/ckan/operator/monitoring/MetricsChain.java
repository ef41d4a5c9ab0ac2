package io.ckan.operator.monitoring;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;

/** JOSDK takes one {@link Metrics}; this one tells several (Micrometer's, the operator's clock, a test's counter). */
public final class MetricsChain implements Metrics {
  private final List<Metrics> links;

  public MetricsChain(List<Metrics> links) {
    this.links = List.copyOf(links);
  }

  @Override
  public void controllerRegistered(Controller<? extends HasMetadata> controller) {
    links.forEach(m -> m.controllerRegistered(controller));
  }

  @Override
  public void receivedEvent(Event event, Map<String, Object> metadata) {
    links.forEach(m -> m.receivedEvent(event, metadata));
  }

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    links.forEach(m -> m.reconcileCustomResource(resource, retryInfo, metadata));
  }

  @Override
  public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    links.forEach(m -> m.failedReconciliation(resource, exception, metadata));
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    links.forEach(m -> m.reconciliationExecutionStarted(resource, metadata));
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    links.forEach(m -> m.reconciliationExecutionFinished(resource, metadata));
  }

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    links.forEach(m -> m.cleanupDoneFor(resourceID, metadata));
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    links.forEach(m -> m.finishedReconciliation(resource, metadata));
  }

  /** Every link times the same execution, nested (the first link outermost); it runs once. */
  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    return time(0, execution);
  }

  private <T> T time(int link, ControllerExecution<T> execution) throws Exception {
    if (link == links.size()) {
      return execution.execute();
    }
    return links.get(link).timeControllerExecution(new ControllerExecution<>() {
      @Override
      public String name() {
        return execution.name();
      }

      @Override
      public String controllerName() {
        return execution.controllerName();
      }

      @Override
      public String successTypeName(T result) {
        return execution.successTypeName(result);
      }

      @Override
      public ResourceID resourceID() {
        return execution.resourceID();
      }

      @Override
      public Map<String, Object> metadata() {
        return execution.metadata();
      }

      @Override
      public T execute() throws Exception {
        return time(link + 1, execution);
      }
    });
  }

  @Override
  public <T extends Map<?, ?>> T monitorSizeOf(T map, String name) {
    T result = map;
    for (Metrics m : links) {
      result = m.monitorSizeOf(result, name);
    }
    return result;
  }
}
