package io.ckan.operator.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP probe's requests, against a local server answering as CKAN 2.11.5 did (bodies shortened from the real-CKAN
 * recordings): which checks it asks, with which headers, and how it reads the answers.
 */
class DeepCheckProbeTest {
  static final String OK = "{\"success\": true, \"result\": {\"ckan_version\": \"2.11.5\", \"extensions\": "
      + "[\"activity\"]}}";

  HttpServer server;
  /** path and query -> status and body; anything else 404. */
  final Map<String, Object[]> answers = new ConcurrentHashMap<>();
  final List<String> asked = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", exchange -> {
      String target = exchange.getRequestURI().toString();
      String cookie = exchange.getRequestHeaders().getFirst("Cookie");
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      asked.add(target + (cookie == null ? "" : " cookie=" + cookie) + (auth == null ? "" : " AUTH"));
      Object[] a = answers.getOrDefault(target + (cookie == null ? "" : " +cookie"),
          new Object[] {404, "<html>Not Found</html>"});
      byte[] body = ((String) a[1]).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders((int) a[0], body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  StatusShow probe(RevisionChecks checks) {
    return new HttpStatusShowProbe((ns, svc) -> URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
        Duration.ofSeconds(5)).fetch("default", "portal-r1", checks);
  }

  void healthy() {
    answers.put(HttpStatusShowProbe.PATH, new Object[] {200, OK});
    answers.put(HttpStatusShowProbe.PATH + " +cookie", new Object[] {200, OK});
    answers.put(Dependency.DATABASE.pathAndQuery(), new Object[] {200, "{\"success\": true, \"result\": []}"});
    answers.put(Dependency.SOLR.pathAndQuery(), new Object[] {200, "{\"success\": true, \"result\": {\"count\": 0}}"});
    answers.put("/dataset", new Object[] {200, "<html><title>Dataset - CKAN</title></html>"});
  }

  @Test
  void everyCheckIsAskedOnceAndOnlyRedisCarriesTheMadeUpSessionCookie() {
    healthy();
    StatusShow answer = probe(RevisionChecks.of(true, List.of(new SmokeCheck("/dataset", 200, null, null))));
    assertEquals(StatusShow.Outcome.OK, answer.outcome());
    assertEquals(Map.of(), answer.failedDependencies());
    assertEquals(Map.of(), answer.failedSmokeChecks());
    assertEquals(List.of("/api/3/action/package_list?limit=1", "/api/3/action/package_search?rows=0",
            "/api/3/action/status_show", "/api/3/action/status_show cookie=ckan=ckan-operator-health-check",
            "/dataset"), asked.stream().sorted().toList(), "no Authorization header anywhere");
  }

  @Test
  void withoutRedisSessionsNoCookieIsSent() {
    healthy();
    probe(RevisionChecks.of(false, List.of()));
    assertFalse(asked.stream().anyMatch(a -> a.contains("cookie")), asked.toString());
  }

  @Test
  void solrStoppedFailsTheSolrCheckOnly() {
    healthy();
    answers.put(Dependency.SOLR.pathAndQuery(), new Object[] {500, "{\"help\": \"x\", \"error\": {\"__type\": "
        + "\"Search Connection Error\", \"message\": \"Unable to connect to the search server\"}, "
        + "\"success\": false}"});
    StatusShow answer = probe(RevisionChecks.of(true, List.of()));
    assertEquals(Map.of(Dependency.SOLR, "package_search answered HTTP 500 (Search Connection Error)"),
        answer.failedDependencies());
  }

  @Test
  void redisStoppedFailsTheRedisCheckOnly() {
    healthy();
    answers.put(HttpStatusShowProbe.PATH + " +cookie", new Object[] {500, "<html>Internal Server Error</html>"});
    StatusShow answer = probe(RevisionChecks.of(true, List.of()));
    assertEquals(Map.of(Dependency.REDIS, "status_show with a session cookie answered HTTP 500"),
        answer.failedDependencies());
    Verification.Result result = Verification.check(answer, "2.11.5", List.of("activity"), true);
    assertEquals(java.util.Set.of(Dependency.REDIS), result.failedDependencies());
    assertTrue(result.message().contains("the Redis check failed"), result.message());
  }

  /** Recorded: with PostgreSQL stopped status_show answers 500 too; only the database is asked then, and blamed. */
  @Test
  void databaseStoppedFailsStatusShowAndOnlyTheDatabaseIsAsked() {
    String error = "<html><title>Error [500] - CKAN</title></html>";
    answers.put(HttpStatusShowProbe.PATH, new Object[] {500, error});
    answers.put(Dependency.DATABASE.pathAndQuery(), new Object[] {500, error});
    answers.put(Dependency.SOLR.pathAndQuery(), new Object[] {500, error});
    StatusShow answer = probe(RevisionChecks.of(true, List.of(new SmokeCheck("/dataset", 200, null, null))));
    assertEquals(StatusShow.Outcome.HTTP_ERROR, answer.outcome());
    assertEquals(Map.of(Dependency.DATABASE, "package_list answered HTTP 500"), answer.failedDependencies());
    assertEquals(List.of("/api/3/action/package_list?limit=1", "/api/3/action/status_show"),
        asked.stream().sorted().toList());
    Verification.Result result = Verification.check(answer, "2.11.5", List.of("activity"), true);
    assertFalse(result.passed() || result.definitive());
    assertEquals(java.util.Set.of(Dependency.DATABASE), result.failedDependencies(), result.message());
    assertTrue(result.message().contains("the database check failed"), result.message());
  }

  /** A status_show failure that is not CKAN's own 500 (a proxy's 503) asks nothing more and blames nothing. */
  @Test
  void aServiceWithoutEndpointsBlamesNoDependency() {
    answers.put(HttpStatusShowProbe.PATH, new Object[] {503, "no healthy upstream"});
    StatusShow answer = probe(RevisionChecks.of(true, List.of()));
    assertEquals(Map.of(), answer.failedDependencies());
    assertEquals(List.of("/api/3/action/status_show"), asked);
    assertTrue(Verification.check(answer, "2.11.5", List.of("activity"), true).failedDependencies().isEmpty());
  }

  @Test
  void aFailingSmokeCheckIsNamedAndNeverDefinitive() {
    healthy();
    StatusShow answer = probe(RevisionChecks.of(false, List.of(new SmokeCheck("/dataset", 200, null, null),
        new SmokeCheck("/missing", 200, null, null))));
    assertEquals(Map.of("GET /missing", "answered HTTP 404, expected 200"), answer.failedSmokeChecks());
    Verification.Result result = Verification.check(answer, "2.11.5", List.of("activity"), true);
    assertFalse(result.passed() || result.definitive());
    assertEquals(java.util.Set.of("GET /missing"), result.failedSmokeChecks());
    assertTrue(result.message().endsWith("the smoke check GET /missing failed: answered HTTP 404, expected 200"),
        result.message());
    assertNull(new SmokeCheck("/dataset", 200, null, null).failure(200, ""));
  }

  /** A smoke check may name any page: the operator reads at most 1 MiB of it. */
  @Test
  void aHugePageIsReadOnlyUpToTheLimit() {
    healthy();
    String huge = "{\"result\": {\"count\": 0}, \"pad\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
    answers.put("/huge", new Object[] {200, huge});
    StatusShow answer = probe(RevisionChecks.of(false, List.of(new SmokeCheck("/huge", 200, null, null))));
    assertEquals(Map.of(), answer.failedSmokeChecks(), "a status check passes whatever the size");
    answers.put("/huge?json", new Object[] {200, huge});
    answer = probe(RevisionChecks.of(false, List.of(new SmokeCheck("/huge?json", 200, "result.count", "0"))));
    assertEquals(Map.of("GET /huge?json", "answered more than 1024 KiB, the most a JSON check reads"),
        answer.failedSmokeChecks());
  }
}
