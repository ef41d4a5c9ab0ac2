package io.ckan.operator.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class VerificationTest {
  static final List<String> EXPECTED = List.of("activity", "dcat", "envvars");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "exact match | {\"success\":true,\"result\":{\"ckan_version\":\"2.11.5\",\"extensions\":[\"activity\",\"dcat\",\"envvars\"]}} | true | true | true",
      "extra plugin | {\"success\":true,\"result\":{\"ckan_version\":\"2.11.5\",\"extensions\":[\"activity\",\"dcat\",\"envvars\",\"stats\"]}} | true | true | true",
      "hidden version | {\"success\":true,\"result\":{\"extensions\":[\"activity\",\"dcat\",\"envvars\"]}} | true | true | true",
      "wrong version | {\"success\":true,\"result\":{\"ckan_version\":\"2.10.9\",\"extensions\":[\"activity\",\"dcat\",\"envvars\"]}} | false | true | true",
      "missing plugin | {\"success\":true,\"result\":{\"ckan_version\":\"2.11.5\",\"extensions\":[\"activity\",\"envvars\"]}} | false | true | true",
      "success false | {\"success\":false,\"error\":{}} | false | false | true",
      "not json | <html>502 Bad Gateway</html> | false | false | true",
      "no extensions | {\"success\":true,\"result\":{\"ckan_version\":\"2.11.5\"}} | false | false | true",
      "exact match, pods not started by the operator | {\"success\":true,\"result\":{\"ckan_version\":\"2.11.5\",\"extensions\":[\"activity\",\"dcat\",\"envvars\"]}} | false | true | false",
      "hidden version, pods not started by the operator | {\"success\":true,\"result\":{\"extensions\":[\"activity\",\"dcat\",\"envvars\"]}} | false | true | false",
  })
  void statusShowAnswers(String what, String body, boolean passed, boolean definitive, boolean startedByOperator) {
    Verification.Result r = Verification.check(HttpStatusShowProbe.parse(body), "2.11.5", EXPECTED,
        startedByOperator);
    assertEquals(passed, r.passed(), what + ": " + r.message());
    assertEquals(definitive, r.definitive(), what + ": " + r.message());
  }

  @Test
  void missingPluginsAreNamed() {
    Verification.Result r = Verification.check(StatusShow.ok("2.11.5", List.of("activity")), "2.11.5", EXPECTED,
        true);
    assertTrue(r.message().contains("[dcat, envvars]"), r.message());
  }

  /**
   * Finding 4 of the real-CKAN run: with ckan.hide_version status_show has no version, and any expected version used
   * to pass on status_show alone. Now a hidden version passes only because the start command checked it in each pod,
   * and the verdict says so.
   */
  @Test
  void aHiddenVersionIsVouchedForByTheStartCommandAndSaysSo() {
    Verification.Result r = Verification.check(StatusShow.ok(null, EXPECTED), "2.11.5", EXPECTED, true);
    assertTrue(r.passed());
    assertTrue(r.message().contains("checked by the start command") && r.message().contains("hide_version"),
        r.message());
    assertFalse(Verification.check(StatusShow.ok(null, EXPECTED), "2.11.5", EXPECTED, false).passed());
  }

  @Test
  void unreachableIsNotDefinitive() {
    StatusShow s = new HttpStatusShowProbe((ns, svc) -> java.net.URI.create("http://127.0.0.1:9"),
        java.time.Duration.ofMillis(500)).fetch("default", "portal-r1");
    assertEquals(StatusShow.Outcome.UNREACHABLE, s.outcome());
    assertNull(s.ckanVersion());
    assertFalse(Verification.check(s, "2.11.5", EXPECTED, true).definitive());
  }

  // ---- deep health (issue 13) ----

  @Test
  void aFailedDependencyCheckKeepsTheRevisionUnverifiedNamingTheDependency() {
    StatusShow answer = StatusShow.ok("2.11.5", EXPECTED).withFailedDependencies(
        java.util.Map.of(Dependency.SOLR, "package_search answered HTTP 500 (Search Connection Error)"));
    Verification.Result r = Verification.check(answer, "2.11.5", EXPECTED, true);
    assertFalse(r.passed());
    assertFalse(r.definitive(), "Solr may come back");
    assertEquals(java.util.Set.of(Dependency.SOLR), r.failedDependencies());
    assertTrue(r.message().contains("the Solr check failed: package_search answered HTTP 500"), r.message());
    // a wrong release is still judged first, and definitively
    assertTrue(Verification.check(answer, "2.11.4", EXPECTED, true).definitive());
  }

  @ParameterizedTest(name = "live {0}, previous {1}: {2}")
  @CsvSource({
      "passed, passed, NO_DEPENDENCY_FAILURE",
      "pending, passed, NO_DEPENDENCY_FAILURE",
      "solr, passed, REVISION_FAILED",
      "solr, solr, DEPENDENCY_UNAVAILABLE",
      "solr, database, DEPENDENCY_UNAVAILABLE",
      "solr, pending, DEPENDENCY_UNAVAILABLE",
      "solr, unchecked, DEPENDENCY_UNAVAILABLE",
      "unchecked, passed, NO_DEPENDENCY_FAILURE",
      "smoke, passed, REVISION_FAILED",
      "smoke, smoke, DEPENDENCY_UNAVAILABLE",
      "smoke, unchecked, DEPENDENCY_UNAVAILABLE",
      "database, database, DEPENDENCY_UNAVAILABLE",
      "database, passed, REVISION_FAILED",
  })
  void theBakeWindowBlamesTheRevisionOnlyWhenThePreviousOnePasses(String live, String previous,
      Verification.Bake expected) {
    assertEquals(expected, Verification.duringBake(result(live), result(previous)));
  }

  static Verification.Result result(String what) {
    return switch (what) {
      case "passed" -> new Verification.Result(true, true, "ok");
      case "pending" -> Verification.Result.pending("status_show failed: HTTP 503");
      case "solr" -> new Verification.Result(false, false, "Solr", java.util.Set.of(Dependency.SOLR));
      case "database" -> new Verification.Result(false, false, "db", java.util.Set.of(Dependency.DATABASE));
      case "smoke" -> new Verification.Result(false, false, "smoke", java.util.Set.of(),
          java.util.Set.of("GET /dataset"));
      default -> null;
    };
  }

  @ParameterizedTest(name = "HTTP {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "{\"success\":true,\"result\":{\"count\":0}} | 200 | ",
      "{\"success\":false,\"error\":{\"__type\":\"Search Error\",\"message\":\"http://solr:secret@solr\"}} | 409 | package_search answered HTTP 409 (Search Error)",
      "{\"success\":false,\"error\":{\"__type\":\"Search Connection Error\",\"message\":\"Unable to connect to the search server\"}} | 500 | package_search answered HTTP 500 (Search Connection Error)",
      "<html>Internal Server Error</html> | 500 | package_search answered HTTP 500",
      "{\"success\":false} | 200 | package_search answered HTTP 200",
  })
  void aDependencyAnswerIsJudgedWithoutItsMessage(String body, int status, String expected) {
    assertEquals(expected, HttpStatusShowProbe.dependencyFailure(Dependency.SOLR, status, body));
  }
}
