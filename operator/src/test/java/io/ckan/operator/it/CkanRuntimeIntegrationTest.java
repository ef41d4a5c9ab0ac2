package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.IngressSpec;
import io.ckan.operator.api.SecretKeyRef;
import io.ckan.operator.api.SecretOption;
import io.ckan.operator.api.ServicesSpec;
import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.api.WorkersSpec;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.Behaviour;
import io.ckan.sim.CkanJobs;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Issue 5: migrations per revision, schema-safe reverts, workers, secrets, services, ingress and storage. */
class CkanRuntimeIntegrationTest extends IntegrationTest {
  static final String SECRET_VALUE = "s3cr3t-VALUE-never-in-plain-sight";
  static final String DB_URL = "postgresql://ckan:" + SECRET_VALUE + "@db.example.org/ckan";

  static CkanInstanceSpec spec(String version) {
    CkanInstanceSpec spec = RevisionRolloutIntegrationTest.spec(version, 2);
    spec.services = new ServicesSpec();
    spec.services.databaseUrl = new SecretKeyRef("ckan-db", "url");
    spec.services.redisUrl = new SecretKeyRef("ckan-db", "redis");
    spec.services.solrUrl = "http://solr.example.org:8983/solr/ckan";
    spec.secretConfig = new ArrayList<>();
    for (String option : List.of("secret_key", "wtf_csrf_secret_key", "api_token.jwt.encode.secret",
        "api_token.jwt.decode.secret")) {
      SecretOption o = new SecretOption();
      o.option = option;
      o.secretKeyRef = new SecretKeyRef("ckan-secrets", option.replace('.', '-').replace('_', '-'));
      spec.secretConfig.add(o);
    }
    spec.workers = new WorkersSpec();
    spec.workers.replicas = 2;
    spec.workers.queues = List.of("default", "bulk");
    return spec;
  }

  void secrets() {
    h.client.secrets().inNamespace(OperatorHarness.NS).resource(new SecretBuilder().withNewMetadata()
        .withName("ckan-db").endMetadata().addToStringData("url", DB_URL)
        .addToStringData("redis", "redis://:" + SECRET_VALUE + "@redis.example.org:6379/0").build()).create();
    SecretBuilder shared = new SecretBuilder().withNewMetadata().withName("ckan-secrets").endMetadata();
    for (String key : List.of("secret-key", "wtf-csrf-secret-key", "api-token-jwt-encode-secret",
        "api-token-jwt-decode-secret")) {
      shared.addToStringData(key, "string:" + SECRET_VALUE);
    }
    h.client.secrets().inNamespace(OperatorHarness.NS).resource(shared.build()).create();
  }

  ConfigMap configMap(int revision) {
    return h.client.configMaps().inNamespace(OperatorHarness.NS).withName("portal-r" + revision).get();
  }

  Deployment worker(int revision) {
    return h.client.apps().deployments().inNamespace(OperatorHarness.NS).withName("portal-r" + revision + "-worker")
        .get();
  }

  boolean migrationSucceeded(int revision) {
    var job = h.client.batch().v1().jobs().inNamespace(OperatorHarness.NS).withName("portal-r" + revision + "-migrate")
        .get();
    return job != null && job.getStatus() != null && job.getStatus().getSucceeded() != null
        && job.getStatus().getSucceeded() > 0;
  }

