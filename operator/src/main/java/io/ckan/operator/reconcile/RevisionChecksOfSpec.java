package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.SmokeCheckSpec;
import io.ckan.operator.health.RevisionChecks;
import io.ckan.operator.health.SmokeCheck;
import io.ckan.operator.resources.RuntimeEnv;
import java.util.List;

/** What the spec asks each revision's health check: the Redis check where it applies, and rollout.checks[]. */
final class RevisionChecksOfSpec {
  private RevisionChecksOfSpec() {}

  /**
   * @param version the revision's CKAN version: the Redis check (a session cookie that makes Flask-Session read
   *                Redis) was proven on CKAN 2.11; 2.10 keeps Redis sessions in Beaker, which is not checked
   */
  static RevisionChecks of(CkanInstanceSpec spec, String version) {
    List<SmokeCheckSpec> specs = spec.rollout == null || spec.rollout.checks == null ? List.of()
        : spec.rollout.checks;
    List<SmokeCheck> smoke = specs.stream().map(c -> new SmokeCheck(c.path, c.expectedStatusOrDefault(),
        c.jsonField, c.jsonValue)).toList();
    return RevisionChecks.of(RuntimeEnv.sessionsInRedis(spec) && flaskSessions(version), smoke);
  }

  /** CKAN 2.11 or later (Flask-Session); false for anything unparsable. */
  static boolean flaskSessions(String version) {
    String[] parts = version == null ? new String[0] : version.split("\\.");
    try {
      return parts.length >= 2 && (Integer.parseInt(parts[0]) > 2
          || Integer.parseInt(parts[0]) == 2 && Integer.parseInt(parts[1]) >= 11);
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
