package io.ckan.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Secrets one pass reads, each read once (the operator may only GET Secrets: it neither lists nor watches them).
 * The generated Secrets the pass creates are remembered as created, so the Secret check after it sees them.
 */
final class SecretReads {
  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Optional<Secret>> read = new HashMap<>();

  SecretReads(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The Secret of that name, or null. */
  Secret get(String name) {
    return read.computeIfAbsent(name,
        n -> Optional.ofNullable(client.secrets().inNamespace(namespace).withName(n).get())).orElse(null);
  }

  void created(Secret secret) {
    read.put(secret.getMetadata().getName(), Optional.of(secret));
  }

  /** Reads that name again when next asked (someone else created it meanwhile). */
  void forget(String name) {
    read.remove(name);
  }
}