  @Test
  void migrationsRunBeforeWebPodsAndRecordTheSchemaHeads() {
    Scenario scenario = Scenario.create().timeScale(0.05)
        .whenJobComponent("migrate", CkanJobs.migratesPerVersion(Duration.ofSeconds(20)));
    h = new OperatorHarness(scenario);
    secrets();
    h.apply(OperatorHarness.instance("portal", spec("2.11.4")));
    AtomicBoolean sawMigrating = new AtomicBoolean();
    h.watchUntil(T, () -> {
      for (int n : h.revisions("portal").keySet()) {
        assertTrue(migrationSucceeded(n), "revision " + n + " has a web Deployment before its migration succeeded");
      }
      if (configMap(1) != null && h.revisions("portal").isEmpty()) {
        sawMigrating.set(true);
      }
    }, x -> x.revisions("portal").containsKey(1));
    assertTrue(sawMigrating.get(), "revision 1 existed (config snapshot) while migrating");
    h.awaitReady("portal", 1, T);
    Map<String, String> r1 = configMap(1).getMetadata().getAnnotations();
    assertEquals("", r1.get(Labels.SCHEMA_BEFORE), "a fresh database");
    assertTrue(r1.get(Labels.SCHEMA_AFTER).matches("[0-9a-f]{12}"));

    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> {
      for (int n : h.revisions("portal").keySet()) {
        assertTrue(migrationSucceeded(n), "revision " + n + " has a web Deployment before its migration succeeded");
      }
    }, x -> x.revisions("portal").containsKey(2));
    h.awaitReady("portal", 2, T);
    Map<String, String> r2 = configMap(2).getMetadata().getAnnotations();
    assertEquals(r1.get(Labels.SCHEMA_AFTER), r2.get(Labels.SCHEMA_BEFORE));
    assertFalse(r2.get(Labels.SCHEMA_AFTER).equals(r1.get(Labels.SCHEMA_AFTER)), "2.11.5 changed the schema");
    CkanRuntimeIntegrationTest.assertNoSecretAnywhere(h);
  }

  @Test
  void aRevertAcrossASchemaChangeIsRefusedWithTheDocumentedCondition() {
    Scenario scenario = Scenario.create().timeScale(0.05)
        .whenJobComponent("migrate", CkanJobs.migratesPerVersion(Duration.ofSeconds(2)))
        .whenRevision("portal", 2, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(30)));
    h = new OperatorHarness(scenario);
    secrets();
    CkanInstanceSpec spec = spec("2.11.4");
    spec.rollout.bakeSeconds = 60;
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> { }, x -> Integer.valueOf(2).equals(x.pointer("portal")));
    h.awaitCondition("portal", "Stalled", "True", T);
    var stalled = h.condition("portal", "Stalled");
    assertEquals("RollbackBlockedBySchema", stalled.getReason());
    assertTrue(stalled.getMessage().contains("migrated by revision 2"), stalled.getMessage());
    assertTrue(stalled.getMessage().contains("Roll forward"), stalled.getMessage());
    assertEquals(2, h.pointer("portal"), "the pointer stays on the migrated revision");
    assertTrue(h.client.v1().events().inNamespace(OperatorHarness.NS).list().getItems().stream()
        .anyMatch(e -> "RollbackBlockedBySchema".equals(e.getReason())));
  }

  @Test
  void workersAreSwitchedTogetherWithTheWebTier() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    secrets();
    CkanInstanceSpec spec = spec("2.11.4");
    spec.rollout.bakeSeconds = 2;
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    h.watchUntil(T, () -> { }, x -> worker(1).getSpec().getReplicas() == 2);
    List<String> command = worker(1).getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
    List<String> args = worker(1).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
    String all = String.join(" ", command == null ? List.of() : command) + " " + String.join(" ",
        args == null ? List.of() : args);
    assertTrue(all.contains("jobs worker") && all.contains("default") && all.contains("bulk"), all);

    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> {
      Integer pointer = h.pointer("portal");
      Deployment w2 = worker(2);
      if (w2 != null && w2.getSpec().getReplicas() > 0) {
        assertEquals(2, pointer, "revision 2's workers start only with its web tier");
      }
    }, x -> Integer.valueOf(2).equals(x.pointer("portal")) && worker(2).getSpec().getReplicas() == 2);
    assertEquals(2, worker(1).getSpec().getReplicas(), "the previous workers run through the bake window");
    h.watchUntil(T, () -> { }, x -> worker(1).getSpec().getReplicas() == 0);
    h.awaitReady("portal", 2, T);
  }

  @Test
  void aMissingSecretIsReportedAndTheLiveRevisionIsUndisturbed() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    secrets();
    h.apply(OperatorHarness.instance("portal", spec("2.11.4")));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.services.databaseUrl = new SecretKeyRef("ckan-db-new", "url"));
    h.awaitCondition("portal", "Stalled", "True", T);
    var stalled = h.condition("portal", "Stalled");
    assertEquals("MissingSecret", stalled.getReason());
    assertTrue(stalled.getMessage().contains("Secret default/ckan-db-new (for CKAN_SQLALCHEMY_URL) does not exist"),
        stalled.getMessage());
    assertEquals(Set.of(1), h.revisions("portal").keySet(), "no new revision");
    assertNull(configMap(2));
    assertEquals(1, h.pointer("portal"));
    assertTrue(h.conditionIs("portal", "Available", "True"));

    h.client.secrets().inNamespace(OperatorHarness.NS).resource(new SecretBuilder().withNewMetadata()
        .withName("ckan-db-new").endMetadata().addToStringData("url", DB_URL).build()).create();
    // the operator looks again on its own (it cannot watch Secrets: it may only read the ones it needs, by name)
    h.awaitReady("portal", 2, T);
  }

  /**
   * Finding 3 of the real-CKAN run: a spec without keys used to run pods that each made their own (or none). Now the
   * operator generates {@code <name>-keys} once, every pod references the same keys, nothing leaks, and deleting and
   * re-creating the instance keeps the keys (no owner reference, never overwritten).
   */
  @Test
  void withoutSharedKeysTheOperatorGeneratesThemOnceForEveryPodAndKeepsThem() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    secrets();
    CkanInstanceSpec spec = spec("2.11.4");
    spec.secretConfig = null;
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    var keys = h.client.secrets().inNamespace(OperatorHarness.NS).withName("portal-keys").get();
    assertNotNull(keys, "portal-keys generated");
    assertTrue(keys.getMetadata().getOwnerReferences() == null || keys.getMetadata().getOwnerReferences().isEmpty(),
        "kept when the instance goes");
    Map<String, String> values = keys.getStringData() != null ? keys.getStringData() : keys.getData();
    for (String key : List.of("secret_key", "wtf_csrf_secret_key", "api_token.jwt.secret")) {
      assertTrue(values.containsKey(key) && values.get(key).length() >= 32, key);
    }
    Map<String, String> refs = new java.util.TreeMap<>();
    for (Deployment d : List.of(h.revisions("portal").get(1), worker(1))) {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
          .filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null
              && e.getValueFrom().getSecretKeyRef().getName().equals("portal-keys"))
          .forEach(e -> assertEquals(refs.computeIfAbsent(e.getName(), n -> e.getValueFrom().getSecretKeyRef()
              .getKey()), e.getValueFrom().getSecretKeyRef().getKey(), d.getMetadata().getName()));
    }
    assertEquals(Map.of("CKAN___SECRET_KEY", "secret_key", "CKAN___WTF_CSRF_SECRET_KEY", "wtf_csrf_secret_key",
        "CKAN___API_TOKEN__JWT__ENCODE__SECRET", "api_token.jwt.secret",
        "CKAN___API_TOKEN__JWT__DECODE__SECRET", "api_token.jwt.secret"), refs);
    String json = Serialization.asJson(h.client.resources(io.ckan.operator.api.CkanInstance.class)
        .inNamespace(OperatorHarness.NS).withName("portal").get());
    for (var e : h.client.v1().events().inNamespace(OperatorHarness.NS).list().getItems()) {
      json += Serialization.asJson(e);
    }
    for (ConfigMap cm : h.client.configMaps().inNamespace(OperatorHarness.NS).list().getItems()) {
      json += Serialization.asJson(cm);
    }
    String all = json + String.join("\n", h.journal);
    values.values().forEach(v -> assertFalse(all.contains(v.replace("string:", "")), "a generated value leaked"));

    h.deleteWithGarbageCollection("portal");
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitCondition("portal", "Ready", "True", T);
    var again = h.client.secrets().inNamespace(OperatorHarness.NS).withName("portal-keys").get();
    assertEquals(values, again.getStringData() != null ? again.getStringData() : again.getData(),
        "never overwritten");
  }

  /**
   * A settled instance costs the API server nothing when it is reconciled again: everything it reads (its objects,
   * the Ingress, the uploads volume) comes from the informer caches, and Secrets are read only by a pass that creates
   * or starts something. Proven by a reconcile the test triggers (an annotation) and waits for.
   */
  @Test
  void aSettledInstanceIsReconciledWithoutASingleRequest() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    secrets();
    CkanInstanceSpec spec = spec("2.11.4");
    spec.ingress = new IngressSpec();
    spec.ingress.host = "data.example.org";
    spec.storage = new StorageSpec();
    spec.storage.size = "10Gi";
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    // settled: the operator has sent nothing for a second
    org.awaitility.Awaitility.await("settled").atMost(T).pollInterval(Duration.ofMillis(200))
        .until(() -> h.requests.since(System.nanoTime() - Duration.ofSeconds(1).toNanos()).isEmpty());

    int before = h.reconciles.get();
    long nudged = System.nanoTime();
    h.annotate("portal", "test.ckan.io/nudge", "1");
    org.awaitility.Awaitility.await("the nudged reconcile").atMost(T).until(() -> h.reconciles.get() > before);
    assertEquals(List.of(), h.requests.since(nudged), "requests of a settled reconcile");
    assertTrue(h.conditionIs("portal", "Ready", "True"));
  }

  @Test
  void managedServicesIngressAndStorageAreCreatedForTheInstance() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    secrets();
    CkanInstanceSpec spec = spec("2.11.4");
    spec.services = new ServicesSpec();
    spec.services.managed = true;
    spec.ingress = new IngressSpec();
    spec.ingress.host = "data.example.org";
    spec.ingress.tlsSecretName = "data-example-org-tls";
    spec.storage = new StorageSpec();
    spec.storage.size = "10Gi";
    // no portal-services Secret: the operator generates one with random passwords and the managed services' URLs
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    var generated = h.client.secrets().inNamespace(OperatorHarness.NS).withName("portal-services").get();
    Map<String, String> services = generated.getStringData() != null ? generated.getStringData() : generated.getData();
    assertTrue(services.get("database-url").matches("postgresql://ckan:[A-Za-z0-9_-]{43}@portal-db:5432/ckan"),
        "database-url");
    assertTrue(services.get("redis-url").matches("redis://:[A-Za-z0-9_-]{43}@portal-redis:6379/0"), "redis-url");
    for (String name : List.of("portal-db", "portal-solr", "portal-redis")) {
      assertNotNull(h.client.apps().deployments().inNamespace(OperatorHarness.NS).withName(name).get(), name);
      assertNotNull(h.client.services().inNamespace(OperatorHarness.NS).withName(name).get(), name);
    }
    var ingress = h.client.network().v1().ingresses().inNamespace(OperatorHarness.NS).withName("portal").get();
    assertEquals("portal", ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService()
        .getName());
    assertNotNull(h.client.persistentVolumeClaims().inNamespace(OperatorHarness.NS).withName("portal-storage").get());
    Deployment web = h.revisions("portal").get(1);
    assertTrue(web.getSpec().getTemplate().getSpec().getVolumes().stream()
        .anyMatch(v -> v.getPersistentVolumeClaim() != null
            && "portal-storage".equals(v.getPersistentVolumeClaim().getClaimName())));
    assertEquals("/var/lib/ckan", configMap(1).getData().get("CKAN_STORAGE_PATH"));
    assertEquals("http://portal-solr:8983/solr/ckan", configMap(1).getData().get("CKAN_SOLR_URL"));
    CkanRuntimeIntegrationTest.assertNoSecretAnywhere(h);
  }

  /** No secret value in any ConfigMap, the status, an Event, the operator's journal or its log file. */
  static void assertNoSecretAnywhere(OperatorHarness h) {
    for (ConfigMap cm : h.client.configMaps().inNamespace(OperatorHarness.NS).list().getItems()) {
      assertFalse(Serialization.asJson(cm).contains(SECRET_VALUE), "ConfigMap " + cm.getMetadata().getName());
    }
    for (var ci : h.client.resources(io.ckan.operator.api.CkanInstance.class).inNamespace(OperatorHarness.NS).list()
        .getItems()) {
      assertFalse(Serialization.asJson(ci.getStatus()).contains(SECRET_VALUE), "status");
    }
    for (var e : h.client.v1().events().inNamespace(OperatorHarness.NS).list().getItems()) {
      assertFalse(Serialization.asJson(e).contains(SECRET_VALUE), "Event " + e.getReason());
    }
    for (Deployment d : h.client.apps().deployments().inNamespace(OperatorHarness.NS).list().getItems()) {
      assertFalse(Serialization.asJson(d).contains(SECRET_VALUE), "Deployment " + d.getMetadata().getName());
    }
    assertTrue(h.journal.stream().noneMatch(l -> l.contains(SECRET_VALUE)), "journal");
    try {
      Path log = Path.of("target/operator-test.log");
      assertTrue(Files.exists(log), "the operator's log file");
      assertFalse(Files.readString(log).contains(SECRET_VALUE), "operator log");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
