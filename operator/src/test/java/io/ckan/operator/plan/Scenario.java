package io.ckan.operator.plan;

import static io.ckan.operator.plan.PlannerTest.NOW;
import static io.ckan.operator.plan.PlannerTest.R;

import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.health.Verification;
import io.ckan.operator.release.ReleaseOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A planner input built field by field, for the table-driven planner tests; defaults are a plain rollout. */
final class Scenario {
  ReleaseOutcome outcome = new ReleaseOutcome.Ready(R);
  int replicas = 2;
  RolloutSpec rollout = PlannerTest.rollout(60, 5);
  boolean paused;
  final List<ObservedRevision> revisions = new ArrayList<>();
  Optional<Pointer> pointer = Optional.empty();
  final Map<Integer, Verification.Result> health = new HashMap<>();
  /** Revisions whose status_show was not fetched in this pass. */
  final java.util.Set<Integer> unprobed = new java.util.HashSet<>();
  String rollbackTo;
  /** The ckan.io/promote annotation. */
  String promote;
  Integer workers;
  final Map<String, ObservedBuild> builds = new HashMap<>();

  static Scenario of(Rev... revs) {
    Scenario s = new Scenario();
    for (Rev r : revs) {
      s.revisions.add(r.build());
    }
    return s;
  }

  /** The pointer on {@code revision}, moved there from {@code previous} {@code secondsAgo} seconds ago. */
  Scenario pointer(int revision, Integer previous, long secondsAgo) {
    pointer = PlannerTest.pointer(revision, previous, NOW.minusSeconds(secondsAgo));
    return this;
  }

  Scenario pointer(Pointer p) {
    pointer = Optional.of(p);
    return this;
  }

  Scenario replicas(int n) {
    replicas = n;
    return this;
  }

  Scenario rollbackTo(String request) {
    rollbackTo = request;
    return this;
  }

  Scenario workers(int n) {
    workers = n;
    return this;
  }

  Scenario health(int revision, Verification.Result result) {
    health.put(revision, result);
    return this;
  }

  Plan plan() {
    Map<Integer, Verification.Result> probed = new HashMap<>(PlannerTest.healthy(revisions));
    probed.putAll(health);
    probed.keySet().removeAll(unprobed);
    return Planner.plan(new PlanInput("ns", "portal", outcome, replicas, rollout, paused, List.copyOf(revisions),
        pointer, probed, rollbackTo, null, builds, Map.of(), Map.of(), workers, NOW).withPromoteRequest(promote));
  }

  static HistoryEntry deployed(Integer from, int to) {
    return new HistoryEntry("Deploy", from, to, "verified", NOW.toString());
  }

  /** One observed revision: a complete one with all its replicas available unless told otherwise. */
  static final class Rev {
    final int number;
    final String fingerprint;
    int specReplicas;
    int available;
    boolean deployment = true;
    boolean service = true;
    boolean configMap = true;
    boolean rolledOut = true;
    boolean deadlineExceeded;
    Instant createdAt = NOW.minusSeconds(60);
    Instant attemptStartedAt;
    Verdict verdict;
    String verdictReason;
    String schemaBefore;
    String schemaAfter;
    boolean worker;
    int workerReplicas;

    Rev(int number, String fingerprint, int specReplicas, int available) {
      this.number = number;
      this.fingerprint = fingerprint;
      this.specReplicas = specReplicas;
      this.available = available;
    }

    static Rev rev(int number, String fingerprint, int specReplicas, int available) {
      return new Rev(number, fingerprint, specReplicas, available);
    }

    Rev judged(Verdict v, String reason) {
      verdict = v;
      verdictReason = reason;
      return this;
    }

    Rev stable() {
      return judged(Verdict.STABLE, "Verified");
    }

    Rev schema(String before, String after) {
      schemaBefore = before;
      schemaAfter = after;
      return this;
    }

    Rev worker(int replicas) {
      worker = true;
      workerReplicas = replicas;
      return this;
    }

    Rev created(long secondsAgo) {
      createdAt = NOW.minusSeconds(secondsAgo);
      return this;
    }

    Rev attempt(long secondsAgo) {
      attemptStartedAt = NOW.minusSeconds(secondsAgo);
      return this;
    }

    Rev notRolledOut() {
      rolledOut = false;
      return this;
    }

    Rev deadlineExceeded() {
      deadlineExceeded = true;
      return this;
    }

    Rev snapshotOnly() {
      deployment = false;
      specReplicas = 0;
      available = 0;
      return this;
    }

    ObservedRevision build() {
      return new ObservedRevision(number, fingerprint, "img", "2.11.5", List.of("activity"), createdAt,
          attemptStartedAt, deployment, service, configMap, specReplicas, available, specReplicas, rolledOut,
          deadlineExceeded, verdict, verdictReason, null, new ObservedRevision.Runtime(schemaBefore, schemaAfter,
              schemaAfter != null, worker, workerReplicas));
    }
  }
}
