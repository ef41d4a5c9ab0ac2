package io.ckan.operator.health;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Asks one revision's CKAN (through its per-revision Service) for status_show. Pluggable for tests. */
@FunctionalInterface
public interface StatusShowProbe {
  StatusShow fetch(String namespace, String service);

  /**
   * The same question without holding a thread while CKAN thinks: an HTTP probe answers from its client's own
   * machinery; by default {@link #fetch} runs on {@code blocking}.
   */
  default CompletableFuture<StatusShow> fetchAsync(String namespace, String service, Executor blocking) {
    return CompletableFuture.supplyAsync(() -> fetch(namespace, service), blocking);
  }

  /**
   * status_show and {@code checks} (dependencies, smoke checks); a probe that knows no checks (most test probes)
   * answers {@link #fetchAsync(String, String, Executor)}.
   */
  default CompletableFuture<StatusShow> fetchAsync(String namespace, String service, RevisionChecks checks,
      Executor blocking) {
    return fetchAsync(namespace, service, blocking);
  }

  /** {@link #fetchAsync(String, String, RevisionChecks, Executor)} on the calling thread. */
  default StatusShow fetch(String namespace, String service, RevisionChecks checks) {
    return fetchAsync(namespace, service, checks, Runnable::run).join();
  }
}
