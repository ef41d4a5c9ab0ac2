package io.ckan.operator.resources;

/** The CKAN release line of a core version: {@code 2.11.5} -> 2.11. Behaviour that differs by line is decided here. */
final class CkanLine {
  private CkanLine() {}

  /** {@code X.Y} of an {@code X.Y.Z} version. */
  static String of(String version) {
    int[] parts = parse(version);
    return parts[0] + "." + parts[1];
  }

  /** Whether the version is at least {@code major.minor}. */
  static boolean atLeast(String version, int major, int minor) {
    int[] parts = parse(version);
    return parts[0] > major || parts[0] == major && parts[1] >= minor;
  }

  private static int[] parse(String version) {
    if (version == null || !version.matches("[0-9]{1,3}\\.[0-9]{1,3}(\\.[0-9]{1,3})?")) {
      throw new IllegalArgumentException("not a CKAN version: " + version);
    }
    String[] parts = version.split("\\.");
    return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
  }
}
