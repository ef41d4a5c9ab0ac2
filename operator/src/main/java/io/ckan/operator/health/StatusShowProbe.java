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
}
