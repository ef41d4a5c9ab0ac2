package io.ckan.operator.model;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * One step of a model run: something a person, CI, the cluster or the operator's process does, followed by one
 * tick + reconcile round ({@link World#perform}). Records, so a shrunk counterexample prints as code.
 */
sealed interface Act {

  /** What a pod failure of a release looks like in the simulated cluster. */
  enum Fault { NEVER_AVAILABLE, CRASHES, MIGRATION_FAILS, BUILD_FAILS, WRONG_PLUGINS }

  /** The spec says release {@code release} (a new one, the same, or one applied before). */
  record Apply(int release) implements Act {}

  record Replicas(int replicas) implements Act {}

  /** The release the pointer serves when the act happens (Break and Repair), instead of a fixed one. */
  int LIVE = -1;

  /**
   * From now on, pods of that release ({@link #LIVE}: the one serving when the act happens) fail this way, running
   * ones at the next tick.
   */
  record Break(int release, Fault fault) implements Act {}

  record Repair(int release) implements Act {}

  /** {@code ckan.io/rollback-to=<to>#<unique token>}: every request is a new one. */
  record Rollback(String to) implements Act {}

  /** {@code ckan.io/retry=<unique token>}. */
  record Retry() implements Act {}

  /** The operator dies right after its k-th write of the next reconcile and starts again. */
  record CrashAfterWrite(int write) implements Act {}

  /** The k-th API request of the next reconcile answers {@code code} (409, 500) or times out (0). */
  record ApiFault(int request, int code) implements Act {}

  /** A person sets the pointer Service's revision selector (to a revision that may not be there, or not verified). */
  record EditPointer(int revision) implements Act {}

  /** A person scales a revision's web Deployment (when the instance owns one of that number). */
  record ScaleByHand(int revision, int replicas) implements Act {}

  record DeleteByHand(int revision) implements Act {}

  /** A person removes every annotation of a revision's web Deployment. */
  record StripAnnotations(int revision) implements Act {}

  /**
   * Someone else creates a ConfigMap, Service (another instance's pointer) or Deployment named like revision
   * {@code revision}'s objects, before the operator does.
   */
  record Squat(String kind, int revision) implements Act {}

  /** Time passes before the next round. */
  record Wait(int seconds) implements Act {}

  /** Rounds of 5 s until the pointer moves or the instance is Stalled (at most 8): a rollout runs its course. */
  record Rollout() implements Act {}

  static Arbitrary<Act> any() {
    Arbitrary<Integer> release = Arbitraries.integers().between(0, Releases.COUNT - 1);
    Arbitrary<Integer> revision = Arbitraries.integers().between(1, 4);
    return Arbitraries.frequencyOf(
        Tuple.of(6, release.map(Apply::new)),
        Tuple.of(1, Arbitraries.integers().between(0, 3).map(Replicas::new)),
        Tuple.of(4, Combinators.combine(Arbitraries.frequencyOf(Tuple.of(1, release),
            Tuple.of(1, Arbitraries.just(LIVE))), Arbitraries.of(Fault.class)).as(Break::new)),
        Tuple.of(1, release.map(Repair::new)),
        Tuple.of(3, Arbitraries.of("previous", "1", "2", "3", "4", "6").map(Rollback::new)),
        Tuple.of(1, Arbitraries.just(new Retry())),
        Tuple.of(3, Arbitraries.integers().between(1, 4).map(CrashAfterWrite::new)),
        Tuple.of(3, Combinators.combine(Arbitraries.integers().between(1, 12),
            Arbitraries.of(409, 500, ModelCluster.ApiFaults.TIMEOUT)).as(ApiFault::new)),
        Tuple.of(1, Arbitraries.of(1, 2, 3, 4, 9).map(EditPointer::new)),
        Tuple.of(1, Combinators.combine(revision, Arbitraries.of(0, 3)).as(ScaleByHand::new)),
        Tuple.of(1, revision.map(DeleteByHand::new)),
        Tuple.of(1, revision.map(StripAnnotations::new)),
        Tuple.of(2, Combinators.combine(Arbitraries.of("ConfigMap", "Service", "Deployment"),
            Arbitraries.integers().between(2, 5)).as(Squat::new)),
        Tuple.of(4, Arbitraries.of(10, 30, 70, 150).map(Wait::new)),
        Tuple.of(2, Arbitraries.just(new Rollout())));
  }
}
