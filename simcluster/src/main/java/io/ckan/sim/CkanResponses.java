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

  static String emptyPackageSearch(String helpBase) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("count", 0);
    result.put("facets", Map.of());
    result.put("results", List.of());
    result.put("sort", "score desc, metadata_modified desc");
    result.put("search_facets", Map.of());
    return success(helpBase, "package_search", result);
  }

  static String emptyPackageList(String helpBase) {
    return success(helpBase, "package_list", List.of());
  }

  /**
   * NOT RECORDED from a real CKAN (the conformance tier does not stop Solr yet): the shape of CKAN's action API for a
   * {@code SearchError} (ckan/views/api.py: HTTP 409, {@code __type} "Search Error"), raised by the search query when
   * pysolr cannot reach Solr.
   */
  static String searchError(String helpBase) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("help", help(helpBase, "package_search"));
    body.put("success", false);
    body.put("error", Map.of("__type", "Search Error", "message", "Search error: ('SOLR returned an error running "
        + "query: {\'q\': \'*:*\', \'rows\': 0} Error: SolrError(\'Failed to connect to server\')',)"));
    return Serialization.asJson(body);
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

  private static String success(String helpBase, String action, Object result) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("help", help(helpBase, action));
    body.put("success", true);
    body.put("result", result);
    return Serialization.asJson(body);
  }

  private static String help(String helpBase, String action) {
    return helpBase + "/api/3/action/help_show?name=" + action;
  }
}
