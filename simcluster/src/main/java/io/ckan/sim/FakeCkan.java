package io.ckan.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * CKAN's action API as far as the operator uses it, for every Service in the simulated cluster:
 * {@code GET {base}/{namespace}/{service}/api/3/action/status_show}, {@code .../package_search?rows=0},
 * {@code .../package_list?limit=1}, and pages for smoke checks ({@link CkanPages}).
 * 503 when no available Deployment backs the Service; otherwise what the Deployment runs, unless the scenario says
 * otherwise. Counts requests per path.
 */
public final class FakeCkan implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FakeCkan.class);

  private final CkanBackend backend;
  private final Scenario scenario;
  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  FakeCkan(CkanBackend backend, Scenario scenario) {
    this.backend = backend;
    this.scenario = scenario;
    try {
      this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start fake CKAN", e);
    }
    this.executor = Executors.newFixedThreadPool(4, new DaemonThreads("simcluster-ckan"));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** {@code http://127.0.0.1:<port>}, no trailing slash; a Service's CKAN is at {@code base/namespace/service}. */
  public URI base() {
    return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
  }

  /** Requests received for this path (without query), e.g. {@code /default/portal-r1/api/3/action/status_show}. */
  public long requestCount(String path) {
    LongAdder count = counts.get(path);
    return count == null ? 0 : count.sum();
  }

  /** Requests received for {@code status_show} of this Service. */
  public long statusShowCount(String namespace, String service) {
    return requestCount("/" + namespace + "/" + service + "/api/3/action/status_show");
  }

  /** Requests received for {@code status_show} of any Service. */
  public long statusShowCount() {
    long total = 0;
    for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
      if (e.getKey().endsWith("/api/3/action/status_show")) {
        total += e.getValue().sum();
      }
    }
    return total;
  }

  /** All counts by path, sorted. */
  public Map<String, Long> requestCounts() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((path, count) -> copy.put(path, count.sum()));
    return copy;
  }

  public long totalRequests() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public void resetCounts() {
    counts.clear();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      counts.computeIfAbsent(path, p -> new LongAdder()).increment();
      // "", namespace, service, the site's own path
      String[] parts = path.split("/", 4);
      if (!"GET".equals(exchange.getRequestMethod()) || parts.length < 3) {
        send(exchange, 404, "text/plain", "Not Found");
        return;
      }
      boolean sessionCookie = exchange.getRequestHeaders().containsKey("Cookie");
      Answer answer = answer(backend, scenario, parts[1], parts[2], "/" + (parts.length > 3 ? parts[3] : ""),
          sessionCookie);
      send(exchange, answer.status(), answer.contentType(), answer.body());
    } catch (RuntimeException e) {
      LOG.warn("fake CKAN failed on {}", exchange.getRequestURI(), e);
    }
  }

  /** One answer of CKAN's action API: HTTP status, content type and body. */
  public record Answer(int status, String contentType, String body) {
  }

  /** What CKAN behind {@code namespace/service} answers to {@code action}, as the scenario has it now. */
  static Answer answer(CkanBackend backend, Scenario scenario, String namespace, String service, String action) {
    return answer(backend, scenario, namespace, service, ACTIONS + action, false);
  }

  private static final String ACTIONS = "/api/3/action/";

  /**
   * What CKAN behind {@code namespace/service} answers to a GET of {@code sitePath}, as the scenario has it now.
   * Dependency outages answer as a real CKAN 2.11.5 did ({@link CkanRecordings#outage}): without PostgreSQL every
   * request fails (CKAN reads it before each one); without Solr, package_search and the dataset page; without Redis,
   * where sessions live in Redis, every request with a session cookie and every page (pages store a CSRF token).
   */
  static Answer answer(CkanBackend backend, Scenario scenario, String namespace, String service, String sitePath,
      boolean sessionCookie) {
    String helpBase = "http://" + service + "." + namespace + ".svc.cluster.local";
    Optional<Deployment> deployment;
    try {
      deployment = backend.servingDeployment(namespace, service);
    } catch (KubernetesClientException e) {
      deployment = Optional.empty();
    }
    if (deployment.isEmpty()) {
      return new Answer(503, "text/plain", CkanResponses.serviceUnavailable());
    }
    CkanBehaviour behaviour = scenario.ckanBehaviourFor(deployment.get());
    if (behaviour.httpStatus() != 0) {
      return new Answer(behaviour.httpStatus(), "text/html", CkanResponses.internalServerError());
    }
    if (scenario.databaseDown()) { // each recorded request its own answer (the error page shows the path)
      return CkanRecordings.outage("database", recordedRequest(sitePath, sessionCookie), helpBase);
    }
    boolean page = !sitePath.startsWith(ACTIONS);
    if (scenario.redisDown() && (sessionCookie || page)
        && backend.site(deployment.get(), namespace, service).redisSessions()) {
      return CkanRecordings.outage("redis", "REDIS", helpBase);
    }
    if (page) {
      return CkanPages.answer(scenario, deployment.get(), sitePath);
    }
    String action = sitePath.substring(ACTIONS.length());
    String json = "application/json;charset=utf-8";
    switch (action.contains("?") ? action.substring(0, action.indexOf('?')) : action) {
      case "status_show":
        CkanBackend.Site site = backend.site(deployment.get(), namespace, service);
        return new Answer(200, json, CkanResponses.statusShow(helpBase, behaviour.reportedVersion(site.version()),
            behaviour.reportedPlugins(site.plugins()), site.siteUrl(), site.siteTitle()));
      case "package_search":
        return CkanRecordings.outage(scenario.solrDown() ? "solr" : "none", "SOLR", helpBase);
      case "package_list":
        return CkanRecordings.outage("none", "DATABASE", helpBase);
      default:
        return new Answer(400, json, CkanResponses.notFound(helpBase, action));
    }
  }

  /** Which recorded request {@code sitePath} is: a dependency check, else status_show's answer stands for it. */
  private static String recordedRequest(String sitePath, boolean sessionCookie) {
    if (sitePath.startsWith(ACTIONS + "package_list")) {
      return "DATABASE";
    }
    if (sitePath.startsWith(ACTIONS + "package_search")) {
      return "SOLR";
    }
    return sitePath.startsWith(ACTIONS + "status_show") && sessionCookie ? "REDIS" : "status_show";
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    backend.close();
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
