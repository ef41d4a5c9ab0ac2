package io.ckan.operator.currency;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The table of CKAN release lines: the one shipped in the operator's jar ({@value #SHIPPED}), or one read from an
 * override ConfigMap in the same format. {@code caveat} says why a table is not the one asked for (a malformed
 * override: the shipped table is used), so the conditions built from it can say so.
 */
public record ReleaseLines(Map<String, ReleaseLine> lines, String caveat) {
  static final String SHIPPED = "/ckan-release-lines.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** A table that cannot be read. */
  public static final class Malformed extends Exception {
    Malformed(String message) {
      super(message);
    }
  }

  public ReleaseLines {
    lines = Map.copyOf(lines);
  }

  /** The table shipped with this operator. */
  public static ReleaseLines shipped() {
    try (InputStream in = ReleaseLines.class.getResourceAsStream(SHIPPED)) {
      if (in == null) {
        throw new IllegalStateException(SHIPPED + " is missing from the operator's jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Malformed e) {
      throw new IllegalStateException("the shipped release-line table is malformed: " + e.getMessage(), e);
    }
  }

  /** This table with a caveat its readers should be told. */
  public ReleaseLines withCaveat(String value) {
    return new ReleaseLines(lines, value);
  }

  public Optional<ReleaseLine> line(String line) {
    return Optional.ofNullable(lines.get(line));
  }

  /** The supported lines, newest first ({@code 2.12, 2.11}). */
  public List<String> supportedLines() {
    return lines.values().stream().filter(ReleaseLine::supported)
        .map(ReleaseLine::line).sorted(CkanVersion.NEWEST_FIRST).toList();
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record File(List<Entry> lines) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Entry(String line, Boolean supported, String latestPatch, String released, String migrationNotes) {}

  /** Reads a table (YAML or JSON); every entry is checked, so a typo is reported rather than half-applied. */
  public static ReleaseLines parse(String text) throws Malformed {
    File file;
    try {
      file = text == null || text.isBlank() ? null : YAML.readValue(text, File.class);
    } catch (JsonProcessingException e) {
      throw new Malformed("not a release-line table: " + e.getOriginalMessage());
    }
    if (file == null || file.lines() == null || file.lines().isEmpty()) {
      throw new Malformed("no lines (expected a list under 'lines:')");
    }
    Map<String, ReleaseLine> lines = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < file.lines().size(); i++) {
      Entry e = file.lines().get(i);
      String where = "lines[" + i + "]";
      if (e == null) {
        problems.add(where + " is empty");
        continue;
      }
      Optional<CkanVersion> line = CkanVersion.parse(e.line()).filter(v -> e.line().trim().split("\\.").length == 2);
      Optional<CkanVersion> latest = CkanVersion.parse(e.latestPatch());
      if (line.isEmpty()) {
        problems.add(where + ".line must be X.Y, got '" + e.line() + "'");
      } else if (lines.containsKey(line.get().line())) {
        problems.add(where + ": line " + line.get().line() + " appears twice");
      }
      if (latest.isEmpty()) {
        problems.add(where + ".latestPatch must be X.Y.Z, got '" + e.latestPatch() + "'");
      } else if (line.isPresent() && !latest.get().line().equals(line.get().line())) {
        problems.add(where + ".latestPatch " + e.latestPatch() + " is not of line " + line.get().line());
      }
      if (e.supported() == null) {
        problems.add(where + ".supported must be true or false");
      }
      LocalDate released = null;
      try {
        released = e.released() == null ? null : LocalDate.parse(e.released().trim());
      } catch (DateTimeParseException ex) {
        problems.add(where + ".released must be YYYY-MM-DD, got '" + e.released() + "'");
      }
      if (e.migrationNotes() != null && !e.migrationNotes().startsWith("https://")) {
        problems.add(where + ".migrationNotes must be an https:// URL");
      }
      if (problems.isEmpty()) {
        lines.put(line.get().line(), new ReleaseLine(line.get().line(), e.supported(), latest.get().toString(),
            released, e.migrationNotes()));
      }
    }
    if (!problems.isEmpty()) {
      throw new Malformed(String.join("; ", problems));
    }
    return new ReleaseLines(lines, null);
  }
}
