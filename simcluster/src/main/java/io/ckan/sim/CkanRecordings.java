package io.ckan.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Answers recorded from a real CKAN 2.11.5 by the operator's real-CKAN conformance tier
 * ({@code RealCkanConformanceTest}, refreshed with {@code -Dckan.record=true}; see README): the body of
 * {@code status_show} with and without {@code ckan.hide_version}, the start command's refusals, and the deep health
 * check's requests during dependency outages ({@code outage-*.json}). The fake CKAN
 * answers from them, changing only what differs per Deployment (version, plugins, URLs).
 */
final class CkanRecordings {
  private CkanRecordings() {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode STATUS_SHOW = json("status_show.json");
  private static final JsonNode STATUS_SHOW_HIDDEN = json("status_show-hide_version.json");
  private static final String WRONG_VERSION = text("start-wrong-version.txt");
  private static final String NOT_INSTALLED = text("start-plugin-not-installed.txt");
  /** What a real CKAN answered the deep health check's requests with nothing, Solr, PostgreSQL or Redis stopped. */
  private static final java.util.Map<String, JsonNode> OUTAGES = java.util.Map.of("none", json("outage-none.json"),
      "solr", json("outage-solr.json"), "database", json("outage-database.json"), "redis", json("outage-redis.json"));

  /**
   * The recorded answer to {@code request} ({@code status_show}, {@code DATABASE}, {@code SOLR}, {@code REDIS}: the
   * operator's check of that dependency) while {@code outage} ({@code none}, {@code solr}, {@code database},
   * {@code redis}) was stopped; {@code {site}} becomes {@code site}.
   */
  static FakeCkan.Answer outage(String outage, String request, String site) {
    JsonNode answer = OUTAGES.get(outage).path("answers").path(request);
    if (answer.isMissingNode()) {
      throw new IllegalArgumentException("no recording of " + request + " during outage " + outage);
    }
    String body = answer.has("json") ? answer.get("json").toString() : answer.path("text").asText();
    return new FakeCkan.Answer(answer.path("status").asInt(), answer.path("contentType").asText(),
        body.replace("{site}", site));
  }

  /** The recorded status_show body with this Deployment's values; {@code version == null}: hide_version. */
  static String statusShow(String helpBase, String version, List<String> plugins, String siteUrl, String siteTitle) {
    ObjectNode body = (version == null ? STATUS_SHOW_HIDDEN : STATUS_SHOW).deepCopy();
    body.put("help", helpBase + "/api/3/action/help_show?name=status_show");
    ObjectNode result = (ObjectNode) body.get("result");
    if (version != null) {
      result.put("ckan_version", version);
    }
    result.put("site_url", siteUrl);
    result.put("site_title", siteTitle);
    ArrayNode extensions = result.putArray("extensions");
    plugins.forEach(extensions::add);
    return body.toString();
  }

  /** The start command's line for an image that runs another CKAN version. */
  static String wrongVersion(String actual, String expected) {
    return WRONG_VERSION.replace("2.11.5", "{actual}").replace("2.11.4", expected).replace("{actual}", actual);
  }

  /** The start command's line for a plugin the image does not have. */
  static String pluginNotInstalled(String version, List<String> plugins, String missing) {
    return NOT_INSTALLED.replaceFirst("CKAN [0-9.]+ ", "CKAN " + version + " ")
        .replaceFirst("\\[[^]]*]", "[" + String.join(" ", plugins) + "]")
        .replace("'spatial_metadata'", "'" + missing + "'");
  }

  private static JsonNode json(String name) {
    try {
      return JSON.readTree(text(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(String name) {
    try (InputStream in = CkanRecordings.class.getResourceAsStream("/ckan-recordings/" + name)) {
      if (in == null) {
        throw new IllegalStateException("recording missing: ckan-recordings/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
