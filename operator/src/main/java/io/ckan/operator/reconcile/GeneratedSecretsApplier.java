package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.resources.DesiredState;
import io.ckan.operator.resources.GeneratedSecrets;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * Creates the Secrets of {@link GeneratedSecrets} that do not exist yet, with random values, before the Secret check
 * runs. An existing Secret of that name is never touched (whoever made it): the pods then reference its keys and the
 * Secret check reports any key that is missing. Values never reach a log, an Event or the status.
 */
final class GeneratedSecretsApplier {
  private GeneratedSecretsApplier() {}

  private static final SecureRandom RANDOM = new SecureRandom();

  /** 32 random bytes, base64url without padding: 43 characters of A-Z a-z 0-9 - _. */
  static String token() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * @param secrets the Secrets as this pass reads them: the Secret check that follows asks the same reader, so each
   *                Secret is read once, and sees the ones made here
   */
  static void ensure(KubernetesClient client, String namespace, String instance, CkanInstanceSpec spec,
      SecretReads secrets, Consumer<String> journal) {
    for (Secret secret : DesiredState.generatedSecrets(new Owner(instance, namespace, null), spec,
        GeneratedSecretsApplier::token)) {
      String name = secret.getMetadata().getName();
      if (secrets.get(name) != null) {
        continue;
      }
      try {
        secrets.created(client.secrets().inNamespace(namespace).resource(secret).create());
        journal.accept(namespace + "/" + instance + ": generated Secret " + name);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e; // 409: created meanwhile (another reconcile or a person); theirs is kept
        }
        secrets.forget(name);
      }
    }
  }
}
