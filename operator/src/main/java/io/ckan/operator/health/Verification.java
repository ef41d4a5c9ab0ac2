package io.ckan.operator.health;

import java.util.List;

/** Pure: does a status_show answer prove that the revision runs the release it should? */
public final class Verification {
  private Verification() {}

  /**
   * @param passed     the revision runs the expected CKAN version (when shown) and loaded every expected plugin
   * @param definitive a wrong version or missing plugins: retrying will not help (unlike a timeout or a 503)
   */
  public record Result(boolean passed, boolean definitive, String message) {
    public static Result pending(String message) {
      return new Result(false, false, message);
    }
  }

  public static Result check(StatusShow answer, String expectedVersion, List<String> expectedPlugins) {
    if (answer.outcome() != StatusShow.Outcome.OK) {
      return Result.pending("status_show failed: " + answer.detail());
    }
    if (answer.ckanVersion() != null && !answer.ckanVersion().equals(expectedVersion)) {
      return new Result(false, true, "status_show reports CKAN " + answer.ckanVersion() + ", expected "
          + expectedVersion);
    }
    List<String> missing = expectedPlugins.stream().filter(p -> !answer.plugins().contains(p)).toList();
    if (!missing.isEmpty()) {
      return new Result(false, true, "status_show is missing plugins " + missing + " (loaded: " + answer.plugins()
          + ")");
    }
    return new Result(true, true, answer.ckanVersion() == null
        ? "plugins verified; version hidden by ckan.hide_version" : "CKAN " + expectedVersion + " with all plugins");
  }
}
