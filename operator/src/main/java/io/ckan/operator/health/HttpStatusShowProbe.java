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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * One health check over HTTP: status_show, then (when it answered) the revision's {@link RevisionChecks} at once
 * (dependencies and smoke checks), each bounded by the timeout. In a cluster the per-revision Service is
 * {@code http://<service>.<namespace>.svc}.
 */
public final class HttpStatusShowProbe implements StatusShowProbe {
  public static final String PATH = "/api/3/action/status_show";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The most of a smoke check's answer the operator reads (a check may name any page). */
  static final int SMOKE_BODY_LIMIT = 1024 * 1024;

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
    return fetch(namespace, service, RevisionChecks.DEFAULT);
  }

  @Override
  public StatusShow fetch(String namespace, String service, RevisionChecks checks) {
    try {
      return fetchAsync(namespace, service, checks, Runnable::run).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return StatusShow.failed(StatusShow.Outcome.UNREACHABLE, uri(namespace, service) + ": interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      return StatusShow.failed(StatusShow.Outcome.UNREACHABLE, uri(namespace, service) + ": "
          + e.getCause().getClass().getSimpleName());
    }
  }

  @Override
  public CompletableFuture<StatusShow> fetchAsync(String namespace, String service, Executor blocking) {
    return fetchAsync(namespace, service, RevisionChecks.DEFAULT, blocking);
  }

  /**
   * The JDK client's asynchronous send: no thread waits for CKAN; each request's timeout bounds it. When status_show
   * answers, every dependency and smoke check is asked at once; when it answers HTTP 500, only the database (CKAN
   * reads it before every request, so a stopped PostgreSQL fails status_show too; anything else asked then would
   * fail for the same reason and be blamed on the wrong dependency).
   */
  @Override
  public CompletableFuture<StatusShow> fetchAsync(String namespace, String service, RevisionChecks checks,
      Executor blocking) {
    URI uri = uri(namespace, service);
    return http.sendAsync(request(uri, Map.of()), HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> answer(uri, response))
        .exceptionally(e -> StatusShow.failed(StatusShow.Outcome.UNREACHABLE, uri + ": " + cause(e)))
        .thenCompose(answer -> {
          if (answer.outcome() == StatusShow.Outcome.OK) {
            return dependencies(namespace, service, checks.dependencies()).thenApply(answer::withFailedDependencies)
                .thenCombine(smokeChecks(namespace, service, checks.smokeChecks()),
                    StatusShow::withFailedSmokeChecks);
          }
          if (answeredServerError(answer) && checks.dependencies().contains(Dependency.DATABASE)) {
            return dependencies(namespace, service, Set.of(Dependency.DATABASE))
                .thenApply(answer::withFailedDependencies);
          }
          return CompletableFuture.completedFuture(answer);
        });
  }

  /** The dependencies' requests at once; the failed ones with why. */
  private CompletableFuture<Map<Dependency, String>> dependencies(String namespace, String service,
      Set<Dependency> asked) {
    Map<Dependency, CompletableFuture<String>> checks = new EnumMap<>(Dependency.class);
    for (Dependency d : asked) {
      URI uri = URI.create(serviceBase.apply(namespace, service) + d.pathAndQuery());
      checks.put(d, http.sendAsync(request(uri, d.headers()), HttpResponse.BodyHandlers.ofString())
          .thenApply(r -> dependencyFailure(d, r.statusCode(), r.body()))
          .exceptionally(e -> d.action() + " did not answer: " + cause(e)));
    }
    return failures(checks, () -> new EnumMap<>(Dependency.class));
  }

  /** The smoke checks at once, each an anonymous GET bounded by the timeout; the failed ones with why. */
  private CompletableFuture<Map<String, String>> smokeChecks(String namespace, String service,
      List<SmokeCheck> smoke) {
    Map<String, CompletableFuture<String>> checks = new LinkedHashMap<>();
    for (SmokeCheck c : smoke) {
      URI uri = URI.create(serviceBase.apply(namespace, service) + c.path());
      checks.put(c.name(), http.sendAsync(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
              BoundedBody.handler(SMOKE_BODY_LIMIT))
          .thenApply(r -> r.body() == null && c.jsonField() != null
              ? "answered more than " + SMOKE_BODY_LIMIT / 1024 + " KiB, the most a JSON check reads"
              : c.failure(r.statusCode(), r.body() == null ? "" : r.body()))
          .exceptionally(e -> "did not answer: " + cause(e)));
    }
    return failures(checks, LinkedHashMap::new);
  }

  private static <K> CompletableFuture<Map<K, String>> failures(Map<K, CompletableFuture<String>> checks,
      java.util.function.Supplier<Map<K, String>> empty) {
    return CompletableFuture.allOf(checks.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
      Map<K, String> failed = empty.get();
      checks.forEach((key, check) -> {
        String why = check.join();
        if (why != null) {
          failed.put(key, why);
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

  /** status_show answered HTTP 500 (not 502/503 from a proxy, not a timeout): CKAN ran and failed. */
  private static boolean answeredServerError(StatusShow answer) {
    return answer.outcome() == StatusShow.Outcome.HTTP_ERROR && answer.detail().endsWith(" answered HTTP 500");
  }

  private static String cause(Throwable e) {
    return (e.getCause() != null ? e.getCause() : e).getClass().getSimpleName();
  }

  private URI uri(String namespace, String service) {
    return URI.create(serviceBase.apply(namespace, service) + PATH);
  }

  private HttpRequest request(URI uri, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
    headers.forEach(request::header);
    return request.GET().build();
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
