package io.ckan.operator.currency;

import io.ckan.operator.plan.Condition;
import java.util.List;
import java.util.Optional;

/**
 * Pure: how current an instance's CKAN version is, from its {@code spec.version} and the release-line table. The
 * conditions inform; they never block a rollout and never change Ready.
 */
public final class PatchCurrency {
  private PatchCurrency() {}

  public static final String NEWER_PATCH_AVAILABLE = "NewerPatchAvailable";
  public static final String LATEST_PATCH = "LatestPatch";
  public static final String NEWER_THAN_TABLE = "NewerThanTable";
  public static final String SUPPORTED = "Supported";
  public static final String END_OF_LIFE = "EndOfLife";
  public static final String UNKNOWN_LINE = "UnknownLine";
  public static final String UNKNOWN_VERSION = "UnknownVersion";

  /** {@code PatchCurrent} and {@code SupportedLine} for a spec at {@code version}. */
  public static List<Condition> conditions(String version, ReleaseLines table) {
    Optional<CkanVersion> parsed = CkanVersion.parse(version);
    if (parsed.isEmpty()) {
      String message = note("spec.version '" + version + "' is not a CKAN version X.Y.Z", table);
      return List.of(Condition.unknown(Condition.PATCH_CURRENT, UNKNOWN_VERSION, message),
          Condition.unknown(Condition.SUPPORTED_LINE, UNKNOWN_VERSION, message));
    }
    CkanVersion v = parsed.get();
    Optional<ReleaseLine> line = table.line(v.line());
    if (line.isEmpty()) {
      String message = note("line " + v.line() + " is not in the release-line table (it knows "
          + String.join(", ", known(table)) + "): cannot tell", table);
      return List.of(Condition.unknown(Condition.PATCH_CURRENT, UNKNOWN_LINE, message),
          Condition.unknown(Condition.SUPPORTED_LINE, UNKNOWN_LINE, message));
    }
    return List.of(patchCurrent(v, line.get(), table), supportedLine(line.get(), table));
  }

  private static Condition patchCurrent(CkanVersion v, ReleaseLine line, ReleaseLines table) {
    CkanVersion latest = CkanVersion.parse(line.latestPatch()).orElseThrow();
    int order = v.compareTo(latest);
    if (order < 0) {
      return new Condition(Condition.PATCH_CURRENT, false, NEWER_PATCH_AVAILABLE, note(v + " is behind "
          + latest + (line.released() == null ? "" : " (released " + line.released() + ")"), table));
    }
    if (order == 0) {
      return new Condition(Condition.PATCH_CURRENT, true, LATEST_PATCH, note(v + " is the latest patch of "
          + line.line(), table));
    }
    return new Condition(Condition.PATCH_CURRENT, true, NEWER_THAN_TABLE, note(v + " is newer than the table's "
        + "latest patch of " + line.line() + " (" + latest + "): the table may need an update", table));
  }

  private static Condition supportedLine(ReleaseLine line, ReleaseLines table) {
    if (line.supported()) {
      return new Condition(Condition.SUPPORTED_LINE, true, SUPPORTED, note(line.line() + " is supported", table));
    }
    List<String> supported = table.supportedLines();
    return new Condition(Condition.SUPPORTED_LINE, false, END_OF_LIFE, note(line.line() + " is end-of-life "
        + "(last patch " + line.latestPatch() + "); supported lines: " + (supported.isEmpty() ? "none known"
            : String.join(", ", supported)), table));
  }

  /**
   * What to tell a person when a rollout moves from {@code liveVersion} to a later minor line at
   * {@code targetVersion}: the target line's migration notes; empty for a patch change, a downgrade, or no live
   * version.
   */
  public static Optional<String> minorUpgrade(String liveVersion, String targetVersion, ReleaseLines table) {
    Optional<CkanVersion> live = CkanVersion.parse(liveVersion);
    Optional<CkanVersion> target = CkanVersion.parse(targetVersion);
    if (live.isEmpty() || target.isEmpty() || !live.get().lineBefore(target.get())) {
      return Optional.empty();
    }
    String notes = table.line(target.get().line()).map(ReleaseLine::migrationNotes)
        .map(url -> "read the migration notes of " + target.get().line() + ": " + url)
        .orElse("the release-line table has no migration notes for " + target.get().line()
            + "; read CKAN's changelog: https://docs.ckan.org/en/latest/changelog.html");
    return Optional.of("minor upgrade from " + live.get().line() + " (" + liveVersion + ") to " + target.get().line()
        + " (" + targetVersion + "); " + notes);
  }

  private static List<String> known(ReleaseLines table) {
    return table.lines().keySet().stream().sorted(CkanVersion.NEWEST_FIRST).toList();
  }

  private static String note(String message, ReleaseLines table) {
    return table.caveat() == null ? message : message + " (" + table.caveat() + ")";
  }
}
