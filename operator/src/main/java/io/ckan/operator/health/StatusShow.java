package io.ckan.operator.health;

import java.util.List;

/**
 * What CKAN's {@code /api/3/action/status_show} answered for one revision.
 *
 * @param ckanVersion null when the site hides it ({@code ckan.hide_version = true}) or it could not be read
 * @param plugins     {@code result.extensions}: the plugins CKAN loaded
 */
public record StatusShow(Outcome outcome, String ckanVersion, List<String> plugins, String detail) {

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
    return new StatusShow(Outcome.OK, version, List.copyOf(plugins), "");
  }

  public static StatusShow failed(Outcome outcome, String detail) {
    return new StatusShow(outcome, null, List.of(), detail);
  }
}
