package io.ckan.operator.health;

import java.util.List;

/** Pure: does a status_show answer prove that the revision runs the release it should? */
public final class Verification {
  private Verification() {}

  /**
   * @param passed     the revision runs the expected CKAN version and loaded every expected plugin
   * @param definitive a wrong version or missing plugins: retrying will not help (unlike a timeout or a 503)
   */
  public record Result(boolean passed, boolean definitive, String message) {
    public static Result pending(String message) {
      return new Result(false, false, message);
    }
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
    return new Result(true, true, answer.ckanVersion() == null
        ? "CKAN " + expectedVersion + " and every plugin checked by the start command in each pod (status_show "
            + "hides the version: ckan.hide_version)"
        : "CKAN " + expectedVersion + ", every plugin loaded (start command) and configured (status_show)");
  }
}
