package io.ckan.demo;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every request of a fabric8 client (an interceptor), stamped with {@link System#nanoTime()} when it is sent. */
final class RequestTimeline implements Interceptor {
  record Request(long nanos, String method, String path, boolean watch) {
    boolean isWrite() {
      return !"GET".equals(method);
    }
  }

  private final List<Request> requests = new CopyOnWriteArrayList<>();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
    String query = request.uri().getRawQuery();
    requests.add(new Request(System.nanoTime(), request.method(), request.uri().getRawPath(),
        query != null && query.contains("watch=true")));
  }

  /** Requests sent from {@code from} on, watches left out (an informer's long-lived connection reads nothing now). */
  List<Request> since(long from) {
    return requests.stream().filter(r -> r.nanos() >= from && !r.watch()).toList();
  }
}
