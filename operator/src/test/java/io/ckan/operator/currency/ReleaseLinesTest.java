package io.ckan.operator.currency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shipped table, an override's parsing, and how often the override ConfigMap is read. */
class ReleaseLinesTest {
  private static final String WHERE = "ckan-system/ckan-release-lines";
  private static final String VALID = """
      lines:
        - line: "2.12"
          supported: true
          latestPatch: "2.12.1"
          released: "2026-10-01"
          migrationNotes: "https://docs.ckan.org/en/latest/changelog.html#v-2-12-0"
        - line: "2.11"
          supported: false
          latestPatch: "2.11.6"
      """;

  @Test
  void theShippedTableHasTheKnownLines() {
    ReleaseLines shipped = ReleaseLines.shipped();
    assertEquals(List.of("2.12", "2.11"), shipped.supportedLines());
    assertEquals(new ReleaseLine("2.10", false, "2.10.10", LocalDate.of(2026, 4, 29),
        "https://docs.ckan.org/en/latest/changelog.html#migration-notes-2-10"), shipped.line("2.10").orElseThrow());
    assertEquals(new ReleaseLine("2.9", false, "2.9.11", LocalDate.of(2024, 3, 13),
        "https://docs.ckan.org/en/latest/changelog.html#migration-notes-2-9"), shipped.line("2.9").orElseThrow());
    assertEquals("2.12.0", shipped.line("2.12").orElseThrow().latestPatch());
    assertNull(shipped.caveat());
  }

  @Test
  void aValidOverrideReplacesTheShippedTable() {
    ReleaseLines table = ReleaseLinesSource.resolve(override(VALID), ReleaseLines.shipped(), WHERE);
    assertNull(table.caveat());
    assertEquals(List.of("2.12"), table.supportedLines());
    assertEquals(java.util.Set.of("2.12", "2.11"), table.lines().keySet());
    assertEquals("NewerPatchAvailable", PatchCurrency.conditions("2.12.0", table).get(0).reason());
  }

  @Test
  void noOverrideMeansTheShippedTable() {
    ReleaseLines shipped = ReleaseLines.shipped();
    assertSame(shipped, ReleaseLinesSource.resolve(null, shipped, WHERE));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "lines: [                                                     | not a release-line table",
      "other: 1                                                     | no lines (expected a list under 'lines:')",
      "'lines: [{line: \"2.11\", supported: true, latestPatch: \"2.12.0\"}]' | lines[0].latestPatch 2.12.0 is not of line 2.11",
      "'lines: [{line: \"2.11.1\", supported: true, latestPatch: \"2.11.1\"}]' | lines[0].line must be X.Y, got '2.11.1'",
      "'lines: [{line: \"2.11\", latestPatch: \"2.11.5\"}]'          | lines[0].supported must be true or false",
      "'lines: [{line: \"2.11\", supported: true, latestPatch: \"2.11.5\", released: \"April\"}]' | lines[0].released must be YYYY-MM-DD, got 'April'",
      "'lines: [{line: \"2.11\", supported: true, latestPatch: \"2.11.5\", migrationNotes: \"http://x\"}]' | lines[0].migrationNotes must be an https:// URL",
      "'lines: [{line: \"2.11\", supported: true, latestPatch: \"2.11.5\"}, {line: \"2.11\", supported: true, latestPatch: \"2.11.5\"}]' | lines[1]: line 2.11 appears twice",
  })
  void aMalformedOverrideKeepsTheShippedTableAndSaysWhy(String text, String problem) {
    ReleaseLines shipped = ReleaseLines.shipped();
    ReleaseLines table = ReleaseLinesSource.resolve(override(text), shipped, WHERE);
    assertEquals(shipped.lines(), table.lines());
    String caveat = table.caveat();
    assertEquals(true, caveat.startsWith("the release-line override " + WHERE + " is malformed: " + problem), caveat);
    assertEquals(true, caveat.endsWith("; the shipped table is used"), caveat);
  }

  @Test
  void anOverrideWithoutTheKeyIsMalformed() {
    ConfigMap empty = new ConfigMapBuilder().withNewMetadata().withName("ckan-release-lines").endMetadata().build();
    assertEquals("the release-line override " + WHERE + " is malformed: it has no key lines.yaml; the shipped table "
        + "is used", ReleaseLinesSource.resolve(empty, ReleaseLines.shipped(), WHERE).caveat());
  }

  @Test
  void theConfigMapIsReadAtMostOncePerMinute() {
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-09-01T00:00:00Z"));
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now.get();
      }
    };
    AtomicReference<ConfigMap> stored = new AtomicReference<>(null);
    ReleaseLinesSource source = ReleaseLinesSource.overriddenBy(() -> {
      reads.incrementAndGet();
      return stored.get();
    }, WHERE, clock);
    assertEquals("2.12.0", source.current().line("2.12").orElseThrow().latestPatch());
    stored.set(override(VALID));
    for (int i = 0; i < 100; i++) {
      source.current();
    }
    now.set(now.get().plus(Duration.ofSeconds(59)));
    assertEquals("2.12.0", source.current().line("2.12").orElseThrow().latestPatch(), "still the last read");
    assertEquals(1, reads.get());
    now.set(now.get().plus(Duration.ofSeconds(1)));
    assertEquals("2.12.1", source.current().line("2.12").orElseThrow().latestPatch(), "read again after a minute");
    assertEquals(2, reads.get());
  }

  private static ConfigMap override(String text) {
    return new ConfigMapBuilder().withNewMetadata().withName("ckan-release-lines").endMetadata()
        .addToData(ReleaseLinesSource.KEY, text).build();
  }
}
