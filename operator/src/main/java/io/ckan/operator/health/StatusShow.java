package io.ckan.operator.health;

import java.util.LinkedHashMap;
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
 *                           answered or none was asked; with status_show failing (HTTP 500) only the database is
 *                           asked, since CKAN reads it before every request
 * @param failedSmokeChecks  each smoke check of {@code rollout.checks[]} that failed ({@link SmokeCheck#name()}),
 *                           with why; in the order of the spec
 */
public record StatusShow(Outcome outcome, String ckanVersion, List<String> plugins, String detail,
    Map<Dependency, String> failedDependencies, Map<String, String> failedSmokeChecks) {

  public StatusShow {
    failedDependencies = java.util.Collections.unmodifiableMap(new TreeMap<>(failedDependencies));
    failedSmokeChecks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failedSmokeChecks));
  }

  public StatusShow(Outcome outcome, String ckanVersion, List<String> plugins, String detail,
      Map<Dependency, String> failedDependencies) {
    this(outcome, ckanVersion, plugins, detail, failedDependencies, Map.of());
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
    return new StatusShow(outcome, ckanVersion, plugins, detail, failed, failedSmokeChecks);
  }

  /** This answer with the smoke checks of the same health check. */
  public StatusShow withFailedSmokeChecks(Map<String, String> failed) {
    return new StatusShow(outcome, ckanVersion, plugins, detail, failedDependencies, failed);
  }
}
