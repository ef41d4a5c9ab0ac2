package io.ckan.operator.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/** status_show over HTTP. In a cluster the per-revision Service is {@code http://<service>.<namespace>.svc}. */
public final class HttpStatusShowProbe implements StatusShowProbe {
  public static final String PATH = "/api/3/action/status_show";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BiFunction<String, String, URI> serviceBase;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param serviceBase (namespace, service) -> base URL of that Service, without a trailing slash
   */
  public HttpStatusShowProbe(BiFunction<String, String, URI> serviceBase, Duration timeout) {
    this.serviceBase = serviceBase;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  public static HttpStatusShowProbe inCluster() {
    return new HttpStatusShowProbe((ns, svc) -> URI.create("http://" + svc + "." + ns + ".svc"), Duration.ofSeconds(5));
  }

  @Override
  public StatusShow fetch(String namespace, String service) {
    URI uri = uri(namespace, service);
    try {
      return answer(uri, http.send(request(uri), HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return StatusShow.failed(StatusShow.Outcome.UNREACHABLE, uri + ": " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return StatusShow.failed(StatusShow.Outcome.UNREACHABLE, uri + ": interrupted");
    }
  }

  /** The JDK client's asynchronous send: no thread waits for CKAN; the request's timeout bounds it. */
  @Override
  public CompletableFuture<StatusShow> fetchAsync(String namespace, String service, Executor blocking) {
    URI uri = uri(namespace, service);
    return http.sendAsync(request(uri), HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> answer(uri, response))
        .exceptionally(e -> StatusShow.failed(StatusShow.Outcome.UNREACHABLE, uri + ": "
            + (e.getCause() != null ? e.getCause() : e).getClass().getSimpleName()));
  }

  private URI uri(String namespace, String service) {
    return URI.create(serviceBase.apply(namespace, service) + PATH);
  }

  private HttpRequest request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
  }

  private static StatusShow answer(URI uri, HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      return StatusShow.failed(StatusShow.Outcome.HTTP_ERROR, uri + " answered HTTP " + response.statusCode());
    }
    return parse(response.body());
  }

  /** A status_show body (HTTP 200) as the operator reads it; also for probes that answer without HTTP (tests). */
  public static StatusShow parse(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return StatusShow.failed(StatusShow.Outcome.MALFORMED, "status_show did not answer JSON");
    }
    if (root == null || !root.path("success").asBoolean(false)) {
      return StatusShow.failed(StatusShow.Outcome.HTTP_ERROR, "status_show answered success=false");
    }
    JsonNode result = root.path("result");
    if (!result.isObject() || !result.path("extensions").isArray()) {
      return StatusShow.failed(StatusShow.Outcome.MALFORMED, "status_show result has no extensions list");
    }
    List<String> plugins = new ArrayList<>();
    result.path("extensions").forEach(p -> plugins.add(p.asText()));
    JsonNode version = result.path("ckan_version");
    return StatusShow.ok(version.isTextual() ? version.asText() : null, plugins);
  }
}
