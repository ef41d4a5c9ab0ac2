package io.ckan.operator.resources;

import io.ckan.operator.contract.Labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManagedServicesTest {

  static final Owner OWNER = new Owner("portal", "data", "uid-1");

  static List<HasMetadata> objects() {
    return ManagedServices.objects(OWNER, "2.11.5");
  }

  static Deployment deployment(String name) {
    return objects().stream().filter(o -> o instanceof Deployment && o.getMetadata().getName().equals(name))
        .map(Deployment.class::cast).findFirst().orElseThrow();
  }

  static Container container(String deployment) {
    return deployment(deployment).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void namesAndKinds() {
    List<String> names = objects().stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
    assertEquals(List.of("ConfigMap/portal-db-init", "Deployment/portal-db", "Service/portal-db",
        "Deployment/portal-solr", "Service/portal-solr", "Deployment/portal-redis", "Service/portal-redis"), names);
    assertEquals("portal-services", ManagedServices.secretName("portal"));
    assertEquals("http://portal-solr:8983/solr/ckan", ManagedServices.solrUrl("portal"));
  }

  @Test
  void everyObjectIsOwnedLabelledAndMarkedNotForProduction() {
    for (HasMetadata o : objects()) {
      String what = o.getKind() + "/" + o.getMetadata().getName();
      assertEquals("true", o.getMetadata().getAnnotations().get("ckan.io/not-for-production"), what);
      assertEquals("data", o.getMetadata().getNamespace(), what);
      assertEquals("uid-1", o.getMetadata().getOwnerReferences().get(0).getUid(), what);
      assertEquals(Labels.OPERATOR, o.getMetadata().getLabels().get(Labels.MANAGED_BY), what);
      assertEquals("portal", o.getMetadata().getLabels().get(Labels.INSTANCE), what);
      // no revision label: the revision observer must never take a quickstart service for a revision
      assertNull(o.getMetadata().getLabels().get(Labels.REVISION), what);
      if (o instanceof Deployment d) {
        assertEquals("true", d.getSpec().getTemplate().getMetadata().getAnnotations()
            .get(ManagedServices.NOT_FOR_PRODUCTION), what);
      }
    }
  }

  static Stream<Arguments> solrImages() {
    return Stream.of(
        Arguments.of("2.10.10", "ckan/ckan-solr:2.10-solr9"),
        Arguments.of("2.11.0", "ckan/ckan-solr:2.11-solr9"),
        Arguments.of("2.11.5", "ckan/ckan-solr:2.11-solr9"),
        Arguments.of("2.12.0", "ckan/ckan-solr:2.12-solr9"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("solrImages")
  void solrFollowsTheCkanLine(String version, String image) {
    Deployment solr = ManagedServices.objects(OWNER, version).stream()
        .filter(o -> o.getMetadata().getName().equals("portal-solr") && o instanceof Deployment)
        .map(Deployment.class::cast).findFirst().orElseThrow();
    assertEquals(image, solr.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertEquals(image, ManagedServices.solrImage(version));
  }

  @Test
  void images() {
    assertEquals("postgres:16", container("portal-db").getImage());
    assertEquals("redis:7", container("portal-redis").getImage());
  }

  static Stream<Arguments> services() {
    return Stream.of(Arguments.of("portal-db", "database", 5432), Arguments.of("portal-solr", "solr", 8983),
        Arguments.of("portal-redis", "redis", 6379));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void serviceSelectsItsDeploymentOnly(String name, String component, int port) {
    Service service = objects().stream().filter(o -> o instanceof Service && o.getMetadata().getName().equals(name))
        .map(Service.class::cast).findFirst().orElseThrow();
    Deployment deployment = deployment(name);
    assertEquals(Map.of(Labels.INSTANCE, "portal", Labels.COMPONENT, component), service.getSpec().getSelector());
    assertEquals(service.getSpec().getSelector(), deployment.getSpec().getSelector().getMatchLabels());
    assertTrue(deployment.getSpec().getTemplate().getMetadata().getLabels().entrySet()
        .containsAll(service.getSpec().getSelector().entrySet()));
    assertEquals(port, service.getSpec().getPorts().get(0).getPort());
    assertEquals(1, deployment.getSpec().getReplicas());
    assertEquals("Recreate", deployment.getSpec().getStrategy().getType());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void restrictedWhereTheImagesAllow(String name, String component, int port) {
    PodSpec pod = deployment(name).getSpec().getTemplate().getSpec();
    assertEquals(true, pod.getSecurityContext().getRunAsNonRoot());
    assertEquals(name.endsWith("solr") ? 8983L : 999L, pod.getSecurityContext().getRunAsUser());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    assertEquals(false, pod.getAutomountServiceAccountToken());
    Container c = pod.getContainers().get(0);
    assertEquals(false, c.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
    assertNotNull(c.getReadinessProbe(), name);
    // quickstart storage: an emptyDir, never a PVC
    assertTrue(pod.getVolumes().stream().filter(v -> v.getName().equals("data")).allMatch(v -> v.getEmptyDir() != null));
  }

  @Test
  void passwordsOnlyThroughSecretKeyRefs() {
    for (String name : List.of("portal-db", "portal-solr", "portal-redis")) {
      for (EnvVar e : container(name).getEnv() == null ? List.<EnvVar>of() : container(name).getEnv()) {
        boolean secret = e.getName().contains("PASSWORD") || e.getName().endsWith("_URL");
        if (secret) {
          assertNull(e.getValue(), e.getName());
          assertEquals("portal-services", e.getValueFrom().getSecretKeyRef().getName(), e.getName());
        }
      }
    }
    Map<String, String> keys = container("portal-db").getEnv().stream().filter(e -> e.getValueFrom() != null)
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValueFrom().getSecretKeyRef().getKey()));
    assertEquals(Map.of("POSTGRES_PASSWORD", "postgres-password", "CKAN_DATABASE_URL", "database-url",
        "CKAN_DATASTORE_WRITE_URL", "datastore-write-url", "CKAN_DATASTORE_READ_URL", "datastore-read-url"), keys);
    assertEquals("redis-url", container("portal-redis").getEnv().get(0).getValueFrom().getSecretKeyRef().getKey());
    // the scripts are constants of ours: no spec value, no credential
    assertEquals(List.of("sh", "-c", ManagedScripts.REDIS_START), container("portal-redis").getCommand());
    // the only literal env value of the quickstart services is a path
    List<String> literals = objects().stream().filter(o -> o instanceof Deployment).map(Deployment.class::cast)
        .flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream())
        .flatMap(c -> c.getEnv() == null ? Stream.<EnvVar>empty() : c.getEnv().stream())
        .filter(e -> e.getValue() != null).map(e -> e.getName() + "=" + e.getValue()).toList();
    assertEquals(List.of("PGDATA=/var/lib/postgresql/data/pgdata"), literals);
  }

  @Test
  void postgresRunsTheInitScriptFromItsConfigMap() {
    ConfigMap init = (ConfigMap) objects().get(0);
    assertEquals(Map.of("10-ckan-databases.sh", ManagedScripts.POSTGRES_INIT), init.getData());
    PodSpec pod = deployment("portal-db").getSpec().getTemplate().getSpec();
    var volume = pod.getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow();
    assertEquals("portal-db-init", volume.getConfigMap().getName());
    assertEquals(0555, volume.getConfigMap().getDefaultMode(), "executable: the entrypoint runs it, not sources it");
    assertTrue(pod.getContainers().get(0).getVolumeMounts().stream()
        .anyMatch(m -> m.getMountPath().equals("/docker-entrypoint-initdb.d") && m.getName().equals(volume.getName())));
    assertEquals("/var/lib/postgresql/data/pgdata", pod.getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("PGDATA")).findFirst().orElseThrow().getValue());
  }

  // ---- the scripts, against fakes

  record Run(int exit, String output, String sql) {}

  static Run run(Path dir, String shell, String script, Map<String, String> env) throws Exception {
    assumeTrue(new File(shell).canExecute(), "needs " + shell);
    Path bin = dir.resolve("bin");
    Files.createDirectories(bin);
    Path psql = bin.resolve("psql");
    // answers the role probe with nothing (no such role) and records every statement
    Files.writeString(psql, "#!/bin/sh\ncat >> \"$FAKE/sql\"\n");
    assertTrue(psql.toFile().setExecutable(true));
    Path redis = bin.resolve("redis-server");
    Files.writeString(redis, "#!/bin/sh\ncat \"$1\" > \"$FAKE/sql\"\n");
    assertTrue(redis.toFile().setExecutable(true));
    ProcessBuilder process = new ProcessBuilder(shell, "-c", script).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> penv = process.environment();
    penv.remove("POSTGRES_USER");
    penv.put("PATH", bin + ":" + System.getenv("PATH"));
    penv.put("FAKE", dir.toString());
    penv.put("REDIS_CONF", dir.resolve("redis.conf").toString());
    penv.putAll(env);
    Process p = process.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    Path sql = dir.resolve("sql");
    return new Run(p.exitValue(), output, Files.exists(sql) ? Files.readString(sql) : "");
  }

  static final String PW1 = "Abcdefghij0123456789";
  static final String PW2 = "zyx.wvu_tsr~qpo-nml987";

  @Test
  void initCreatesTheDatabasesAndRolesNamedInTheUrls(@TempDir Path dir) throws Exception {
    Run run = run(dir, "/bin/bash", ManagedScripts.POSTGRES_INIT, Map.of(
        "CKAN_DATABASE_URL", "postgresql://ckan:" + PW1 + "@portal-db:5432/ckan",
        "CKAN_DATASTORE_WRITE_URL", "postgresql://ckan:" + PW1 + "@portal-db:5432/datastore",
        "CKAN_DATASTORE_READ_URL", "postgresql://datastore_ro:" + PW2 + "@portal-db/datastore?sslmode=disable"));
    assertEquals(0, run.exit(), run.output());
    List<String> statements = run.sql().lines().filter(l -> !l.startsWith("SELECT")).toList();
    assertEquals(List.of(
        "CREATE ROLE \"ckan\" NOSUPERUSER NOCREATEDB NOCREATEROLE LOGIN PASSWORD '" + PW1 + "';",
        "CREATE DATABASE \"ckan\" OWNER \"ckan\" ENCODING 'utf-8';",
        "CREATE DATABASE \"datastore\" OWNER \"ckan\" ENCODING 'utf-8';",
        "CREATE ROLE \"datastore_ro\" NOSUPERUSER NOCREATEDB NOCREATEROLE LOGIN PASSWORD '" + PW2 + "';"),
        statements);
  }

  @Test
  void initWithoutDataStore(@TempDir Path dir) throws Exception {
    Run run = run(dir, "/bin/bash", ManagedScripts.POSTGRES_INIT,
        Map.of("CKAN_DATABASE_URL", "postgres://ckan_default:" + PW1 + "@portal-db/ckan_default"));
    assertEquals(0, run.exit(), run.output());
    assertTrue(run.sql().contains("CREATE DATABASE \"ckan_default\" OWNER \"ckan_default\""), run.sql());
    assertFalse(run.sql().contains("datastore"));
  }

  static Stream<Arguments> badUrls() {
    return Stream.of(
        Arguments.of("mysql://ckan:" + PW1 + "@db/ckan", "must start with postgresql://"),
        Arguments.of("postgresql://ckan@db/ckan", "has no password"),
        Arguments.of("postgresql://ckan:short@db/ckan", "the password must be"),
        Arguments.of("postgresql://ckan:" + PW1 + "';DROP ROLE x;--@db/ckan", "the password must be"),
        Arguments.of("postgresql://ckan:" + PW1 + "%27@db/ckan", "the password must be"),
        Arguments.of("postgresql://Ck\"an:" + PW1 + "@db/ckan", "the user must match"),
        Arguments.of("postgresql://ckan:" + PW1 + "@db/ck-an", "the database must match"),
        Arguments.of("postgresql://postgres:" + PW1 + "@db/ckan", "must not use the superuser"),
        Arguments.of("postgresql://ckan:" + PW1 + "@db", "must look like"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badUrls")
  void initRefusesUrlsItCannotUseSafely(String url, String message, @TempDir Path dir) throws Exception {
    Run run = run(dir, "/bin/bash", ManagedScripts.POSTGRES_INIT, Map.of("CKAN_DATABASE_URL", url));
    assertEquals(1, run.exit(), run.output());
    assertTrue(run.output().contains(message), run.output());
    assertFalse(run.sql().contains("CREATE"), run.sql());
  }

  @Test
  void redisStartsWithThePasswordOfItsUrlInAPrivateFile(@TempDir Path dir) throws Exception {
    Run run = run(dir, "/bin/sh", ManagedScripts.REDIS_START, Map.of("REDIS_URL", "redis://:" + PW2 + "@portal-redis:6379/0"));
    assertEquals(0, run.exit(), run.output());
    assertEquals("dir /data\nrequirepass " + PW2 + "\n", run.sql());
    assertFalse(run.output().contains(PW2));
  }

  @ParameterizedTest
  @MethodSource("badRedisUrls")
  void redisRefusesToRunWithoutAPassword(String url, @TempDir Path dir) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("REDIS_URL", url);
    Run run = run(dir, "/bin/sh", ManagedScripts.REDIS_START, env);
    assertEquals(1, run.exit(), run.output());
    assertEquals("", run.sql(), "redis-server never started");
  }

  static Stream<String> badRedisUrls() {
    return Stream.of("", "redis://portal-redis:6379/0", "redis://:short@portal-redis:6379/0",
        "redis://:" + PW1 + "$(id)@portal-redis:6379/0", "http://:" + PW1 + "@x");
  }
}
