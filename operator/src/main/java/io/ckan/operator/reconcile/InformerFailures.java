package io.ckan.operator.reconcile;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.api.config.InformerStoppedHandler;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when an informer's watch dies for good. While the operator runs, its caches would silently go stale,
 * so the process exits (JOSDK's default too) and Kubernetes starts it again with fresh lists. Once the operator is
 * stopping, the watches it is closing may end with an error of their own (a frame cut off as the connection closes):
 * that is the stop, not a failure, and must not end the process (in a test JVM or while draining in production).
 */
final class InformerFailures implements InformerStoppedHandler {
  private static final Logger LOG = LoggerFactory.getLogger(InformerFailures.class);

  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Runnable exit;

  InformerFailures(Runnable exit) {
    this.exit = exit;
  }

  static InformerFailures exitingTheProcess() {
    return new InformerFailures(() -> System.exit(1));
  }

  /** From now on an informer that ends is part of the stop. */
  void stopping() {
    stopping.set(true);
  }

  @Override
  public void onStop(SharedIndexInformer informer, Throwable failure) {
    String what = informer == null ? "an informer" : "the informer of " + informer.getApiTypeClass().getSimpleName();
    if (stopping.get()) {
      LOG.debug("{} ended while the operator stops{}", what, failure == null ? "" : ": " + failure);
      return;
    }
    if (failure == null) {
      LOG.warn("{} stopped while the operator runs", what);
      return;
    }
    LOG.error("{} failed for good; the operator exits so that it restarts with fresh caches", what, failure);
    exit.run();
  }
}
