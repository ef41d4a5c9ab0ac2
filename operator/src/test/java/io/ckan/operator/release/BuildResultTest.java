package io.ckan.operator.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;

class BuildResultTest {

  static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
  static final String HARVEST = "7b4c2d9e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c";
  static final String SPATIAL = "c8d0e2f4a6b8c7b4c2d9e0f1a3b5c7d9e1f2a4b6";

  static Stream<Arguments> messages() {
    BuildResult both = new BuildResult(DIGEST, Map.of("harvest", HARVEST, "spatial", SPATIAL));
    return Stream.of(
        Arguments.of("valid, two commits",
            "{\"digest\":\"" + DIGEST + "\",\"commits\":{\"spatial\":\"" + SPATIAL + "\",\"harvest\":\"" + HARVEST
                + "\"}}", Optional.of(both)),
        Arguments.of("valid, no git extensions", "{\"digest\":\"" + DIGEST + "\",\"commits\":{}}",
            Optional.of(new BuildResult(DIGEST, Map.of()))),
        Arguments.of("valid, trailing newline and spaces",
            "  {\"digest\": \"" + DIGEST + "\", \"commits\": {\"harvest\": \"" + HARVEST + "\"}}\n",
            Optional.of(new BuildResult(DIGEST, Map.of("harvest", HARVEST)))),
        Arguments.of("empty", "", Optional.empty()),
        Arguments.of("blank", " \n", Optional.empty()),
        Arguments.of("null", null, Optional.empty()),
        Arguments.of("not JSON (a pip error)", "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io",
            Optional.empty()),
        Arguments.of("a JSON array", "[\"" + DIGEST + "\"]", Optional.empty()),
        Arguments.of("digest without algorithm", "{\"digest\":\"" + DIGEST.substring(7) + "\",\"commits\":{}}",
            Optional.empty()),
        Arguments.of("digest too short", "{\"digest\":\"sha256:abc\",\"commits\":{}}", Optional.empty()),
        Arguments.of("digest upper case", "{\"digest\":\"" + DIGEST.toUpperCase().replace("SHA256", "sha256")
            + "\",\"commits\":{}}", Optional.empty()),
        Arguments.of("sha512 digest", "{\"digest\":\"sha512:" + "a".repeat(128) + "\",\"commits\":{}}",
            Optional.empty()),
        Arguments.of("digest is a number", "{\"digest\":1,\"commits\":{}}", Optional.empty()),
        Arguments.of("garbage after the JSON", "{\"digest\":\"" + DIGEST + "\",\"commits\":{}} pushed", Optional.empty()),
        Arguments.of("two JSON lines", "{\"digest\":\"" + DIGEST + "\",\"commits\":{}}\n{\"digest\":\"" + DIGEST
            + "\",\"commits\":{}}", Optional.empty()),
        Arguments.of("extra field", "{\"digest\":\"" + DIGEST + "\",\"commits\":{},\"tag\":\"x\"}", Optional.empty()),
        Arguments.of("missing commits", "{\"digest\":\"" + DIGEST + "\"}", Optional.empty()),
        Arguments.of("duplicate digest", "{\"digest\":\"" + DIGEST + "\",\"digest\":\"" + DIGEST + "\"}",
            Optional.empty()),
        Arguments.of("commits is a list", "{\"digest\":\"" + DIGEST + "\",\"commits\":[\"" + HARVEST + "\"]}",
            Optional.empty()),
        Arguments.of("non-hex commit", "{\"digest\":\"" + DIGEST + "\",\"commits\":{\"harvest\":\"" + "g".repeat(40)
            + "\"}}", Optional.empty()),
        Arguments.of("short commit", "{\"digest\":\"" + DIGEST + "\",\"commits\":{\"harvest\":\"7b4c2d9\"}}",
            Optional.empty()),
        Arguments.of("commit is a ref name", "{\"digest\":\"" + DIGEST + "\",\"commits\":{\"harvest\":\"v1.6.3\"}}",
            Optional.empty()),
        Arguments.of("key is not an extension name", "{\"digest\":\"" + DIGEST + "\",\"commits\":{\"Harvest_1\":\""
            + HARVEST + "\"}}", Optional.empty()),
        // two members like the real shape, but not an object / not the two names: never read as a result
        Arguments.of("a JSON array of two", "[\"" + DIGEST + "\",{}]", Optional.empty()),
        Arguments.of("an unknown field instead of commits", "{\"digest\":\"" + DIGEST + "\",\"tag\":{}}",
            Optional.empty()),
        Arguments.of("an unknown field instead of digest", "{\"image\":\"" + DIGEST + "\",\"commits\":{}}",
            Optional.empty()),
        Arguments.of("commit is a number", "{\"digest\":\"" + DIGEST + "\",\"commits\":{\"harvest\":7}}",
            Optional.empty()),
        Arguments.of("commit is an object", "{\"digest\":\"" + DIGEST + "\",\"commits\":{\"harvest\":{\"sha\":\""
            + HARVEST + "\"}}}", Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void parse(String what, String message, Optional<BuildResult> expected) {
    assertEquals(expected, BuildResult.parse(message));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "registry.example.org/ckan/portal:2.11.5-0123456789ab, registry.example.org/ckan/portal",
      "registry.example.org:5000/ckan/portal:2.11.5-0123456789ab, registry.example.org:5000/ckan/portal",
      "localhost:5000/portal:2.11.5-0123456789ab, localhost:5000/portal",
      "localhost:5000/portal, localhost:5000/portal",
      "ckan/portal:latest, ckan/portal",
      "portal:2.11.5-abc, portal",
      "registry.example.org/ckan/portal, registry.example.org/ckan/portal"})
  void imageRefReplacesTheTagWithTheDigest(String tag, String repository) {
    assertEquals(repository + "@" + DIGEST, BuildResult.imageRef(tag, DIGEST));
    assertEquals(repository, ImageTag.repository(tag));
    assertEquals(repository, ImageTag.repository(repository + "@" + DIGEST));
  }

  @ParameterizedTest(name = "{0}")
  @NullSource
  @CsvSource({"sha256:abc", "'sha256:" + "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef'", "''"})
  void imageRefRefusesABadDigest(String digest) {
    assertThrows(IllegalArgumentException.class, () -> BuildResult.imageRef("registry.example.org/x:1", digest));
  }

  @ParameterizedTest(name = "{0}:{1} -> {3}")
  @CsvSource({
      "registry.example.org/ckan/portal, 2.11.5, 0123456789abcdef, registry.example.org/ckan/portal:2.11.5-0123456789ab",
      "registry.example.org:5000/portal, 2.10.10, fedcba9876543210, registry.example.org:5000/portal:2.10.10-fedcba987654"})
  void imageTags(String registry, String version, String fingerprintStart, String tag) {
    String fingerprint = fingerprintStart + "0".repeat(48);
    assertEquals(tag, ImageTag.of(registry, version, fingerprint));
    assertEquals(registry, ImageTag.repository(tag));
  }
}
