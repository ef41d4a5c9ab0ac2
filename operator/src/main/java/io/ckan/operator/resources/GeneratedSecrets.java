package io.ckan.operator.resources;

import io.ckan.operator.resources.RuntimeEnv;
import io.ckan.operator.contract.Names;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.api.CkanInstanceSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Pure: the Secrets the operator creates with random values when the spec names none, so that a minimal spec runs out
 * of the box and every pod of the instance shares the same keys.
 * <ul>
 *   <li>{@code <instance>-keys}: the keys every CKAN replica must share ({@link RuntimeEnv#sharedSecretOptions}) that
 *       {@code spec.secretConfig} does not set: {@value #SECRET_KEY} (2.11+ SECRET_KEY), {@value #BEAKER_SECRET}
 *       (2.10), {@value #CSRF_SECRET} and {@value #JWT_SECRET} (with CKAN's {@code string:} prefix; the JWT encode and
 *       decode secrets are the same HS256 key). All four are generated whatever the line, so an upgrade from 2.10 to
 *       2.11 finds its key.</li>
 *   <li>{@code <instance>-services}: the managed quickstart services' passwords and URLs, when
 *       {@code services.managed} is true.</li>
 * </ul>
 * Created once and never written again: the operator neither overwrites nor reads them back (it only checks that the
 * keys exist), and never logs a value. They carry no owner reference, so deleting and re-creating the instance (or an
 * Argo CD prune and re-sync) keeps the keys, and with them every session and API token; they are labelled with the
 * instance for {@code kubectl delete secret -l}.
 */
public final class GeneratedSecrets {
  private GeneratedSecrets() {}

  public static final String GENERATED = "ckan.io/generated";
  public static final String KEYS = "keys";
  public static final String SECRET_KEY = "secret_key";
  public static final String BEAKER_SECRET = "beaker.session.secret";
  public static final String CSRF_SECRET = "wtf_csrf_secret_key";
  public static final String JWT_SECRET = "api_token.jwt.secret";

  public static String keysName(String instance) {
    return Names.OfInstance.KEYS.of(instance);
  }

  /** The key of {@code <instance>-keys} that holds a shared option. */
  static String keyFor(String option) {
    return switch (option) {
      case "api_token.jwt.encode.secret", "api_token.jwt.decode.secret" -> JWT_SECRET;
      default -> option;
    };
  }

  /** The Secrets this spec's pods need from the operator: names only, in the order they are created. */
  public static List<String> needed(CkanInstanceSpec spec, String instance) {
    List<String> names = new ArrayList<>();
    if (!RuntimeEnv.missingSharedSecrets(spec).isEmpty()) {
      names.add(keysName(instance));
    }
    if (spec.services != null && spec.services.managedOrDefault()) {
      names.add(ManagedServices.secretName(instance));
    }
    return names;
  }

  /**
   * @param name   one of {@link #needed}
   * @param random a fresh random token per call (URL-safe, at least 32 characters); never logged
   */
  public static Secret secret(String instance, String namespace, String name, Supplier<String> random) {
    Map<String, String> data = new LinkedHashMap<>();
    String component;
    if (name.equals(keysName(instance))) {
      component = KEYS;
      data.put(SECRET_KEY, random.get());
      data.put(BEAKER_SECRET, random.get());
      data.put(CSRF_SECRET, random.get());
      data.put(JWT_SECRET, "string:" + random.get());
    } else if (name.equals(ManagedServices.secretName(instance))) {
      component = "services";
      data.putAll(ManagedServices.secretData(instance, random));
    } else {
      throw new IllegalArgumentException("not a generated Secret of " + instance + ": " + name);
    }
    return new SecretBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
            .withLabels(Labels.instance(instance, component))
            .withAnnotations(Map.of(GENERATED, "true"))
            .build())
        .withType("Opaque")
        .withStringData(data)
        .build();
  }
}
