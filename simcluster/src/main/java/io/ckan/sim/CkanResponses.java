package io.ckan.sim;

import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Bodies shaped like CKAN's action API answers. */
final class CkanResponses {

  private CkanResponses() {
  }

  /** As recorded from a real CKAN 2.11.5 ({@link CkanRecordings}); {@code version == null}: hide_version. */
  static String statusShow(String helpBase, String version, List<String> plugins, String siteUrl, String siteTitle) {
    return CkanRecordings.statusShow(helpBase, version, plugins, siteUrl, siteTitle);
  }

  static String notFound(String helpBase, String action) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("help", help(helpBase, action));
    body.put("success", false);
    body.put("error", Map.of("__type", "Not Found Error", "message", "Not found"));
    return Serialization.asJson(body);
  }

  static String internalServerError() {
    return "<html><body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>";
  }

  static String serviceUnavailable() {
    return "no healthy upstream";
  }

  private static String help(String helpBase, String action) {
    return helpBase + "/api/3/action/help_show?name=" + action;
  }
}
