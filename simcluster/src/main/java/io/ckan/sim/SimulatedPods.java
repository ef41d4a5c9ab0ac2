package io.ckan.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The pods of one Deployment, as far as the simulation needs them: when each pod of the current pod template was
 * created, and how many ready pods of the previous template are still serving. Plays the ReplicaSet controller and
 * the kubelet. Not thread-safe (lives on the controller loop).
 */
final class SimulatedPods {

  /** What the Deployment looks like at one instant. */
  record Snapshot(int desired, int replicas, int updated, int available, boolean complete, boolean deadlineExceeded,
      Instant nextChange, boolean newRollout) {
  }

  private String templateKey;
  private Instant rolloutStart;
  private boolean complete;
  private final List<Instant> current = new ArrayList<>();
  private int oldAvailable;
  private int lastAvailable;

  /**
   * Brings the pods in line with the spec and reports the resulting state.
   *
   * @param templateKey     identity of the pod template (a change starts a new rollout)
   * @param desired         spec.replicas
   * @param behaviour       how pods of the current template behave
   * @param timeScale       wall-clock / simulated time
   * @param progressDeadline spec.progressDeadlineSeconds, simulated
   */
  Snapshot observe(String templateKey, int desired, Behaviour behaviour, double timeScale, Duration progressDeadline,
      Instant now) {
    boolean newRollout = this.templateKey == null || !this.templateKey.equals(templateKey);
    if (newRollout) {
      // new rollout: the ready pods of the old template keep serving until new ones are ready
      oldAvailable = this.templateKey == null ? 0 : lastAvailable;
      current.clear();
      this.templateKey = templateKey;
      rolloutStart = now;
      complete = false;
    }
    while (current.size() < desired) {
      current.add(now);
    }
    while (current.size() > desired) {
      current.remove(current.size() - 1); // the newest pods go first
    }
    int ready = 0;
    Instant next = null;
    for (Instant created : current) {
      Duration age = Duration.between(created, now);
      if (behaviour.isReady(age, timeScale)) {
        ready++;
      }
      Duration change = behaviour.nextChangeAfter(age, timeScale);
      if (change != null) {
        next = earliest(next, created.plus(change));
      }
    }
    oldAvailable = Math.min(oldAvailable, Math.max(0, desired - ready));
    if (!complete && ready >= desired && oldAvailable == 0) {
      complete = true;
    }
    boolean exceeded = false;
    if (!complete) {
      Instant deadline = rolloutStart.plus(Behaviour.scale(progressDeadline, timeScale));
      exceeded = !now.isBefore(deadline);
      if (!exceeded) {
        next = earliest(next, deadline);
      }
    }
    lastAvailable = ready + oldAvailable;
    return new Snapshot(desired, current.size() + oldAvailable, current.size(), lastAvailable, complete, exceeded,
        next, newRollout);
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }
}
