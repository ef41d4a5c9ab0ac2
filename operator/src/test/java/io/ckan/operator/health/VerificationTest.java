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
      "exact match | {\"success\":true,\"result\":{\"ckan_version\":\"2.11.5\",\"extensions\":[\"activity\",\"dcat\",\"envvars\"]}} | true | true",
      "extra plugin | {\"success\":true,\"result\":{\"ckan_version\":\"2.11.5\",\"extensions\":[\"activity\",\"dcat\",\"envvars\",\"stats\"]}} | true | true",
      "hidden version | {\"success\":true,\"result\":{\"extensions\":[\"activity\",\"dcat\",\"envvars\"]}} | true | true",
      "wrong version | {\"success\":true,\"result\":{\"ckan_version\":\"2.10.9\",\"extensions\":[\"activity\",\"dcat\",\"envvars\"]}} | false | true",
      "missing plugin | {\"success\":true,\"result\":{\"ckan_version\":\"2.11.5\",\"extensions\":[\"activity\",\"envvars\"]}} | false | true",
      "success false | {\"success\":false,\"error\":{}} | false | false",
      "not json | <html>502 Bad Gateway</html> | false | false",
      "no extensions | {\"success\":true,\"result\":{\"ckan_version\":\"2.11.5\"}} | false | false",
  })
  void statusShowAnswers(String what, String body, boolean passed, boolean definitive) {
    Verification.Result r = Verification.check(HttpStatusShowProbe.parse(body), "2.11.5", EXPECTED);
    assertEquals(passed, r.passed(), what + ": " + r.message());
    assertEquals(definitive, r.definitive(), what + ": " + r.message());
  }

  @Test
  void missingPluginsAreNamed() {
    Verification.Result r = Verification.check(StatusShow.ok("2.11.5", List.of("activity")), "2.11.5", EXPECTED);
    assertTrue(r.message().contains("[dcat, envvars]"), r.message());
  }

  @Test
  void unreachableIsNotDefinitive() {
    StatusShow s = new HttpStatusShowProbe((ns, svc) -> java.net.URI.create("http://127.0.0.1:9"),
        java.time.Duration.ofMillis(500)).fetch("default", "portal-r1");
    assertEquals(StatusShow.Outcome.UNREACHABLE, s.outcome());
    assertNull(s.ckanVersion());
    assertFalse(Verification.check(s, "2.11.5", EXPECTED).definitive());
  }
}
