package io.ckan.operator.currency;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A CKAN core version {@code X.Y.Z} (a missing patch reads as 0): its line and its order within the line. */
public record CkanVersion(int major, int minor, int patch) implements Comparable<CkanVersion> {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})(?:\\.([0-9]{1,3}))?");

  /** The version, or empty for anything not of the form {@code X.Y[.Z]}. */
  public static Optional<CkanVersion> parse(String text) {
    Matcher m = text == null ? null : FORM.matcher(text.trim());
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new CkanVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
  }

  /** Orders line or version texts newest first (texts that are no version last). */
  public static final java.util.Comparator<String> NEWEST_FIRST = java.util.Comparator.comparing(
      (String text) -> parse(text).orElse(new CkanVersion(-1, -1, -1))).reversed();

  /** {@code X.Y}. */
  public String line() {
    return major + "." + minor;
  }

  /** Whether {@code other} belongs to a later minor line than this. */
  public boolean lineBefore(CkanVersion other) {
    return major < other.major || major == other.major && minor < other.minor;
  }

  @Override
  public int compareTo(CkanVersion o) {
    int c = Integer.compare(major, o.major);
    c = c != 0 ? c : Integer.compare(minor, o.minor);
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
