package io.ckan.operator.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the real-CKAN conformance fixture: the kit's CKAN 2.11.5 against loopback PostgreSQL, Redis and the Solr
 * stub, driven through {@link LocalContainer}s built from fabric8 container specs with cluster-style env (Secret and
 * ConfigMap references, in-cluster service hosts) — {@code ckan db init}, then a web container whose final
 * {@code exec uwsgi} runs gunicorn through the {@link UwsgiShim} and answers {@code status_show}.
 *
 * <p>Skipped (one line) when the kit is not there; see {@link CkanKit} for where it is looked for.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RealCkanFixtureSmokeTest {
  static final String IMAGE = "ckan/ckan-base:2.11.5";
  static final Duration WEB_READY = Duration.ofSeconds(90);

  @TempDir
  Path tmp;

  @Test
  void dbInitThenWebThroughTheUwsgiShimAnswersStatusShow() throws Exception {
    Optional<CkanKit> found = CkanKit.find();
    Assumptions.assumeTrue(found.isPresent(),
        "real-CKAN tier skipped: kit not found at " + CkanKit.expectedLocation());
    CkanKit kit = found.get();

    long t0 = System.nanoTime();
    kit.venv();
    long t1 = System.nanoTime();
    try (LoopbackServices services = LoopbackServices.start(tmp.resolve("services"), kit)) {
      long t2 = System.nanoTime();
      kit.makeIni(tmp.resolve("app"));
      int webPort = LoopbackServices.freePort();

      Map<String, Map<String, String>> secrets = Map.of(
          "ckan-db", Map.of(
              "url", "postgresql://ckan:ckanpass@postgres.db.svc:5432/ckan",
              "datastore-write", "postgresql://ckan:ckanpass@postgres.db.svc:5432/datastore",
              "datastore-read", "postgresql://datastore_ro:ropass@postgres.db.svc:5432/datastore",
              "redis", "redis://redis.db.svc:6379/0"),
          "ckan-secrets", Map.of("secret-key", RenderedRevision.token()));
      Map<String, Map<String, String>> configMaps = Map.of("ckan-env", Map.of(
          "CKAN_SOLR_URL", "http://solr.search.svc:8983/solr/ckan",
          "CKAN_SITE_URL", "http://127.0.0.1:" + webPort));
      HostMap hosts = new HostMap()
          .map("postgres.db.svc", 5432, services.postgresPort())
          .map("redis.db.svc", 6379, services.redisPort())
          .map("solr.search.svc", 8983, services.solrPort());

      // 1. ckan db init, as a migration Job's container would run it
      LocalContainer dbInit = local(container("db-init", "ckan -c \"$CKAN_INI\" db init"), kit, null, secrets,
          configMaps, hosts, Map.of());
      assertTrue(dbInit.env().get("CKAN_SQLALCHEMY_URL").endsWith("@127.0.0.1:" + services.postgresPort() + "/ckan"),
          dbInit.env().toString());
      OptionalInt exit;
      try (dbInit) {
        exit = dbInit.start().waitFor(Duration.ofSeconds(120));
      }
      long t3 = System.nanoTime();
      assertEquals(OptionalInt.of(0), exit, () -> "ckan db init failed:\n" + Exec.tail(dbInit.log(), 40));
      assertFalse(services.psql("select version_num from alembic_version").isBlank(), "no core migration recorded");

      // 2. the web container: its final exec of uwsgi runs the kit's gunicorn
      UwsgiShim shim = UwsgiShim.create(tmp.resolve("shim"), kit);
      LocalContainer web = local(container("ckan", "exec uwsgi --http [::]:5000 --wsgi-file /srv/app/wsgi.py"), kit,
          shim, secrets, configMaps, hosts, Map.of(UwsgiShim.PORT_ENV, Integer.toString(webPort)));
      try (web) {
        web.start();
        JsonNode status = awaitStatusShow(web, webPort);
        long t4 = System.nanoTime();
        assertTrue(status.path("success").asBoolean(), status.toString());
        assertEquals("2.11.5", status.path("result").path("ckan_version").asText(), status.toString());
        String invocation = UwsgiShim.invocation(web.log()).orElseThrow(() -> new AssertionError(
            "the uwsgi shim did not run:\n" + web.log()));
        assertTrue(invocation.contains("--http [::]:5000") && invocation.contains("--wsgi-file "
            + tmp.resolve("app").toAbsolutePath() + "/wsgi.py"), invocation);
        System.out.printf("[real-CKAN tier] kit %.1f s, services %.1f s, db init %.1f s, web ready %.1f s%n",
            secs(t1 - t0), secs(t2 - t1), secs(t3 - t2), secs(t4 - t3));
      }
      assertFalse(web.isRunning(), "web container still running after stop");
    }
  }

  /** A container as the operator would render it: sh -c SCRIPT, env from a ConfigMap and Secret keys. */
  static Container container(String name, String script) {
    return new ContainerBuilder()
        .withName(name)
        .withImage(IMAGE)
        .withCommand("sh", "-c", script)
        .addNewEnvFrom().withNewConfigMapRef().withName("ckan-env").endConfigMapRef().endEnvFrom()
        .withEnv(secretEnv("CKAN_SQLALCHEMY_URL", "ckan-db", "url"),
            secretEnv("CKAN_DATASTORE_WRITE_URL", "ckan-db", "datastore-write"),
            secretEnv("CKAN_DATASTORE_READ_URL", "ckan-db", "datastore-read"),
            secretEnv("CKAN_REDIS_URL", "ckan-db", "redis"),
            secretEnv("CKAN___SECRET_KEY", "ckan-secrets", "secret-key"))
        .build();
  }

  static EnvVar secretEnv(String name, String secret, String key) {
    return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef().withName(secret).withKey(key)
        .endSecretKeyRef().endValueFrom().build();
  }

  /** The container wired to this test's "image" (the kit venv, /srv/app) and "cluster" (loopback services). */
  LocalContainer local(Container c, CkanKit kit, UwsgiShim shim, Map<String, Map<String, String>> secrets,
      Map<String, Map<String, String>> configMaps, HostMap hosts, Map<String, String> extraImageEnv) {
    Path pod = tmp.resolve("pods").resolve(c.getName());
    PathMap paths = new PathMap()
        .map("/srv/app", tmp.resolve("app"))
        .map("/var/lib/ckan", tmp.resolve("storage"))
        .map(LocalContainer.DEFAULT_TERMINATION_LOG, pod.resolve("termination-log"));
    Path venvBin = kit.bin("ckan").getParent();
    return LocalContainer.builder(c)
        .imageEnv(Map.of("APP_DIR", "/srv/app", "CKAN_INI", "/srv/app/ckan.ini",
            "CKAN_STORAGE_PATH", "/var/lib/ckan", "LC_ALL", "C.UTF-8"))
        .imageEnv(extraImageEnv)
        .imageWorkingDir("/srv/app")
        .configMaps(configMaps)
        .secrets(secrets)
        .pathMap(paths)
        .hostMap(hosts)
        .path(shim == null ? List.of(venvBin) : List.of(shim.dir(), venvBin))
        .logFile(pod.resolve("container.log"))
        .build();
  }

  static JsonNode awaitStatusShow(LocalContainer web, int port) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/3/action/status_show"))
        .timeout(Duration.ofSeconds(20)).GET().build();
    long deadline = System.nanoTime() + WEB_READY.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!web.isRunning()) {
        fail("web container exited with " + web.exitCode() + " before answering:\n" + Exec.tail(web.log(), 40));
      }
      try {
        HttpResponse<String> r = http.send(get, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return new ObjectMapper().readTree(r.body());
        }
        last = "HTTP " + r.statusCode() + ": " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    return fail("status_show did not answer 200 within " + WEB_READY.toSeconds() + " s (last: " + last + ")\n"
        + Exec.tail(web.log(), 40));
  }

  static double secs(long nanos) {
    return nanos / 1e9;
  }
}
