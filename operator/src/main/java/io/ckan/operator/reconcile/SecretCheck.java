package io.ckan.operator.reconcile;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks that every Secret key the release's pods reference exists, before a revision is created, so a typo gives a
 * clear condition instead of pods stuck in CreateContainerConfigError. Reads only whether a key is present: no value
 * is ever copied, logged or reported.
 */
final class SecretCheck {
  private SecretCheck() {}

  /** @return a message naming what is missing, or empty when everything is there; each Secret is read once */
  static Optional<String> missing(List<EnvVar> secretEnv, String namespace, Function<String, Secret> readSecret) {
    List<String> problems = new ArrayList<>();
    Map<String, Optional<Secret>> read = new HashMap<>(); // several variables name keys of one Secret
    for (EnvVar env : secretEnv) {
      var ref = env.getValueFrom() == null ? null : env.getValueFrom().getSecretKeyRef();
      if (ref == null || Boolean.TRUE.equals(ref.getOptional())) {
        continue;
      }
      Secret secret = read.computeIfAbsent(ref.getName(), name -> Optional.ofNullable(readSecret.apply(name)))
          .orElse(null);
      if (secret == null) {
        problems.add("Secret " + namespace + "/" + ref.getName() + " (for " + env.getName() + ") does not exist");
      } else if (!hasKey(secret, ref.getKey())) {
        problems.add("Secret " + namespace + "/" + ref.getName() + " has no key '" + ref.getKey() + "' (for "
            + env.getName() + ")");
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)
        + ". Create it (kubectl create secret generic ...); nothing was rolled out meanwhile");
  }

  private static boolean hasKey(Secret secret, String key) {
    return (secret.getData() != null && secret.getData().containsKey(key))
        || (secret.getStringData() != null && secret.getStringData().containsKey(key));
  }
}
