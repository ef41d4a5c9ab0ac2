package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.plan.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Pure: when a recomputed status is written. The status is a report of the cluster, so a write may wait without losing
 * anything (the next reconcile recomputes it); the rules keep a rollout to about two status writes while a person or
 * a GitOps tool still sees every decision at once:
 * <ul>
 *   <li>nothing when the status would not change;</li>
 *   <li>a pass that wrote objects does not report: the pass right after it ({@link #AFTER_WRITES} later) reports
 *       their result, as it is seen in the caches;</li>
 *   <li>a decision is written at once: a new generation observed, the pointer, the history or the handled rollback
 *       changed, a condition turned True or False, or a True condition other than Reconciling changed its reason
 *       (Stalled's cause, say);</li>
 *   <li>progress alone (False conditions and Reconciling naming the next phase, messages, replica counts, revision
 *       states) is
 *       written at most once per {@link #PROGRESS_INTERVAL} per instance.</li>
 * </ul>
 */
final class StatusWrites {
  private StatusWrites() {}

  /** The shortest time between two status writes that only report progress. */
  static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

  /**
   * How soon the pass after one that wrote objects runs (the operator's own writes raise no events, so it is
   * scheduled); not zero, so a plan that kept writing would not spin.
   */
  static final Duration AFTER_WRITES = Duration.ofMillis(100);

  /** Write now, not at all, or reconcile again after {@code after} (and decide then). */
  record Decision(boolean write, Optional<Duration> after) {
    static final Decision WRITE = new Decision(true, Optional.empty());
    static final Decision NONE = new Decision(false, Optional.empty());

    static Decision later(Duration after) {
      return new Decision(false, Optional.of(after));
    }
  }

  /**
   * @param lastWrite when this operator last wrote the instance's status (null: not since it started, or long ago)
   */
  static Decision decide(CkanInstanceStatus current, CkanInstanceStatus next, boolean wroteObjects,
      Instant lastWrite, Instant now) {
    if (!StatusReport.differs(current, next)) {
      return Decision.NONE;
    }
    if (wroteObjects) {
      return Decision.later(AFTER_WRITES);
    }
    if (isDecision(current, next)) {
      return Decision.WRITE;
    }
    Instant due = lastWrite == null ? now : lastWrite.plus(PROGRESS_INTERVAL);
    return now.isBefore(due) ? Decision.later(Duration.between(now, due)) : Decision.WRITE;
  }

  /** True when {@code next} reports a decision {@code current} does not (see the class comment). */
  static boolean isDecision(CkanInstanceStatus current, CkanInstanceStatus next) {
    if (current == null || next == null) {
      return true;
    }
    if (!Objects.equals(current.observedGeneration, next.observedGeneration)
        || !Objects.equals(current.currentRevision, next.currentRevision)
        || !Objects.equals(current.desiredRevision, next.desiredRevision)
        || !Objects.equals(current.lastHandledRollback, next.lastHandledRollback)
        || !StatusReport.sameJson(current.history, next.history)) {
      return true;
    }
    Map<String, String> before = verdicts(current);
    Map<String, String> after = verdicts(next);
    return !before.equals(after);
  }

  /**
   * Each condition's status, and its reason where that is a verdict (a True condition: Stalled's cause, how it is
   * Available) rather than the phase in progress (Reconciling's, and every False condition's, which name the phase).
   */
  private static Map<String, String> verdicts(CkanInstanceStatus status) {
    List<io.fabric8.kubernetes.api.model.Condition> conditions = status.conditions == null ? List.of()
        : status.conditions;
    return conditions.stream().collect(Collectors.toMap(io.fabric8.kubernetes.api.model.Condition::getType,
        c -> "True".equals(c.getStatus()) && !Condition.RECONCILING.equals(c.getType())
            ? c.getStatus() + "/" + c.getReason() : c.getStatus(), (a, b) -> a));
  }
}
