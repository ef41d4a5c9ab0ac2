package io.ckan.operator.health;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Pure: does a status_show answer prove that the revision runs the release it should? */
public final class Verification {
  private Verification() {}

  /**
   * @param passed     the revision runs the expected CKAN version and loaded every expected plugin
   * @param definitive a wrong version or missing plugins: retrying will not help (unlike a timeout or a 503)
   */
  /**
   * @param failedDependencies the dependencies whose checks failed while the revision itself answered as expected;
   *                           such a result is never definitive (the dependency may come back)
   */
  /**
   * @param failedSmokeChecks the spec's smoke checks ({@link SmokeCheck#name()}) that failed while the revision
   *                          itself answered as expected; like a failed dependency, never definitive
   */
  public record Result(boolean passed, boolean definitive, String message, Set<Dependency> failedDependencies,
      Set<String> failedSmokeChecks) {
    public Result {
      failedDependencies = Set.copyOf(failedDependencies);
      failedSmokeChecks = Set.copyOf(failedSmokeChecks);
    }

    public Result(boolean passed, boolean definitive, String message, Set<Dependency> failedDependencies) {
      this(passed, definitive, message, failedDependencies, Set.of());
    }

    public Result(boolean passed, boolean definitive, String message) {
      this(passed, definitive, message, Set.of());
    }

    /** A dependency or smoke check failed (the revision itself answered, or the database took status_show down). */
    public boolean failsACheck() {
      return !failedDependencies.isEmpty() || !failedSmokeChecks.isEmpty();
    }

    public static Result pending(String message) {
      return new Result(false, false, message);
    }
  }

  /** What the bake window makes of the live revision's health, given the previous revision's. */
  public enum Bake {
    /** No failed dependency check (other failures are judged as before). */
    NO_DEPENDENCY_FAILURE,
    /**
     * The live revision fails a dependency or smoke check the previous revision passes: the revision is at fault,
     * revert.
     */
    REVISION_FAILED,
    /**
     * The previous revision fails too (or is not known to pass): a revert would not fix it (a Solr outage is not
     * fixed by a revert, nor a smoke check whose page fails on both); keep the pointer and report
     * {@code DependencyUnavailable}.
     */
    DEPENDENCY_UNAVAILABLE
  }

  /** Pure: {@code previous} null means it was not checked. */
  public static Bake duringBake(Result live, Result previous) {
    if (live == null || live.passed() || !live.failsACheck()) {
      return Bake.NO_DEPENDENCY_FAILURE;
    }
    return previous != null && previous.passed() ? Bake.REVISION_FAILED : Bake.DEPENDENCY_UNAVAILABLE;
  }

  /**
   * @param startedByOperator the revision's web pods run the operator's start command ({@code CkanStart}), which
   *                          exits before the server starts unless the image runs {@code expectedVersion} and every
   *                          plugin loaded. status_show's plugin list only echoes {@code ckan.plugins} from the
   *                          config, so without that start it proves nothing.
   */
  public static Result check(StatusShow answer, String expectedVersion, List<String> expectedPlugins,
      boolean startedByOperator) {
    if (!startedByOperator) {
      return new Result(false, true, "the web pods do not run the operator's start command (was the Deployment "
          + "edited?): status_show only echoes the configured plugins, so nothing proves they loaded");
    }
    if (answer.outcome() != StatusShow.Outcome.OK && answer.failedDependencies().containsKey(Dependency.DATABASE)) {
      return new Result(false, false, "status_show failed (" + answer.detail() + ") and "
          + dependencies(answer.failedDependencies()) + " (CKAN reads the database before every request)",
          Set.of(Dependency.DATABASE));
    }
    if (answer.outcome() != StatusShow.Outcome.OK) {
      return Result.pending("status_show failed: " + answer.detail());
    }
    if (answer.ckanVersion() != null && !answer.ckanVersion().equals(expectedVersion)) {
      return new Result(false, true, "status_show reports CKAN " + answer.ckanVersion() + ", expected "
          + expectedVersion);
    }
    List<String> missing = expectedPlugins.stream().filter(p -> !answer.plugins().contains(p)).toList();
    if (!missing.isEmpty()) {
      return new Result(false, true, "status_show is missing plugins " + missing + " (configured: "
          + answer.plugins() + ")");
    }
    if (!answer.failedDependencies().isEmpty() || !answer.failedSmokeChecks().isEmpty()) {
      String why = java.util.stream.Stream.of(dependencies(answer.failedDependencies()),
          smokeChecks(answer.failedSmokeChecks())).filter(w -> !w.isEmpty()).collect(Collectors.joining("; "));
      return new Result(false, false, "CKAN " + expectedVersion + " answers status_show with every plugin, but "
          + why, answer.failedDependencies().keySet(), answer.failedSmokeChecks().keySet());
    }
    return new Result(true, true, answer.ckanVersion() == null
        ? "CKAN " + expectedVersion + " and every plugin checked by the start command in each pod (status_show "
            + "hides the version: ckan.hide_version)"
        : "CKAN " + expectedVersion + ", every plugin loaded (start command) and configured (status_show)");
  }

  /** E.g. "the smoke check GET /dataset failed: answered HTTP 500, expected 200". */
  static String smokeChecks(Map<String, String> failed) {
    return failed.entrySet().stream().map(e -> "the smoke check " + e.getKey() + " failed: " + e.getValue())
        .collect(Collectors.joining("; "));
  }

  /** E.g. "the Solr check failed: package_search answered HTTP 409 (Search Error)". */
  static String dependencies(Map<Dependency, String> failed) {
    return failed.entrySet().stream().map(e -> "the " + e.getKey().label() + " check failed: " + e.getValue())
        .collect(Collectors.joining("; "));
  }
}
