package io.ckan.operator.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ckan.operator.health.Dependency;
import io.ckan.operator.health.HttpStatusShowProbe;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requests of the operator's deep health check, asked of a real CKAN while one dependency is stopped, and their
 * answers (status, content type, body) in the form the simulated cluster's fake CKAN replays
 * ({@code simcluster/src/main/resources/ckan-recordings/outage-*.json}). Only what varies per run is replaced: the
 * site's address by {@code {site}} and signed CSRF tokens by {@code {csrf}}.
 */
final class DependencyOutages {
  private DependencyOutages() {}

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NEVER).build();
  /** itsdangerous-signed tokens (Flask-WTF's CSRF token) start with the base64 of a quote. */
  private static final Pattern SIGNED_TOKEN = Pattern.compile("Ij[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  /** The recorded requests by name: status_show, each dependency's check (by its enum name). */
  static Map<String, Request> requests() {
    Map<String, Request> requests = new LinkedHashMap<>();
    requests.put("status_show", new Request(HttpStatusShowProbe.PATH, Map.of()));
    for (Dependency d : Dependency.values()) {
      requests.put(d.name(), new Request(d.pathAndQuery(), d.headers()));
    }
    return requests;
  }

  record Request(String pathAndQuery, Map<String, String> headers) {}

  /** Every request's answer from the CKAN on {@code port}; {@code site}: its ckan.site_url. */
  static ObjectNode answers(int port, String site, String how) throws IOException, InterruptedException {
    ObjectNode recording = JSON.createObjectNode();
    recording.put("how", how);
    ObjectNode answers = recording.putObject("answers");
    for (var e : requests().entrySet()) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + e.getValue().pathAndQuery())).timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
      e.getValue().headers().forEach(request::header);
      HttpResponse<String> response = HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
      ObjectNode answer = answers.putObject(e.getKey());
      answer.put("path", e.getValue().pathAndQuery());
      e.getValue().headers().forEach(answer.putObject("headers")::put);
      answer.put("status", response.statusCode());
      String type = response.headers().firstValue("Content-Type").orElse("");
      answer.put("contentType", type);
      String body = neutral(response.body(), port, site);
      if (type.startsWith("application/json")) {
        answer.set("json", JSON.readTree(body));
      } else {
        answer.put("text", body);
      }
    }
    return recording;
  }

  static String neutral(String body, int port, String site) {
    String out = body.replace("http://127.0.0.1:" + port, "{site}");
    if (site != null && !site.isEmpty()) {
      out = out.replace(site, "{site}");
    }
    return SIGNED_TOKEN.matcher(out).replaceAll(Matcher.quoteReplacement("{csrf}"));
  }

  /** What a comparison of a live answer with its recording looks at: status, content type, JSON body or title. */
  static String essence(JsonNode answer) {
    String body = answer.has("json") ? answer.get("json").toString() : title(answer.path("text").asText());
    return answer.path("status").asInt() + " " + answer.path("contentType").asText() + " " + body;
  }

  private static String title(String html) {
    Matcher m = Pattern.compile("<title>(.*?)</title>", Pattern.DOTALL).matcher(html);
    return m.find() ? "<title>" + m.group(1).trim() + "</title>" : html.strip();
  }
}
