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
 * {@code GET {base}/{namespace}/{service}/api/3/action/status_show}, {@code .../package_search?rows=0} and
 * {@code .../package_list?limit=1}.
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
      // "", namespace, service, "api", "3", "action", name
      String[] parts = path.split("/");
      if (!"GET".equals(exchange.getRequestMethod()) || parts.length != 7 || !"api".equals(parts[3])
          || !"3".equals(parts[4]) || !"action".equals(parts[5])) {
        send(exchange, 404, "text/plain", "Not Found");
        return;
      }
      answer(exchange, parts[1], parts[2], parts[6]);
    } catch (RuntimeException e) {
      LOG.warn("fake CKAN failed on {}", exchange.getRequestURI(), e);
    }
  }

  private void answer(HttpExchange exchange, String namespace, String service, String action) throws IOException {
    Answer answer = answer(backend, scenario, namespace, service, action);
    send(exchange, answer.status(), answer.contentType(), answer.body());
  }

  /** One answer of CKAN's action API: HTTP status, content type and body. */
  public record Answer(int status, String contentType, String body) {
  }

  /** What CKAN behind {@code namespace/service} answers to {@code action}, as the scenario has it now. */
  static Answer answer(CkanBackend backend, Scenario scenario, String namespace, String service, String action) {
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
    String json = "application/json;charset=utf-8";
    switch (action) {
      case "status_show": {
        CkanBackend.Site site = backend.site(deployment.get(), namespace, service);
        return new Answer(200, json, CkanResponses.statusShow(helpBase, behaviour.reportedVersion(site.version()),
            behaviour.reportedPlugins(site.plugins()), site.siteUrl(), site.siteTitle()));
      }
      case "package_search":
        return scenario.solrDown() ? new Answer(409, json, CkanResponses.searchError(helpBase))
            : new Answer(200, json, CkanResponses.emptyPackageSearch(helpBase));
      case "package_list":
        return scenario.databaseDown() ? new Answer(500, "text/html", CkanResponses.internalServerError())
            : new Answer(200, json, CkanResponses.emptyPackageList(helpBase));
      default:
        return new Answer(400, json, CkanResponses.notFound(helpBase, action));
    }
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
