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

  /**
   * This plan's report with nothing to write and Stalled with the given reason (something outside the plan, such as
   * a name held by a foreign object, forbids every write).
   */
  public Plan stalledInstead(String reason, String message) {
    List<Condition> replaced = new java.util.ArrayList<>();
    replaced.add(new Condition(Condition.READY, false, reason, message));
    replaced.add(new Condition(Condition.RECONCILING, false, reason, ""));
    replaced.add(new Condition(Condition.STALLED, true, reason, message));
    conditions.stream().filter(c -> !c.type().equals(Condition.READY) && !c.type().equals(Condition.RECONCILING)
        && !c.type().equals(Condition.STALLED)).forEach(replaced::add);
    return new Plan(List.of(), desiredRevision, List.copyOf(replaced), states, requeueAfter);
  }

  /**
   * This plan reporting {@code more} conditions besides its own (conditions that inform and never decide, such as
   * patch currency: they change no step and no other condition).
   */
  public Plan reporting(List<Condition> more) {
    List<Condition> all = new java.util.ArrayList<>(conditions);
    all.addAll(more);
    return new Plan(steps, desiredRevision, List.copyOf(all), states, requeueAfter);
  }

  public Condition condition(String type) {
    return conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
  }
}
