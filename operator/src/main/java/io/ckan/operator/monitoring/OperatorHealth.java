package io.ckan.operator.monitoring;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * What the probes answer, decided from facts about the running operator (no I/O here).
 *
 * <p>Ready: started, and every informer has synced and is watching (JOSDK's event-source health). A standby is ready
 * too (its caches are warm: it can take over at once); the body says who leads.
 *
 * <p>Alive: not wedged. Wedged means a reconcile has been running longer than {@code stuckAfter} (reconciles take
 * milliseconds to seconds; the API client's timeouts end any single request long before), or the informers have been
 * unhealthy for longer than {@code stuckAfter} without recovering (a watch that reconnects after an API server
 * restart does not count).
 *
 * @param started          JOSDK's operator has started (its informers synced)
 * @param unhealthySources the names of event sources JOSDK reports unhealthy now
 * @param unhealthyFor     how long they have been unhealthy without a break (empty when healthy)
 * @param oldestReconcile  how long the longest-running reconcile has been running (empty when none runs)
 * @param election         whether leader election is on
 * @param leads            this replica leads (or election is off)
 * @param leader           the leader this replica last saw, if known
 */
public record OperatorHealth(boolean started, Set<String> unhealthySources, Optional<Duration> unhealthyFor,
    Optional<Duration> oldestReconcile, boolean election, boolean leads, Optional<String> leader) {

  /** A probe's answer: the HTTP status and a short text body. */
  public record Answer(int code, String body) {}

  /** Before the operator exists at all (the probe server starts first). */
  public static OperatorHealth starting() {
    return new OperatorHealth(false, Set.of(), Optional.empty(), Optional.empty(), false, false, Optional.empty());
  }

  public Answer readiness() {
    String role = leadership();
    if (!started) {
      return new Answer(503, "not ready: starting, informers not synced yet\n" + role);
    }
    if (!unhealthySources.isEmpty()) {
      return new Answer(503, "not ready: unhealthy event sources " + unhealthySources + "\n" + role);
    }
    return new Answer(200, "ready\n" + role);
  }

  public Answer liveness(Duration stuckAfter) {
    if (oldestReconcile.filter(d -> d.compareTo(stuckAfter) > 0).isPresent()) {
      return new Answer(503, "wedged: a reconcile has been running for " + oldestReconcile.get().toSeconds()
          + " s (bound " + stuckAfter.toSeconds() + " s)\n");
    }
    if (unhealthyFor.filter(d -> d.compareTo(stuckAfter) > 0).isPresent()) {
      return new Answer(503, "wedged: event sources " + unhealthySources + " unhealthy for "
          + unhealthyFor.get().toSeconds() + " s (bound " + stuckAfter.toSeconds() + " s)\n");
    }
    return new Answer(200, started ? "ok\n" : "ok (starting)\n");
  }

  private String leadership() {
    if (!election) {
      return "leader: true (leader election off)\n";
    }
    return "leader: " + leads + (leader.isPresent() ? " (lease held by " + leader.get() + ")" : "") + "\n";
  }
}
