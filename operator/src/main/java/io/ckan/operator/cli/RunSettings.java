package io.ckan.operator.cli;

import io.ckan.operator.reconcile.OperatorRunner;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How {@code run} is configured: environment variables only (the chart sets them).
 *
 * @param namespaces     watched namespaces, empty for all ({@code CKAN_OPERATOR_NAMESPACES})
 * @param port           port of /healthz, /readyz and /metrics ({@code CKAN_OPERATOR_HEALTH_PORT}, 8080)
 * @param leaseNamespace when leader election is on ({@code CKAN_OPERATOR_LEADER_ELECTION=true}), the operator's own
 *                       namespace ({@code CKAN_OPERATOR_NAMESPACE}, from the downward API)
 * @param identity       this replica ({@code CKAN_OPERATOR_POD_NAME}, from the downward API; else {@code HOSTNAME})
 * @param leaseName      {@code CKAN_OPERATOR_LEASE_NAME} ({@value OperatorRunner.LeaderElection#LEASE_NAME})
 * @param drain          how long a stop waits for running reconciles ({@code CKAN_OPERATOR_DRAIN_SECONDS}, 20)
 * @param stuckAfter     a reconcile running longer, or informers unhealthy longer, fails /healthz
 *                       ({@code CKAN_OPERATOR_STUCK_AFTER_SECONDS}, 300)
 * @param releaseLines   the ConfigMap that overrides the shipped release-line table, as {namespace, name}: its name
 *                       from {@code CKAN_OPERATOR_RELEASE_LINES}, in the operator's namespace
 *                       ({@code CKAN_OPERATOR_NAMESPACE}); empty when either is unset
 */
record RunSettings(Set<String> namespaces, int port, Optional<String> leaseNamespace, String identity,
    String leaseName, Duration drain, Duration stuckAfter, Optional<List<String>> releaseLines) {

  static RunSettings from(Map<String, String> env) {
    boolean election = Boolean.parseBoolean(env.getOrDefault("CKAN_OPERATOR_LEADER_ELECTION", "false"));
    String identity = firstSet(env, "CKAN_OPERATOR_POD_NAME", "HOSTNAME");
    String leaseNamespace = env.get("CKAN_OPERATOR_NAMESPACE");
    if (election && (identity == null || leaseNamespace == null || leaseNamespace.isBlank())) {
      throw new IllegalArgumentException("CKAN_OPERATOR_LEADER_ELECTION=true needs CKAN_OPERATOR_NAMESPACE (the "
          + "operator's namespace) and CKAN_OPERATOR_POD_NAME (or HOSTNAME), e.g. from the downward API");
    }
    return new RunSettings(parseNamespaces(env.get("CKAN_OPERATOR_NAMESPACES")),
        Integer.parseInt(env.getOrDefault("CKAN_OPERATOR_HEALTH_PORT", "8080")),
        election ? Optional.of(leaseNamespace) : Optional.empty(), identity == null ? "ckan-operator" : identity,
        env.getOrDefault("CKAN_OPERATOR_LEASE_NAME", OperatorRunner.LeaderElection.LEASE_NAME),
        seconds(env, "CKAN_OPERATOR_DRAIN_SECONDS", 20), seconds(env, "CKAN_OPERATOR_STUCK_AFTER_SECONDS", 300),
        releaseLines(leaseNamespace, env.get("CKAN_OPERATOR_RELEASE_LINES")));
  }

  private static Optional<List<String>> releaseLines(String namespace, String name) {
    return namespace == null || namespace.isBlank() || name == null || name.isBlank() ? Optional.empty()
        : Optional.of(List.of(namespace, name.trim()));
  }

  /** The lease settings, when leader election is on; {@code onLost} runs if the lease is lost while running. */
  Optional<OperatorRunner.LeaderElection> leaderElection(Runnable onLost) {
    return leaseNamespace.map(ns -> {
      OperatorRunner.LeaderElection usual = OperatorRunner.LeaderElection.of(ns, identity, onLost);
      return new OperatorRunner.LeaderElection(leaseName, ns, identity, usual.leaseDuration(),
          usual.renewDeadline(), usual.retryPeriod(), onLost);
    });
  }

  static Set<String> parseNamespaces(String value) {
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }

  private static String firstSet(Map<String, String> env, String... names) {
    return Arrays.stream(names).map(env::get).filter(v -> v != null && !v.isBlank()).findFirst().orElse(null);
  }

  private static Duration seconds(Map<String, String> env, String name, int fallback) {
    int value = Integer.parseInt(env.getOrDefault(name, String.valueOf(fallback)));
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1");
    }
    return Duration.ofSeconds(value);
  }
}
