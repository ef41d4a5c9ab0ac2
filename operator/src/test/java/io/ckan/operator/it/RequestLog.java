package io.ckan.operator.it;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every request the operator's client sends (a fabric8 interceptor), stamped with {@link System#nanoTime()}. */
public final class RequestLog implements Interceptor {
  /** One request: when it was sent, its method and path (with the query). */
  public record Request(long nanos, String method, String path) {
    public boolean isWrite() {
      return !"GET".equals(method);
    }

    /** A watch is a long-lived GET opened by an informer, not a read on anybody's critical path. */
    public boolean isWatch() {
      return path.contains("watch=true");
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  private final List<Request> requests = new CopyOnWriteArrayList<>();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
    String query = request.uri().getRawQuery();
    requests.add(new Request(System.nanoTime(), request.method(), request.uri().getRawPath()
        + (query == null ? "" : "?" + query)));
  }

  public List<Request> since(long nanos) {
    return requests.stream().filter(r -> r.nanos() >= nanos).toList();
  }
}
