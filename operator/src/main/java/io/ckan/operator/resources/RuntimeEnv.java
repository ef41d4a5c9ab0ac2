package io.ckan.operator.resources;

import io.ckan.operator.release.ConfigEnv;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.SecretKeyRef;
import io.ckan.operator.api.SecretOption;
import io.ckan.operator.api.ServicesSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pure: the environment the CKAN runtime (web, workers, migrations) gets from the spec's services and secrets.
 *
 * <p>Secrets reach pods only as {@code valueFrom.secretKeyRef}; the operator never reads a Secret, so no secret value
 * can end up in a ConfigMap, an annotation, a log or a fingerprint. {@link #plainEnv} is the non-secret part, for the
 * revision's ConfigMap.
 *
 * <p>Env names: CKAN core reads CKAN_SQLALCHEMY_URL, CKAN_DATASTORE_WRITE_URL / _READ_URL, CKAN_SOLR_URL / _USER /
 * _PASSWORD, CKAN_REDIS_URL and CKAN_STORAGE_PATH itself (CONFIG_FROM_ENV_VARS in ckan/config/environment.py) and they
 * win over ckanext-envvars; other options go through {@link ConfigEnv} and ckanext-envvars.
 */
public final class RuntimeEnv {
  private RuntimeEnv() {}

  public static final String SQLALCHEMY_URL = "CKAN_SQLALCHEMY_URL";
  public static final String DATASTORE_WRITE_URL = "CKAN_DATASTORE_WRITE_URL";
  public static final String DATASTORE_READ_URL = "CKAN_DATASTORE_READ_URL";
  public static final String SOLR_URL = "CKAN_SOLR_URL";
  public static final String SOLR_USER = "CKAN_SOLR_USER";
  public static final String SOLR_PASSWORD = "CKAN_SOLR_PASSWORD";
  public static final String REDIS_URL = "CKAN_REDIS_URL";
  public static final String STORAGE_PATH = "CKAN_STORAGE_PATH";
  /** Where uploads live: ckan-base's CKAN_STORAGE_PATH, owned by its ckan user. */
  public static final String STORAGE_DIR = "/var/lib/ckan";

  /**
   * CKAN 2.11+: Flask-Session's SESSION_TYPE; {@code redis} makes CKAN use CKANRedisSessionInterface, which connects
   * with ckan.redis.url (ckan/config/middleware/common_middleware.py). The CKAN___ prefix is required: ckanext-envvars
   * strips it and keeps declared upper-case keys as they are; plain SESSION_TYPE is not read at all.
   */
  public static final String SESSION_TYPE = "CKAN___SESSION_TYPE";
  /** CKAN 2.10: Beaker sessions (every beaker.session.* option goes to Beaker's SessionMiddleware). */
  public static final String BEAKER_SESSION_TYPE = "CKAN___BEAKER__SESSION__TYPE";
  /** Beaker's ext:redis needs its own URL (RedisNamespaceManager(namespace, url)); it may carry a password. */
  public static final String BEAKER_SESSION_URL = "CKAN___BEAKER__SESSION__URL";

  /**
   * Env vars from Secrets, sorted by name, each a secretKeyRef. A service connection that is not given falls back to
   * the managed services' Secret when {@code services.managed} is true. When two sources name the same variable, the
   * service connection wins over {@code secretConfig} (the validator should reject such specs).
   */
  public static List<EnvVar> secretEnv(CkanInstanceSpec spec, String instanceName) {
    return secretRefs(spec, instanceName).entrySet().stream()
        .map(e -> new EnvVarBuilder().withName(e.getKey())
            .withNewValueFrom().withNewSecretKeyRef().withName(e.getValue().name).withKey(e.getValue().key)
              .withOptional(e.getValue().optional ? Boolean.TRUE : null).endSecretKeyRef().endValueFrom()
            .build())
        .toList();
  }

  /**
   * Non-secret env the runtime adds to the revision's ConfigMap: the Solr URL, the storage path, and server-side
   * sessions in Redis when more than one web replica runs.
   */
  public static SortedMap<String, String> plainEnv(CkanInstanceSpec spec, String instanceName) {
    SortedMap<String, String> env = new TreeMap<>();
    ServicesSpec services = spec.services;
    if (services != null && services.solrUrl != null) {
      env.put(SOLR_URL, services.solrUrl);
    } else if (managed(spec)) {
      env.put(SOLR_URL, ManagedServices.solrUrl(instanceName));
    }
    if (spec.storage != null) {
      env.put(STORAGE_PATH, STORAGE_DIR);
    }
    if (sessionsInRedis(spec)) {
      if (CkanLine.atLeast(spec.version, 2, 11)) {
        env.put(SESSION_TYPE, "redis");
      } else {
        env.put(BEAKER_SESSION_TYPE, "ext:redis");
      }
    }
    return env;
  }

  /**
   * Server-side sessions in Redis: with more than one web replica, and only when there is a Redis to keep them.
   * (Cookie sessions also work across replicas once the signing secrets are shared; Redis sessions add server-side
   * logout and no cookie size limit.)
   */
  public static boolean sessionsInRedis(CkanInstanceSpec spec) {
    // whenever a Redis is configured, not only with more than one replica: scaling must stay in place, and the
    // session store is part of the revision (its ConfigMap)
    return redisRef(spec, "") != null;
  }

  /**
   * Options every replica (web and workers) must share and that must come from {@code secretConfig}, for the spec's
   * CKAN line. The official images (ckan-docker-base start_ckan.sh) generate them into ckan.ini at every container
   * start when the ini has none, and the ini never has one, so without these each pod signs sessions, CSRF tokens and
   * API tokens with its own random key: logins and forms break across replicas and after every restart.
   * <ul>
   *   <li>2.10: {@code beaker.session.secret} (Flask's SECRET_KEY falls back to it), {@code WTF_CSRF_SECRET_KEY},
   *       {@code api_token.jwt.encode.secret}, {@code api_token.jwt.decode.secret};</li>
   *   <li>2.11+: {@code SECRET_KEY} instead of beaker.session.secret (Beaker is gone).</li>
   * </ul>
   * The Flask keys are spelled in lower case ({@code secret_key}, {@code wtf_csrf_secret_key}) because option names
   * are; {@link ConfigEnv} makes them CKAN___SECRET_KEY and CKAN___WTF_CSRF_SECRET_KEY, which ckanext-envvars maps
   * back to the declared upper-case keys. The JWT secrets need CKAN's {@code string:} (or {@code file:}) prefix in
   * the Secret's value (ckan/lib/api_token.py).
   */
  public static List<String> sharedSecretOptions(String version) {
    String main = CkanLine.atLeast(version, 2, 11) ? "secret_key" : "beaker.session.secret";
    return List.of(main, "wtf_csrf_secret_key", "api_token.jwt.encode.secret", "api_token.jwt.decode.secret");
  }

  /**
   * {@link #sharedSecretOptions} that {@code spec.secretConfig} does not set (compared case-insensitively): they come
   * from {@code <instance>-keys}, which the operator generates ({@link GeneratedSecrets}).
   */
  public static List<String> missingSharedSecrets(CkanInstanceSpec spec) {
    Set<String> present = new TreeSet<>();
    if (spec.secretConfig != null) {
      spec.secretConfig.stream().filter(o -> o != null && o.option != null)
          .forEach(o -> present.add(o.option.toLowerCase(Locale.ROOT)));
    }
    List<String> missing = new ArrayList<>();
    for (String option : sharedSecretOptions(spec.version)) {
      if (!present.contains(option)) {
        missing.add(option);
      }
    }
    return List.copyOf(missing);
  }

  /** Every Secret the runtime pods reference (for the existence check before a revision is created). */
  public static SortedSet<String> secretNames(CkanInstanceSpec spec, String instanceName) {
    SortedSet<String> names = new TreeSet<>();
    secretRefs(spec, instanceName).values().forEach(ref -> names.add(ref.name));
    if (managed(spec)) {
      names.add(ManagedServices.secretName(instanceName)); // the managed PostgreSQL reads its password there too
    }
    return names;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private record Ref(String name, String key, boolean optional) {}

  private static SortedMap<String, Ref> secretRefs(CkanInstanceSpec spec, String instance) {
    SortedMap<String, Ref> refs = new TreeMap<>();
    if (spec.secretConfig != null) {
      for (SecretOption option : spec.secretConfig) {
        if (option != null && option.option != null && option.secretKeyRef != null) {
          refs.put(ConfigEnv.envName(option.option), ref(option.secretKeyRef));
        }
      }
    }
    // shared keys the spec does not name come from the Secret the operator generates once
    for (String option : missingSharedSecrets(spec)) {
      refs.put(ConfigEnv.envName(option), new Ref(GeneratedSecrets.keysName(instance), GeneratedSecrets.keyFor(option),
          false));
    }
    ServicesSpec services = spec.services == null ? new ServicesSpec() : spec.services;
    put(refs, SQLALCHEMY_URL, services.databaseUrl, spec, instance, ManagedServices.DATABASE_URL_KEY, false);
    put(refs, DATASTORE_WRITE_URL, services.datastoreWriteUrl, spec, instance,
        ManagedServices.DATASTORE_WRITE_URL_KEY, true);
    put(refs, DATASTORE_READ_URL, services.datastoreReadUrl, spec, instance,
        ManagedServices.DATASTORE_READ_URL_KEY, true);
    put(refs, SOLR_USER, services.solrUser, spec, instance, null, false);
    put(refs, SOLR_PASSWORD, services.solrPassword, spec, instance, null, false);
    Ref redis = redisRef(spec, instance);
    if (redis != null) {
      refs.put(REDIS_URL, redis);
      if (sessionsInRedis(spec) && !CkanLine.atLeast(spec.version, 2, 11)) {
        refs.put(BEAKER_SESSION_URL, redis);
      }
    }
    return refs;
  }

  private static void put(Map<String, Ref> refs, String env, SecretKeyRef given, CkanInstanceSpec spec,
      String instance, String managedKey, boolean optional) {
    if (given != null) {
      refs.put(env, ref(given));
    } else if (managedKey != null && managed(spec)) {
      refs.put(env, new Ref(ManagedServices.secretName(instance), managedKey, optional));
    }
  }

  private static Ref redisRef(CkanInstanceSpec spec, String instance) {
    if (spec.services != null && spec.services.redisUrl != null) {
      return ref(spec.services.redisUrl);
    }
    return managed(spec) ? new Ref(ManagedServices.secretName(instance), ManagedServices.REDIS_URL_KEY, false) : null;
  }

  private static Ref ref(SecretKeyRef ref) {
    return new Ref(ref.name, ref.key, false);
  }

  private static boolean managed(CkanInstanceSpec spec) {
    return spec.services != null && spec.services.managedOrDefault();
  }
}
