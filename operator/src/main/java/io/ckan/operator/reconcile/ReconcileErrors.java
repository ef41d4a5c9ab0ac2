package io.ckan.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** A reconcile error as one line a person can act on, short enough for a condition and an Event. */
final class ReconcileErrors {
  private ReconcileErrors() {}

  static final int LIMIT = 400;

  static String describe(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root && !(root instanceof KubernetesClientException)) {
      root = root.getCause();
    }
    String what;
    if (root instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
      what = "the API server answered " + k.getCode() + ": " + k.getStatus().getMessage();
    } else {
      what = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
    String line = ("reconcile failed, retrying with backoff: " + what).replaceAll("\\s+", " ");
    return line.length() <= LIMIT ? line : line.substring(0, LIMIT - 1) + "…";
  }
}
