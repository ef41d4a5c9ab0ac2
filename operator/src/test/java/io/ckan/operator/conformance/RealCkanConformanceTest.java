package io.ckan.operator.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.health.Dependency;
import io.ckan.operator.health.HttpStatusShowProbe;
import io.ckan.operator.health.RevisionChecks;
import io.ckan.operator.health.SmokeCheck;
import io.ckan.operator.health.StatusShow;
import io.ckan.operator.health.Verification;
import io.ckan.operator.release.MigrationResult;
import io.ckan.operator.resources.CkanStart;
import io.ckan.operator.resources.RuntimeEnv;
import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The real-CKAN conformance tier: the containers the operator renders for the examples (migration Job, web and
 * worker Deployments, through the same builders as the reconciler and {@code render}) run as local processes against
 * the offline CKAN 2.11.5 kit in {@code ../shared/ckan-real}, with PostgreSQL 15, Redis and the kit's Solr stub on
 * loopback. Everything runs as rendered (command, args, env; secretKeyRefs resolved to test values, image paths
 * mapped to a temporary directory, service hosts to loopback). <b>The one allowed difference</b>: the image's uwsgi
 * is replaced at the final {@code exec} by the kit's gunicorn ({@link UwsgiShim}), which serves the same WSGI
 * application.
 *
 * <p>Skipped with one line when the kit is absent. {@code -Dckan.record=true} (see README) rewrites the recordings the
 * simulated cluster's fake CKAN answers from ({@code simcluster/src/main/resources/ckan-recordings/}); without it the
 * test checks that the recordings still match what the real CKAN answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RealCkanConformanceTest {
  static final Path EXAMPLES = Path.of("../examples");
  static final Path RECORDINGS = Path.of("../simcluster/src/main/resources/ckan-recordings");
  static final Duration START = Duration.ofSeconds(120);
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  CkanKit kit;
  LoopbackServices services;
  UwsgiShim shim;
  Path work;
  final Map<String, Map<String, String>> keys = new HashMap<>();
  final List<LocalContainer> running = new ArrayList<>();
  final Map<String, String> recorded = new LinkedHashMap<>();
  long started;

  @BeforeAll
  void startServices() throws Exception {
    Optional<CkanKit> found = CkanKit.find();
    Assumptions.assumeTrue(found.isPresent(), "real-CKAN tier skipped: kit not found at "
        + CkanKit.expectedLocation());
    started = System.nanoTime();
    kit = found.get();
    kit.venv();
    work = Files.createTempDirectory("ckan-conformance");
    services = LoopbackServices.start(work.resolve("services"), kit);
    kit.makeIni(work.resolve("app"));
    shim = UwsgiShim.create(work.resolve("shim"), kit);
  }

  @AfterAll
  void stopServices() throws IOException {
    running.forEach(LocalContainer::close);
    if (services != null) {
      services.close();
    }
    if (work != null && Boolean.getBoolean("ckan.record")) {
      Files.createDirectories(RECORDINGS);
      for (var e : recorded.entrySet()) {
        Files.writeString(RECORDINGS.resolve(e.getKey()), e.getValue() + "\n");
      }
    }
    if (work != null) {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    if (started != 0) {
      System.out.printf("[real-CKAN tier] %.1f s%n", (System.nanoTime() - started) / 1e9);
    }
  }

  // ---- the tests ---------------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void theMigrationJobMigratesAnEmptyDatabaseThenIsIdempotentAndReportsTheHeads() throws Exception {
    services.resetDatabase();
    RenderedRevision production = render("production.yaml", i -> {});
    MigrationResult first = migrate(production, "migrate-1");
    assertEquals("", first.before(), "an empty database has no head");
    assertTrue(first.after().matches("[0-9a-f]{12}"), first.after());
    MigrationResult again = migrate(production, "migrate-2");
    assertEquals(first.after(), again.before());
    assertEquals(first.after(), again.after(), "nothing left to migrate");
    assertEquals(first.after(), services.psql("select version_num from alembic_version").trim());
    assertTrue(Long.parseLong(services.psql("select count(*) from information_schema.tables where table_name "
        + "in ('harvest_source', 'activity')").trim()) == 2, "plugin migrations ran in db upgrade (2.11)");
  }

  @Test
  @Order(2)
  void theScheduledCommandsAndTheIndexRebuildRunAsTheOperatorRendersThem() throws Exception {
    RenderedRevision production = render("production.yaml", i -> {});
    assertFalse(production.cronJobs.isEmpty(), "production.yaml has schedules");
    String before = schemaHeads();
    List<Container> containers = new ArrayList<>();
    production.cronJobs.forEach(cj -> containers.add(RenderedRevision.cronJobContainer(cj)));
    containers.add(production.rebuildContainer());
    for (Container c : containers) {
      LocalContainer job = pod(production, c, "periodic-" + containers.indexOf(c), 0, Map.of());
      running.add(job);
      assertEquals(OptionalInt.of(0), job.start().waitFor(START), String.join(" ", c.getArgs() == null ? List.of()
          : c.getArgs()) + "\n" + job.log());
      assertTrue(job.log().contains("[ckan-operator]"), "the operator's start command ran: " + job.log());
    }
    assertEquals(before, schemaHeads(), "a scheduled command never migrates");
  }

  @Test
  @Order(2)
  void aWebPodStartedByTheOperatorLoadsEveryPluginOfTheSpecAndNeverChangesTheSchema() throws Exception {
    RenderedRevision production = render("production.yaml", i -> {});
    String before = schemaHeads();
    int port = LoopbackServices.freePort();
    LocalContainer web = start(production, production.webContainer(), "web-a", port);
    awaitStatusShow(web, port);
    assertTrue(UwsgiShim.invocation(web.log()).orElseThrow().contains("--need-app"), "the start execs uwsgi");
    // one endpoint per plugin family, not status_show (which only echoes ckan.plugins)
    assertEquals(200, get(port, "/catalog.ttl").statusCode(), "dcat");
    assertEquals(200, get(port, "/harvest").statusCode(), "harvest");
    for (String action : List.of("package_activity_list", "datastore_search", "harvest_source_list")) {
      assertActionRegistered(port, action);
    }
    assertEquals(before, schemaHeads(), "a web pod never migrates");
    recorded.put("status_show.json", canonical(get(port, HttpStatusShowProbe.PATH).body()));
    recorded.put("start.log", web.log().lines().filter(l -> l.startsWith("[ckan-operator]"))
        .map(l -> l.replace(work.toString(), "")).reduce((a, b) -> a + "\n" + b).orElse(""));
  }

  @Test
  @Order(3)
  void theOperatorsVerificationPassesForTheRightRelease() throws Exception {
    RenderedRevision production = render("production.yaml", i -> {});
    int port = portOf("web-a");
    StatusShow answer = probe(port);
    Verification.Result result = Verification.check(answer, "2.11.5", production.release.plugins(),
        CkanStart.isOperatorStart(production.webContainer().getCommand()));
    assertTrue(result.passed(), result.message());
    assertEquals(production.release.plugins(), answer.plugins());
    // status_show echoes the configuration: the same answer from a pod that did not start through the operator proves
    // nothing, and verification says so
    assertFalse(Verification.check(answer, "2.11.5", production.release.plugins(), false).passed());
    assertFalse(Verification.check(answer, "2.11.4", production.release.plugins(), true).passed(), "wrong version");
  }

  @Test
  @Order(4)
  void aWrongVersionAPluginThatIsNotInstalledAndABrokenImageNeverServe() throws Exception {
    RenderedRevision wrongVersion = render("production.yaml", i -> i.getSpec().version = "2.11.4");
    assertStartFails(wrongVersion, "web-wrong-version", "this image runs CKAN 2.11.5, the revision expects 2.11.4",
        "start-wrong-version.txt");

    RenderedRevision notInstalled = render("production.yaml", i -> {
      ExtensionSpec spatial = new ExtensionSpec();
      spatial.name = "spatial";
      spatial.pip = "ckanext-spatial==2.3.2";
      spatial.plugins = List.of("spatial_metadata");
      i.getSpec().extensions.add(spatial);
      i.getSpec().plugins.add("spatial_metadata");
    });
    assertStartFails(notInstalled, "web-not-installed", "PluginNotFoundException: Plugin 'spatial_metadata' not "
        + "found", "start-plugin-not-installed.txt");

    // an image whose ini is not where ckan-base keeps it
    RenderedRevision production = render("production.yaml", i -> {});
    int port = LoopbackServices.freePort();
    LocalContainer broken = pod(production, production.webContainer(), "web-broken", port,
        Map.of("CKAN_INI", "/srv/app/missing.ini"));
    running.add(broken);
    assertEquals(OptionalInt.of(1), broken.start().waitFor(START), broken.log());
    assertTrue(error(broken).startsWith("cannot copy the image's ckan.ini"), error(broken));
    assertTrue(probe(port).outcome() == StatusShow.Outcome.UNREACHABLE);
  }

  @Test
  @Order(5)
  void withHideVersionTheStartCommandStillChecksTheVersion() throws Exception {
    RenderedRevision hidden = render("production.yaml", i -> i.getSpec().config.put("ckan.hide_version", "true"));
    int port = LoopbackServices.freePort();
    LocalContainer web = start(hidden, hidden.webContainer(), "web-hidden", port);
    awaitStatusShow(web, port);
    StatusShow answer = probe(port);
    assertEquals(null, answer.ckanVersion(), "hide_version hides it from anonymous callers");
    Verification.Result result = Verification.check(answer, "2.11.5", hidden.release.plugins(), true);
    assertTrue(result.passed() && result.message().contains("checked by the start command"), result.message());
    recorded.put("status_show-hide_version.json", canonical(get(port, HttpStatusShowProbe.PATH).body()));
    web.close();
    RenderedRevision hiddenWrong = render("production.yaml", i -> {
      i.getSpec().config.put("ckan.hide_version", "true");
      i.getSpec().version = "2.11.4";
    });
    assertStartFails(hiddenWrong, "web-hidden-wrong", "the revision expects 2.11.4", null);
  }

  @Test
  @Order(6)
  void twoWebPodsWithTheGeneratedKeysShareLoginsAndApiTokens() throws Exception {
    // no secretConfig: the keys come from the Secret the operator generates (same values for every pod)
    RenderedRevision minimal = render("production.yaml", i -> i.getSpec().secretConfig = null);
    assertTrue(minimal.secrets.containsKey("portal-keys"), minimal.secrets.keySet().toString());
    int a = LoopbackServices.freePort();
    int b = LoopbackServices.freePort();
    LocalContainer webA = start(minimal, minimal.webContainer(), "web-keys-a", a);
    LocalContainer webB = start(minimal, minimal.webContainer(), "web-keys-b", b);
    awaitStatusShow(webA, a);
    awaitStatusShow(webB, b);
    String password = "Pw-" + RenderedRevision.token();
    ckan(minimal, "user", "add", "admin", "email=admin@example.org", "password=" + password);
    ckan(minimal, "sysadmin", "add", "admin");

    // log in on A, use the session on B
    HttpResponse<String> form = get(a, "/user/login");
    String cookie = cookies(form);
    Matcher csrf = Pattern.compile("name=\"_csrf_token\" value=\"([^\"]+)\"").matcher(form.body());
    assertTrue(csrf.find(), "login form has a CSRF token");
    HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a + "/user/login"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
        .POST(HttpRequest.BodyPublishers.ofString("login=admin&password=" + password + "&_csrf_token="
            + java.net.URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(302, login.statusCode(), login.body());
    String session = mergeCookies(cookie, cookies(login));
    assertEquals(200, get(b, "/dashboard/datasets", session).statusCode(), "pod B knows pod A's session");
    assertTrue(get(b, "/dashboard/datasets", "").statusCode() >= 300, "anonymous is not logged in");

    // an API token issued with the shared JWT key works on both pods
    String token = lastLine(ckan(minimal, "user", "token", "add", "admin", "conformance"));
    for (int port : List.of(a, b)) {
      HttpResponse<String> me = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/api/3/action/user_show?id=admin")).header("Authorization", token).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals("admin@example.org", JSON.readTree(me.body()).path("result").path("email").asText(), me.body());
    }
  }

  @Test
  @Order(7)
  void aWorkerPodStartsAndRunsAnEnqueuedJob() throws Exception {
    RenderedRevision production = render("production.yaml", i -> {});
    LocalContainer worker = start(production, production.workerContainer(), "worker", 0);
    long deadline = System.nanoTime() + START.toNanos();
    while (!worker.log().contains("has started on queue(s) \"default\", \"bulk\"") && System.nanoTime() < deadline
        && worker.isRunning()) {
      Thread.sleep(300);
    }
    ckan(production, "jobs", "test", "default");
    while (!worker.log().contains("has finished job") && System.nanoTime() < deadline && worker.isRunning()) {
      Thread.sleep(300);
    }
    assertTrue(worker.log().matches("(?s).*has finished job [0-9a-f-]+ (\\(A test job\\) )?from queue \"default\".*"),
        worker.log());
    assertTrue(worker.log().contains("[ckan-operator] starting ckan jobs worker default bulk"), worker.log());
  }

  @Test
  @Order(8)
  void everyExampleStartsARealCkanWithAllItsPlugins() throws Exception {
    List<Path> examples;
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      examples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(examples.size() >= 5, examples.toString());
    for (Path example : examples) {
      String file = example.getFileName().toString();
      RenderedRevision r = render(file, i -> {});
      migrate(r, "migrate-" + file);
      int port = LoopbackServices.freePort();
      LocalContainer web = start(r, r.webContainer(), "web-" + file, port);
      awaitStatusShow(web, port);
      Verification.Result result = Verification.check(probe(port), r.release.version(), r.release.plugins(),
          CkanStart.isOperatorStart(r.webContainer().getCommand()));
      assertTrue(result.passed(), file + ": " + result.message());
      web.close();
    }
  }

  @Test
  @Order(9)
  void theFakeCkansRecordingsMatchTheRealOne() throws Exception {
    Assumptions.assumeFalse(Boolean.getBoolean("ckan.record"), "recording");
    for (String name : List.of("status_show.json", "status_show-hide_version.json")) {
      Path file = RECORDINGS.resolve(name);
      assertTrue(Files.exists(file), file + " (refresh: see README, real-CKAN conformance tier)");
      JsonNode recording = JSON.readTree(Files.readString(file));
      JsonNode live = JSON.readTree(recorded.get(name));
      assertEquals(fieldNames(live.path("result")), fieldNames(recording.path("result")), name);
      assertEquals(live.path("result").path("extensions"), recording.path("result").path("extensions"), name);
    }
    for (String name : List.of("start-wrong-version.txt", "start-plugin-not-installed.txt")) {
      assertEquals(recorded.get(name).trim(), Files.readString(RECORDINGS.resolve(name)).trim(), name);
    }
  }

  // ---- deep health against a real CKAN (issue 13) ----------------------------------------------------------------

  static final SmokeCheck DATASET_PAGE = new SmokeCheck("/dataset", 200, null, null);

  /**
   * Each deep check passes on a healthy CKAN; then Solr, PostgreSQL and Redis are stopped in turn (by PID) and the
   * operator's own probe and verification must blame exactly that dependency. What CKAN answered is recorded for the
   * fake CKAN ({@code outage-*.json}).
   */
  @Test
  @Order(10)
  void eachDeepCheckPassesOnAHealthyCkanAndFailsForItsOwnDependencyWhenThatIsStopped() throws Exception {
    RenderedRevision production = render("production.yaml", i -> {});
    migrate(production, "migrate-outages");
    assertTrue(RuntimeEnv.sessionsInRedis(production.instance.getSpec()), "production keeps sessions in Redis");
    int port = LoopbackServices.freePort();
    LocalContainer web = start(production, production.webContainer(), "web-outages", port);
    awaitStatusShow(web, port);
    String site = JSON.readTree(get(port, HttpStatusShowProbe.PATH).body()).path("result").path("site_url").asText();
    RevisionChecks checks = RevisionChecks.of(true, List.of(DATASET_PAGE));
    assertEquals(Set.of(Dependency.values()), checks.dependencies(), "Redis is checked where sessions live in it");
    Verification.Result healthy = deepCheck(production, port, checks);
    assertTrue(healthy.passed(), healthy.message());
    recordOutage("none", port, site);

    outage(production, port, site, checks, "solr", services::stopSolr, services::startSolr, Dependency.SOLR);
    outage(production, port, site, checks, "database", services::stopDatabase, services::startDatabase,
        Dependency.DATABASE);
    outage(production, port, site, checks, "redis", services::stopRedis, services::startRedis, Dependency.REDIS);
  }

  /** A smoke check on /dataset passes; one on a missing path, or expecting another JSON value, fails. */
  @Test
  @Order(11)
  void aSmokeCheckOnDatasetPassesAndOneOnAMissingPathFails() throws Exception {
    RenderedRevision production = render("production.yaml", i -> {});
    int port = portOf("web-outages");
    SmokeCheck missing = new SmokeCheck("/no-such-page", 200, null, null);
    SmokeCheck countZero = new SmokeCheck("/api/3/action/package_search?rows=0", 200, "result.count", "0");
    SmokeCheck countOne = new SmokeCheck("/api/3/action/package_search?rows=0", 200, "result.count", "1");
    Verification.Result passing = deepCheck(production, port, RevisionChecks.of(true, List.of(DATASET_PAGE,
        countZero)));
    assertTrue(passing.passed(), passing.message());
    Verification.Result failing = deepCheck(production, port, RevisionChecks.of(true, List.of(DATASET_PAGE, missing,
        countOne)));
    assertFalse(failing.passed());
    assertFalse(failing.definitive(), "a smoke check may pass again");
    assertEquals(Set.of(missing.name(), countOne.name()), failing.failedSmokeChecks(), failing.message());
    assertTrue(failing.message().contains("the smoke check GET /no-such-page failed: answered HTTP 404, expected 200")
        && failing.message().contains("answered result.count = 0, expected 1"), failing.message());
  }

  @Test
  @Order(12)
  void theFakeCkansOutageRecordingsMatchTheRealOne() throws Exception {
    Assumptions.assumeFalse(Boolean.getBoolean("ckan.record"), "recording");
    for (String outage : List.of("none", "solr", "database", "redis")) {
      String name = "outage-" + outage + ".json";
      Path file = RECORDINGS.resolve(name);
      assertTrue(Files.exists(file), file + " (refresh: see README, real-CKAN conformance tier)");
      JsonNode recording = JSON.readTree(Files.readString(file)).path("answers");
      JsonNode live = JSON.readTree(recorded.get(name)).path("answers");
      for (String request : DependencyOutages.requests().keySet()) {
        assertEquals(DependencyOutages.essence(live.path(request)), DependencyOutages.essence(recording.path(request)),
            name + " " + request);
      }
    }
  }

  void outage(RenderedRevision r, int port, String site, RevisionChecks checks, String name, Runnable stop,
      Runnable start, Dependency expected) throws Exception {
    stop.run();
    try {
      Verification.Result result = deepCheck(r, port, checks);
      assertFalse(result.passed(), name + " stopped: " + result.message());
      assertFalse(result.definitive(), name + " may come back: " + result.message());
      assertEquals(Set.of(expected), result.failedDependencies(), name + " stopped: " + result.message());
      recordOutage(name, port, site);
    } finally {
      start.run();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Verification.Result again = deepCheck(r, port, checks);
    while (!again.passed() && System.nanoTime() < deadline) {
      Thread.sleep(500);
      again = deepCheck(r, port, checks);
    }
    assertTrue(again.passed(), name + " back: " + again.message());
  }

  void recordOutage(String name, int port, String site) throws Exception {
    String how = "RealCkanConformanceTest -Dckan.record=true: CKAN 2.11.5 (offline kit), the web container the "
        + "operator renders for examples/production.yaml (gunicorn in place of uwsgi), PostgreSQL 15, Redis, the kit's "
        + "Solr stub; " + (name.equals("none") ? "nothing stopped" : name + " stopped by PID") + ". {site}: the "
        + "site's address; {csrf}: a signed CSRF token.";
    recorded.put("outage-" + name + ".json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
        DependencyOutages.answers(port, site, how)));
  }

  /** The operator's probe (asynchronous, as ScheduledHealthChecks asks it) and verification, on a real CKAN. */
  Verification.Result deepCheck(RenderedRevision r, int port, RevisionChecks checks) throws Exception {
    HttpStatusShowProbe http = new HttpStatusShowProbe((ns, svc) -> URI.create("http://127.0.0.1:" + port),
        Duration.ofSeconds(20));
    StatusShow answer = http.fetchAsync("default", "portal-r1", checks, Runnable::run).get(60, TimeUnit.SECONDS);
    return Verification.check(answer, r.release.version(), r.release.plugins(),
        CkanStart.isOperatorStart(r.webContainer().getCommand()));
  }

  // ---- helpers -----------------------------------------------------------------------------------------------------

  RenderedRevision render(String example, Consumer<CkanInstance> edit) throws IOException {
    return RenderedRevision.of(EXAMPLES.resolve(example), services, keys, i -> {
      if (i.getSpec().extensions != null) {
        i.getSpec().extensions = new ArrayList<>(i.getSpec().extensions);
      }
      i.getSpec().plugins = new ArrayList<>(i.getSpec().plugins);
      i.getSpec().config = new LinkedHashMap<>(i.getSpec().config);
      edit.accept(i);
    });
  }

  LocalContainer pod(RenderedRevision r, Container c, String name, int port, Map<String, String> imageOverrides)
      throws IOException {
    Path pod = Files.createDirectories(work.resolve("pods").resolve(name));
    Files.createDirectories(pod.resolve("runtime"));
    Files.createDirectories(work.resolve("storage"));
    String instance = r.instance.getMetadata().getName();
    PathMap paths = new PathMap()
        .map(CkanStart.RUNTIME_DIR, pod.resolve("runtime"))
        .map("/srv/app", work.resolve("app"))
        .map("/var/lib/ckan", work.resolve("storage"))
        .map(LocalContainer.DEFAULT_TERMINATION_LOG, pod.resolve("termination-log"));
    HostMap hosts = new HostMap()
        .map("solr.search.svc", 8983, services.solrPort())
        .map(instance + "-solr", 8983, services.solrPort());
    Map<String, String> image = new LinkedHashMap<>();
    // ENV of the ckan/ckan-base:2.11 image (ckan-docker-base ckan-2.11/Dockerfile)
    image.put("APP_DIR", "/srv/app");
    image.put("CKAN_INI", "/srv/app/ckan.ini");
    image.put("CKAN_STORAGE_PATH", "/var/lib/ckan");
    image.put("CKAN_SITE_URL", "http://localhost:5000");
    image.put("CKAN__PLUGINS", "image_view text_view datatables_view datastore envvars");
    image.put("UWSGI_HARAKIRI", "50");
    image.put("LC_ALL", "C.UTF-8");
    image.put(UwsgiShim.PORT_ENV, Integer.toString(port));
    image.putAll(imageOverrides);
    return LocalContainer.builder(c)
        .imageEnv(image)
        .imageWorkingDir("/srv/app")
        .configMaps(r.configMaps())
        .secrets(r.secrets)
        .pathMap(paths)
        .hostMap(hosts)
        .path(List.of(shim.dir(), kit.bin("ckan").getParent()))
        .logFile(pod.resolve("container.log"))
        .build();
  }

  LocalContainer start(RenderedRevision r, Container c, String name, int port) throws IOException {
    LocalContainer container = pod(r, c, name, port, Map.of());
    running.add(container);
    ports.put(name, port);
    return container.start();
  }

  final Map<String, Integer> ports = new HashMap<>();

  int portOf(String name) {
    return ports.get(name);
  }

  MigrationResult migrate(RenderedRevision r, String name) throws IOException {
    LocalContainer job = pod(r, r.migrationContainer(), name, 0, Map.of());
    running.add(job);
    OptionalInt exit = job.start().waitFor(START);
    assertEquals(OptionalInt.of(0), exit, job.log());
    String message = job.terminationMessage().orElseThrow(() -> new AssertionError("no termination message"));
    return MigrationResult.parse(message).orElseThrow(() -> new AssertionError(message));
  }

  void assertStartFails(RenderedRevision r, String name, String reason, String recording) throws Exception {
    int port = LoopbackServices.freePort();
    LocalContainer web = start(r, r.webContainer(), name, port);
    assertEquals(OptionalInt.of(1), web.waitFor(START), web.log());
    String error = error(web);
    assertTrue(error.contains(reason), error);
    assertTrue(web.log().contains("[ckan-operator] web failed: "), web.log());
    assertTrue(UwsgiShim.invocation(web.log()).isEmpty(), "the server never started");
    assertEquals(StatusShow.Outcome.UNREACHABLE, probe(port).outcome());
    if (recording != null) {
      recorded.put(recording, error.lines().findFirst().orElse(""));
    }
  }

  static String error(LocalContainer c) {
    String message = c.terminationMessage().orElseThrow(() -> new AssertionError("no termination message\n"
        + c.log()));
    return MigrationResult.error(message).orElseThrow(() -> new AssertionError(message));
  }

  /** Every alembic head in the database: core's and each plugin's version table. */
  String schemaHeads() {
    String tables = services.psql("select string_agg(table_name, ' ' order by table_name) from "
        + "information_schema.tables where table_name like '%alembic_version'").trim();
    StringBuilder heads = new StringBuilder();
    for (String table : tables.split(" ")) {
      heads.append(table).append('=').append(services.psql("select version_num from " + table).trim()).append(';');
    }
    return heads.toString();
  }

  String ckan(RenderedRevision r, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("sh", "-c", "exec ckan -c \"$CKAN_INI\" \"$@\"", "ckan"));
    command.addAll(List.of(args));
    Container c = new io.fabric8.kubernetes.api.model.ContainerBuilder(r.webContainer()).withCommand(command)
        .build();
    LocalContainer cli = pod(r, c, "cli-" + System.nanoTime(), 0, Map.of());
    running.add(cli);
    assertEquals(OptionalInt.of(0), cli.start().waitFor(START), cli.log());
    return cli.log();
  }

  /**
   * status_show as the operator's health checks ask it (asynchronously), checked against the synchronous read of the
   * same real CKAN: both ways must read it alike.
   */
  StatusShow probe(int port) {
    HttpStatusShowProbe http = new HttpStatusShowProbe((ns, svc) -> URI.create("http://127.0.0.1:" + port),
        Duration.ofSeconds(20));
    StatusShow async;
    try {
      async = http.fetchAsync("default", "portal-r1", Runnable::run).get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the asynchronous status_show did not answer", e);
    }
    StatusShow sync = http.fetch("default", "portal-r1");
    assertEquals(List.of(sync.outcome(), String.valueOf(sync.ckanVersion()), sync.plugins()),
        List.of(async.outcome(), String.valueOf(async.ckanVersion()), async.plugins()), "async and sync read alike");
    return async;
  }

  void awaitStatusShow(LocalContainer web, int port) throws Exception {
    long deadline = System.nanoTime() + START.toNanos();
    while (System.nanoTime() < deadline) {
      assertTrue(web.isRunning(), () -> "exited before serving:\n" + web.log());
      try {
        if (get(port, HttpStatusShowProbe.PATH).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(300);
    }
    throw new AssertionError("status_show did not answer in time\n" + web.log());
  }

  static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return get(port, path, "");
  }

  static HttpResponse<String> get(int port, String path, String cookie) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).GET();
    if (!cookie.isEmpty()) {
      request.header("Cookie", cookie);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A loaded plugin registers its actions: help_show knows them (an unloaded one's are unknown). */
  static void assertActionRegistered(int port, String action) throws IOException, InterruptedException {
    HttpResponse<String> help = get(port, "/api/3/action/help_show?name=" + action);
    assertEquals(200, help.statusCode(), action + ": " + help.body());
    assertTrue(JSON.readTree(help.body()).path("success").asBoolean(), action + ": " + help.body());
  }

  static String cookies(HttpResponse<?> response) {
    return String.join("; ", response.headers().allValues("set-cookie").stream().map(c -> c.split(";", 2)[0])
        .toList());
  }

  static String mergeCookies(String first, String second) {
    Map<String, String> all = new LinkedHashMap<>();
    for (String c : (first + "; " + second).split("; ")) {
      if (c.contains("=")) {
        all.put(c.substring(0, c.indexOf('=')), c);
      }
    }
    return String.join("; ", all.values());
  }

  static String lastLine(String text) {
    List<String> lines = text.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    return lines.get(lines.size() - 1);
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static String canonical(String json) throws IOException {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
  }
}
