package io.ckan.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.IngressSpec;
import io.ckan.operator.api.SecretKeyRef;
import io.ckan.operator.api.SecretOption;
import io.ckan.operator.api.ServicesSpec;
import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.api.WorkersSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuntimeEnvTest {

  static final String INSTANCE = "portal";

  static SecretOption option(String option, String secret, String key) {
    SecretOption o = new SecretOption();
    o.option = option;
    o.secretKeyRef = new SecretKeyRef(secret, key);
    return o;
  }

  static final List<SecretOption> ALL_SHARED_211 = List.of(
      option("secret_key", "portal-keys", "flask"),
      option("wtf_csrf_secret_key", "portal-keys", "csrf"),
      option("api_token.jwt.encode.secret", "portal-keys", "jwt"),
      option("api_token.jwt.decode.secret", "portal-keys", "jwt"));

  static CkanInstanceSpec spec(String version, Integer replicas) {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = version;
    spec.replicas = replicas;
    return spec;
  }

  static CkanInstanceSpec external(String version, Integer replicas) {
    CkanInstanceSpec spec = spec(version, replicas);
    spec.services = new ServicesSpec();
    spec.services.databaseUrl = new SecretKeyRef("portal-db", "url");
    spec.services.datastoreWriteUrl = new SecretKeyRef("portal-datastore", "write");
    spec.services.datastoreReadUrl = new SecretKeyRef("portal-datastore", "read");
    spec.services.solrUrl = "http://solr.search:8983/solr/ckan";
    spec.services.solrUser = new SecretKeyRef("portal-solr", "user");
    spec.services.solrPassword = new SecretKeyRef("portal-solr", "password");
    spec.services.redisUrl = new SecretKeyRef("portal-redis", "url");
    spec.secretConfig = new ArrayList<>(ALL_SHARED_211);
    spec.secretConfig.add(option("ckanext.s3filestore.aws_secret_access_key", "portal-s3", "secret"));
    spec.secretConfig.add(option("smtp.password", "portal-smtp", "password"));
    spec.config = new LinkedHashMap<>(Map.of("ckan.site_url", "https://data.example.org"));
    return spec;
  }

  static CkanInstanceSpec managed(String version, Integer replicas) {
    CkanInstanceSpec spec = spec(version, replicas);
    spec.services = new ServicesSpec();
    spec.services.managed = true;
    spec.secretConfig = new ArrayList<>(ALL_SHARED_211);
    return spec;
  }

  /** env name -> "secret/key" (asserting each is a secretKeyRef and nothing else). */
  static Map<String, String> refs(List<EnvVar> env) {
    Map<String, String> refs = new TreeMap<>();
    for (EnvVar e : env) {
      assertNull(e.getValue(), e.getName() + " must not carry a literal value");
      assertNull(e.getValueFrom().getConfigMapKeyRef(), e.getName());
      assertNull(e.getValueFrom().getFieldRef(), e.getName());
      var ref = e.getValueFrom().getSecretKeyRef();
      refs.put(e.getName(), ref.getName() + "/" + ref.getKey());
    }
    return refs;
  }

  // ---- secret env

  @Test
  void externalServicesAndSecretOptionsReachPodsAsSecretKeyRefsSortedByName() {
    List<EnvVar> env = RuntimeEnv.secretEnv(external("2.11.5", 1), INSTANCE);
    Map<String, String> expected = new TreeMap<>();
    expected.put("CKAN_SQLALCHEMY_URL", "portal-db/url");
    expected.put("CKAN_DATASTORE_WRITE_URL", "portal-datastore/write");
    expected.put("CKAN_DATASTORE_READ_URL", "portal-datastore/read");
    expected.put("CKAN_SOLR_USER", "portal-solr/user");
    expected.put("CKAN_SOLR_PASSWORD", "portal-solr/password");
    expected.put("CKAN_REDIS_URL", "portal-redis/url");
    expected.put("CKAN___SECRET_KEY", "portal-keys/flask");
    expected.put("CKAN___WTF_CSRF_SECRET_KEY", "portal-keys/csrf");
    expected.put("CKAN___API_TOKEN__JWT__ENCODE__SECRET", "portal-keys/jwt");
    expected.put("CKAN___API_TOKEN__JWT__DECODE__SECRET", "portal-keys/jwt");
    expected.put("CKAN___CKANEXT__S3FILESTORE__AWS_SECRET_ACCESS_KEY", "portal-s3/secret");
    expected.put("CKAN___SMTP__PASSWORD", "portal-smtp/password");
    assertEquals(expected, refs(env));
    List<String> names = env.stream().map(EnvVar::getName).toList();
    assertEquals(names.stream().sorted().toList(), names, "sorted: the same spec renders the same pods");
    assertEquals(env, RuntimeEnv.secretEnv(external("2.11.5", 1), INSTANCE));
  }

  @Test
  void beakerSessionSecretOnTwoTen() {
    CkanInstanceSpec spec = spec("2.10.10", 1);
    spec.secretConfig = List.of(option("beaker.session.secret", "keys", "beaker"));
    assertEquals(Map.of("CKAN___BEAKER__SESSION__SECRET", "keys/beaker",
        "CKAN___WTF_CSRF_SECRET_KEY", "portal-keys/wtf_csrf_secret_key",
        "CKAN___API_TOKEN__JWT__ENCODE__SECRET", "portal-keys/api_token.jwt.secret",
        "CKAN___API_TOKEN__JWT__DECODE__SECRET", "portal-keys/api_token.jwt.secret"),
        refs(RuntimeEnv.secretEnv(spec, INSTANCE)), "what the spec does not name comes from the generated Secret");
  }

  @Test
  void managedServicesFillWhatIsNotGiven() {
    assertEquals(Map.of(
        "CKAN_SQLALCHEMY_URL", "portal-services/database-url",
        "CKAN_DATASTORE_WRITE_URL", "portal-services/datastore-write-url",
        "CKAN_DATASTORE_READ_URL", "portal-services/datastore-read-url",
        "CKAN_REDIS_URL", "portal-services/redis-url"),
        refs(RuntimeEnv.secretEnv(managed("2.11.5", 1), INSTANCE)).entrySet().stream()
            .filter(e -> !e.getKey().startsWith("CKAN___")).collect(Collectors.toMap(Map.Entry::getKey,
                Map.Entry::getValue)));
    CkanInstanceSpec mixed = managed("2.11.5", 1);
    mixed.services.databaseUrl = new SecretKeyRef("rds", "url");
    Map<String, String> refs = refs(RuntimeEnv.secretEnv(mixed, INSTANCE));
    assertEquals("rds/url", refs.get("CKAN_SQLALCHEMY_URL"));
    assertEquals("portal-services/redis-url", refs.get("CKAN_REDIS_URL"));
    // the DataStore keys may be left out of the Secret
    assertEquals(Boolean.TRUE, RuntimeEnv.secretEnv(mixed, INSTANCE).stream()
        .filter(e -> e.getName().equals("CKAN_DATASTORE_READ_URL")).findFirst().orElseThrow()
        .getValueFrom().getSecretKeyRef().getOptional());
  }

  @Test
  void withoutManagedServicesNothingIsInvented() {
    CkanInstanceSpec spec = spec("2.11.5", 2);
    spec.services = new ServicesSpec();
    spec.services.databaseUrl = new SecretKeyRef("db", "url");
    spec.secretConfig = ALL_SHARED_211;
    assertEquals(Map.of("CKAN_SQLALCHEMY_URL", "db/url", "CKAN___SECRET_KEY", "portal-keys/flask",
        "CKAN___WTF_CSRF_SECRET_KEY", "portal-keys/csrf", "CKAN___API_TOKEN__JWT__ENCODE__SECRET", "portal-keys/jwt",
        "CKAN___API_TOKEN__JWT__DECODE__SECRET", "portal-keys/jwt"), refs(RuntimeEnv.secretEnv(spec, INSTANCE)));
    assertEquals(Map.of(), RuntimeEnv.plainEnv(spec, INSTANCE), "no Redis: no Redis sessions, no Solr URL");
    assertEquals(Set.of("db", "portal-keys"), RuntimeEnv.secretNames(spec, INSTANCE));
  }

  @Test
  void secretNamesListsEveryReferencedSecret() {
    assertEquals(Set.of("portal-db", "portal-datastore", "portal-solr", "portal-redis", "portal-keys", "portal-s3",
        "portal-smtp"), RuntimeEnv.secretNames(external("2.11.5", 1), INSTANCE));
    assertEquals(Set.of("portal-services", "portal-keys"), RuntimeEnv.secretNames(managed("2.11.5", 1), INSTANCE));
    CkanInstanceSpec allExternal = external("2.11.5", 1);
    allExternal.services.managed = true; // the managed PostgreSQL still reads postgres-password from it
    assertTrue(RuntimeEnv.secretNames(allExternal, INSTANCE).contains("portal-services"));
  }

  // ---- plain env and sessions

  static Stream<Arguments> sessions() {
    return Stream.of(
        Arguments.of("2.10.10", 1, Map.of("CKAN___BEAKER__SESSION__TYPE", "ext:redis"),
            Map.of("CKAN___BEAKER__SESSION__URL", "portal-redis/url")),
        Arguments.of("2.10.10", null, Map.of("CKAN___BEAKER__SESSION__TYPE", "ext:redis"),
            Map.of("CKAN___BEAKER__SESSION__URL", "portal-redis/url")),
        Arguments.of("2.10.10", 2, Map.of("CKAN___BEAKER__SESSION__TYPE", "ext:redis"),
            Map.of("CKAN___BEAKER__SESSION__URL", "portal-redis/url")),
        Arguments.of("2.11.0", 1, Map.of("CKAN___SESSION_TYPE", "redis"), Map.of()),
        Arguments.of("2.11.5", 2, Map.of("CKAN___SESSION_TYPE", "redis"), Map.of()),
        Arguments.of("2.12.0", 3, Map.of("CKAN___SESSION_TYPE", "redis"), Map.of()));
  }

  @ParameterizedTest(name = "{0} x{1}")
  @MethodSource("sessions")
  void sessionsInRedisWheneverARedisIsConfiguredWhateverTheReplicas(String version, Integer replicas, Map<String, String> plain,
      Map<String, String> extraSecret) {
    CkanInstanceSpec spec = external(version, replicas);
    Map<String, String> expected = new TreeMap<>(plain);
    expected.put("CKAN_SOLR_URL", "http://solr.search:8983/solr/ckan");
    assertEquals(expected, RuntimeEnv.plainEnv(spec, INSTANCE));
    Map<String, String> refs = refs(RuntimeEnv.secretEnv(spec, INSTANCE));
    extraSecret.forEach((k, v) -> assertEquals(v, refs.get(k), k));
    if (extraSecret.isEmpty()) {
      assertFalse(refs.containsKey("CKAN___BEAKER__SESSION__URL"));
    }
    // never the unprefixed name: ckanext-envvars ignores it (a known production bug)
    assertFalse(RuntimeEnv.plainEnv(spec, INSTANCE).containsKey("SESSION_TYPE"));
  }

  @Test
  void managedSolrAndStorage() {
    CkanInstanceSpec spec = managed("2.11.5", 2);
    spec.storage = new StorageSpec();
    spec.storage.size = "20Gi";
    assertEquals(Map.of("CKAN_SOLR_URL", "http://portal-solr:8983/solr/ckan", "CKAN_STORAGE_PATH", "/var/lib/ckan",
        "CKAN___SESSION_TYPE", "redis"), RuntimeEnv.plainEnv(spec, INSTANCE));
    spec.services.solrUrl = "https://solr.example.org/solr/ckan";
    assertEquals("https://solr.example.org/solr/ckan", RuntimeEnv.plainEnv(spec, INSTANCE).get("CKAN_SOLR_URL"));
  }

  // ---- shared secrets

  static Stream<Arguments> missing() {
    return Stream.of(
        Arguments.of("2.11.5", List.<SecretOption>of(),
            List.of("secret_key", "wtf_csrf_secret_key", "api_token.jwt.encode.secret", "api_token.jwt.decode.secret")),
        Arguments.of("2.12.0", ALL_SHARED_211, List.of()),
        Arguments.of("2.11.5", List.of(option("SECRET_KEY", "k", "a"), option("api_token.jwt.encode.secret", "k", "b")),
            List.of("wtf_csrf_secret_key", "api_token.jwt.decode.secret")),
        Arguments.of("2.10.10", List.<SecretOption>of(),
            List.of("beaker.session.secret", "wtf_csrf_secret_key", "api_token.jwt.encode.secret",
                "api_token.jwt.decode.secret")),
        // 2.10 signs with beaker.session.secret: a secret_key alone does not cover it
        Arguments.of("2.10.10", ALL_SHARED_211, List.of("beaker.session.secret")),
        Arguments.of("2.10.10", List.of(option("beaker.session.secret", "k", "a"), option("wtf_csrf_secret_key", "k", "c"),
            option("api_token.jwt.encode.secret", "k", "b"), option("api_token.jwt.decode.secret", "k", "b")),
            List.of()));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {2}")
  @MethodSource("missing")
  void missingSharedSecrets(String version, List<SecretOption> given, List<String> expected) {
    CkanInstanceSpec spec = spec(version, 1);
    spec.secretConfig = given;
    assertEquals(expected, RuntimeEnv.missingSharedSecrets(spec));
  }

  @Test
  void missingSharedSecretsWithoutSecretConfig() {
    assertEquals(4, RuntimeEnv.missingSharedSecrets(spec("2.11.5", 1)).size());
  }

  // ---- no secret value anywhere

  static final String[] SECRET_VALUES = {
      "postgresql://ckan:Sup3rS3cretDbPassw0rd@db.internal/ckan", "S3cretFlaskKey-do-not-leak",
      "string:JwtS3cret-do-not-leak", "redis://:R3disPassw0rd-do-not-leak@redis:6379/0",
      "AKIA-s3-secret-do-not-leak"};

  /** What the user keeps in Secrets: the operator never reads it, so none of it can reach a rendered object. */
  static final List<Secret> USER_SECRETS = List.of(
      secret("portal-db", Map.of("url", SECRET_VALUES[0])),
      secret("portal-keys", Map.of("flask", SECRET_VALUES[1], "jwt", SECRET_VALUES[2], "csrf", SECRET_VALUES[1])),
      secret("portal-redis", Map.of("url", SECRET_VALUES[3])),
      secret("portal-s3", Map.of("secret", SECRET_VALUES[4])),
      secret("portal-services", Map.of("database-url", SECRET_VALUES[0], "redis-url", SECRET_VALUES[3])));

  static Secret secret(String name, Map<String, String> data) {
    Map<String, String> encoded = new TreeMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder().withNewMetadata().withName(name).endMetadata().withData(encoded).build();
  }

  static List<HasMetadata> renderEverything(CkanInstanceSpec spec) {
    Owner owner = new Owner(INSTANCE, "data", "uid-1");
    List<EnvVar> secretEnv = RuntimeEnv.secretEnv(spec, INSTANCE);
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(WorkerObjects.worker(owner, 3, "ckan/ckan-base:2.11.5", "portal-r3", secretEnv, spec.workers, 2,
        Map.of(), spec.storage));
    objects.add(MigrationObjects.migrate(owner, 3, "ckan/ckan-base:2.11.5", spec.version, List.of("activity", "envvars"),
        "portal-r3", secretEnv, Map.of()));
    objects.addAll(ManagedServices.objects(owner, spec.version));
    objects.add(InstanceObjects.ingress(owner, spec.ingress));
    objects.add(InstanceObjects.storage(owner, spec.storage));
    objects.add(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("plain")
        .endMetadata().withData(RuntimeEnv.plainEnv(spec, INSTANCE)).build());
    return objects;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderable")
  void noSecretValueInAnyRenderedObject(String name, CkanInstanceSpec spec) {
    spec.workers = new WorkersSpec();
    spec.ingress = new IngressSpec();
    spec.ingress.host = "data.example.org";
    spec.storage = new StorageSpec();
    spec.storage.size = "20Gi";
    String yaml = renderEverything(spec).stream().map(Serialization::asYaml).collect(Collectors.joining("\n---\n"));
    for (String value : SECRET_VALUES) {
      assertFalse(yaml.contains(value), value);
      assertFalse(yaml.contains(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))), value);
    }
    for (Secret s : USER_SECRETS) {
      s.getData().values().forEach(v -> assertFalse(yaml.contains(v)));
    }
    // and every env var that names a Secret does so by reference only
    Set<String> secretEnvNames = RuntimeEnv.secretEnv(spec, INSTANCE).stream().map(EnvVar::getName)
        .collect(Collectors.toSet());
    for (HasMetadata o : renderEverything(spec)) {
      envOf(o).stream().filter(e -> secretEnvNames.contains(e.getName()))
          .forEach(e -> assertNull(e.getValue(), o.getMetadata().getName() + ": " + e.getName()));
    }
  }

  static Stream<Arguments> renderable() {
    return Stream.of(Arguments.of("external 2.11 x2", external("2.11.5", 2)),
        Arguments.of("external 2.10 x2", external("2.10.10", 2)), Arguments.of("managed 2.11 x1", managed("2.11.5", 1)));
  }

  static List<EnvVar> envOf(HasMetadata o) {
    List<EnvVar> env = new ArrayList<>();
    io.fabric8.kubernetes.api.model.PodSpec pod = null;
    if (o instanceof io.fabric8.kubernetes.api.model.apps.Deployment d) {
      pod = d.getSpec().getTemplate().getSpec();
    } else if (o instanceof io.fabric8.kubernetes.api.model.batch.v1.Job j) {
      pod = j.getSpec().getTemplate().getSpec();
    }
    if (pod != null) {
      Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
          .filter(c -> c.getEnv() != null).forEach(c -> env.addAll(c.getEnv()));
    }
    return env;
  }
}
