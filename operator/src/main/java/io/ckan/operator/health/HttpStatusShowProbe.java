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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * One health check over HTTP: status_show, then (when it answered) every {@link Dependency}'s action at once, each
 * bounded by the timeout. In a cluster the per-revision Service is {@code http://<service>.<namespace>.svc}.
 */
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
    try {
      return fetchAsync(namespace, service, Runnable::run).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return StatusShow.failed(StatusShow.Outcome.UNREACHABLE, uri(namespace, service) + ": interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      return StatusShow.failed(StatusShow.Outcome.UNREACHABLE, uri(namespace, service) + ": "
          + e.getCause().getClass().getSimpleName());
    }
  }

  /** The JDK client's asynchronous send: no thread waits for CKAN; each request's timeout bounds it. */
  @Override
  public CompletableFuture<StatusShow> fetchAsync(String namespace, String service, Executor blocking) {
    URI uri = uri(namespace, service);
    return http.sendAsync(request(uri), HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> answer(uri, response))
        .exceptionally(e -> StatusShow.failed(StatusShow.Outcome.UNREACHABLE, uri + ": " + cause(e)))
        .thenCompose(answer -> answer.outcome() == StatusShow.Outcome.OK
            ? dependencies(namespace, service).thenApply(answer::withFailedDependencies)
            : CompletableFuture.completedFuture(answer));
  }

  /** Every dependency's action at once; the failed ones with why. */
  private CompletableFuture<Map<Dependency, String>> dependencies(String namespace, String service) {
    Map<Dependency, CompletableFuture<String>> checks = new EnumMap<>(Dependency.class);
    for (Dependency d : Dependency.values()) {
      URI uri = URI.create(serviceBase.apply(namespace, service) + d.pathAndQuery());
      checks.put(d, http.sendAsync(request(uri), HttpResponse.BodyHandlers.ofString())
          .thenApply(r -> dependencyFailure(d, r.statusCode(), r.body()))
          .exceptionally(e -> d.action() + " did not answer: " + cause(e)));
    }
    return CompletableFuture.allOf(checks.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
      Map<Dependency, String> failed = new EnumMap<>(Dependency.class);
      checks.forEach((d, check) -> {
        String why = check.join();
        if (why != null) {
          failed.put(d, why);
        }
      });
      return failed;
    });
  }

  /**
   * Why a dependency's action failed, or null when it answered HTTP 200 with {@code success: true}. Names the HTTP
   * status and CKAN's error type only: the message may carry a Solr or database URL.
   */
  public static String dependencyFailure(Dependency dependency, int status, String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      root = null;
    }
    if (status == 200 && root != null && root.path("success").asBoolean(false)) {
      return null;
    }
    String type = root == null ? "" : root.path("error").path("__type").asText("");
    return dependency.action() + " answered HTTP " + status + (type.isEmpty() ? "" : " (" + type + ")");
  }

  private static String cause(Throwable e) {
    return (e.getCause() != null ? e.getCause() : e).getClass().getSimpleName();
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
