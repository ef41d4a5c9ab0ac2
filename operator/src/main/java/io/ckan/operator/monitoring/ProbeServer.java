package io.ckan.operator.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /readyz} and {@code /metrics} (Prometheus text) on one port. It starts before the
 * operator (so a slow start is "not ready", not "refused"); {@link #serve} hands it the running operator.
 */
public final class ProbeServer implements AutoCloseable {
  /** What the server asks: the operator's health now and its metrics in Prometheus' text format. */
  public interface Source {
    OperatorHealth health();

    String scrape();
  }

  private static final Source STARTING = new Source() {
    @Override
    public OperatorHealth health() {
      return OperatorHealth.starting();
    }

    @Override
    public String scrape() {
      return "";
    }
  };

  private final HttpServer server;
  private volatile Source source = STARTING;

  private ProbeServer(HttpServer server, Duration stuckAfter) {
    this.server = server;
    server.createContext("/healthz", ex -> respond(ex, () -> source.health().liveness(stuckAfter), "text/plain"));
    server.createContext("/readyz", ex -> respond(ex, () -> source.health().readiness(), "text/plain"));
    server.createContext("/metrics", ex -> respond(ex, () -> new OperatorHealth.Answer(200, source.scrape()),
        "text/plain; version=0.0.4; charset=utf-8"));
  }

  /** Listens on {@code port} (0: any free one). */
  public static ProbeServer start(int port, Duration stuckAfter) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    ProbeServer probes = new ProbeServer(server, stuckAfter);
    server.start();
    return probes;
  }

  public void serve(Source running) {
    this.source = running;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange ex, Supplier<OperatorHealth.Answer> answer, String type)
      throws IOException {
    OperatorHealth.Answer a;
    try {
      a = answer.get();
    } catch (RuntimeException e) {
      a = new OperatorHealth.Answer(500, "error: " + e + "\n");
    }
    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(a.code(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
