package io.ckan.operator.plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to do now and what to report.
 *
 * @param steps          writes, in order
 * @param desiredRevision revision number of the current spec's release, if valid
 * @param conditions     Ready, Reconciling, Stalled, Available
 * @param states         lifecycle state and reason for each observed revision
 * @param requeueAfter   when to look again even if nothing changes (bake end, deadlines)
 */
public record Plan(
    List<Step> steps,
    Integer desiredRevision,
    List<Condition> conditions,
    Map<Integer, StateReport> states,
    Optional<Duration> requeueAfter) {

  public record StateReport(RevisionState state, String reason) {}

  public Condition condition(String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }
}
