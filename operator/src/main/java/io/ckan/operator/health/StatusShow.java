package io.ckan.operator.health;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one health check of a revision found: CKAN's {@code /api/3/action/status_show} and, when that answered, the
 * actions that prove CKAN can use its dependencies ({@link Dependency}).
 *
 * @param ckanVersion        null when the site hides it ({@code ckan.hide_version = true}) or it could not be read
 * @param plugins            {@code result.extensions}: the plugins CKAN loaded
 * @param failedDependencies each dependency whose action failed, with why (never a response body); empty when all
 *                           answered or none was asked
 */
public record StatusShow(Outcome outcome, String ckanVersion, List<String> plugins, String detail,
    Map<Dependency, String> failedDependencies) {

  public StatusShow {
    failedDependencies = java.util.Collections.unmodifiableMap(new TreeMap<>(failedDependencies));
  }

  public enum Outcome {
    /** HTTP 200 and {@code success: true}. */
    OK,
    /** An HTTP status other than 200, or {@code success: false}. */
    HTTP_ERROR,
    /** No connection, timeout. */
    UNREACHABLE,
    /** 200 but not the JSON CKAN answers with. */
    MALFORMED
  }

  public static StatusShow ok(String version, List<String> plugins) {
    return new StatusShow(Outcome.OK, version, List.copyOf(plugins), "", Map.of());
  }

  public static StatusShow failed(Outcome outcome, String detail) {
    return new StatusShow(outcome, null, List.of(), detail, Map.of());
  }

  /** This answer with the dependency checks of the same health check. */
  public StatusShow withFailedDependencies(Map<Dependency, String> failed) {
    return new StatusShow(outcome, ckanVersion, plugins, detail, failed);
  }
}
