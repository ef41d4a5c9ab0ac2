package io.ckan.sim;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every request a fabric8 client sends (an interceptor: {@code builder.withHttpClientBuilderConsumer(b ->
 * b.addOrReplaceInterceptor("log", log))}), stamped with {@link System#nanoTime()} when it is sent. Tests and
 * benchmarks count an operator's requests with it, not the operator's own journal.
 */
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

  /** Every request sent so far, the informers' watches included. */
  public List<Request> all() {
    return List.copyOf(requests);
  }

  /** Requests sent from {@code nanos} on, without the informers' watches (long-lived GETs that read nothing now). */
  public List<Request> since(long nanos) {
    return requests.stream().filter(r -> r.nanos() >= nanos && !r.isWatch()).toList();
  }

  /** The position of the first {@code method} request whose path ends with {@code pathEnd}, or -1. */
  public static int indexOf(List<Request> requests, String method, String pathEnd) {
    for (int i = 0; i < requests.size(); i++) {
      if (requests.get(i).method().equals(method) && requests.get(i).path().endsWith(pathEnd)) {
        return i;
      }
    }
    return -1;
  }
}
