package io.ckan.operator.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the plan reports: each revision's state and the kstatus conditions, from the deciding condition. */
final class Report {
  private Report() {}

  /** Every observed revision's state; what a handler already decided for a revision (Building, Migrating) stays. */
  static void states(Planning p, boolean baking) {
    for (ObservedRevision r : p.byNumber.values()) {
      p.states.putIfAbsent(r.number(), stateOf(p, r, baking));
    }
  }

  private static Plan.StateReport stateOf(Planning p, ObservedRevision r, boolean baking) {
    if (r.verdict() == Verdict.FAILED) {
      return new Plan.StateReport(RevisionState.Failed, r.verdictReason());
    }
    if (r.verdict() == Verdict.ROLLED_BACK) {
      return new Plan.StateReport(RevisionState.RolledBack, r.verdictReason());
    }
    if (r == p.current) {
      return new Plan.StateReport(baking ? RevisionState.Live : RevisionState.Stable, baking ? "Baking" : "Current");
    }
    if (r == p.target) {
      return new Plan.StateReport(RevisionState.Deploying, r.availableReplicas() + "/" + p.in.replicas()
          + " available");
    }
    if (p.keepWarm.contains(r.number())) {
      return new Plan.StateReport(RevisionState.Superseded, "KeptWarm");
    }
    boolean served = r.verdict() == Verdict.STABLE || p.in.pointer().map(Pointer::history).orElse(List.of())
        .stream().anyMatch(e -> e.to != null && e.to == r.number());
    return new Plan.StateReport(RevisionState.Superseded, served ? "Replaced" : "ReplacedBeforeLive");
  }

  /** Turn the deciding condition into the kstatus conditions. */
  static Plan finish(Planning p, Condition decisive) {
    boolean ready = decisive.type().equals(Condition.READY) && decisive.status();
    boolean reconciling = decisive.type().equals(Condition.RECONCILING) && decisive.status();
    boolean stalled = decisive.type().equals(Condition.STALLED) && decisive.status();
    List<Condition> conditions = new ArrayList<>();
    conditions.add(new Condition(Condition.READY, ready, decisive.reason(), decisive.message()));
    conditions.add(new Condition(Condition.RECONCILING, reconciling, decisive.reason(),
        reconciling ? decisive.message() : ""));
    conditions.add(new Condition(Condition.STALLED, stalled, decisive.reason(), stalled ? decisive.message() : ""));
    conditions.add(available(p));
    conditions.add(rolledBack(p));
    Promotions.note(p).ifPresent(conditions::add);
    Integer desired = p.target == null ? desiredNew(p) : Integer.valueOf(p.target.number());
    return new Plan(p.steps(), desired, List.copyOf(conditions), Map.copyOf(p.states),
        Optional.ofNullable(p.requeue));
  }

  /** The number a revision created in this plan gets. */
  private static Integer desiredNew(Planning p) {
    return p.creates.stream().filter(s -> s instanceof Step.CreateRevision).map(s -> ((Step.CreateRevision) s)
        .revision()).findFirst().orElse(null);
  }

  private static Condition rolledBack(Planning p) {
    if (p.rollbackNote != null) {
      return p.rollbackNote;
    }
    ObservedRevision target = p.target;
    if (target != null && target != p.current && target.verdict() == Verdict.ROLLED_BACK) {
      String reason = target.verdictReason() == null ? "" : target.verdictReason();
      return new Condition(Condition.ROLLED_BACK, true, reason.startsWith("ManualRollback") ? "ManualRollback"
          : "AutoReverted", "revision " + target.number() + " was rolled back: " + reason);
    }
    return Rollbacks.refusedEarlier(p)
        .orElse(new Condition(Condition.ROLLED_BACK, false, "NotRolledBack", ""));
  }

  private static Condition available(Planning p) {
    ObservedRevision current = p.current;
    if (current == null) {
      return new Condition(Condition.AVAILABLE, false, "NoCurrentRevision", "no revision serves traffic yet");
    }
    if (!current.serving()) {
      return new Condition(Condition.AVAILABLE, false, "CurrentUnavailable",
          "revision " + current.number() + " has no available replicas");
    }
    return new Condition(Condition.AVAILABLE, true, "Serving", "revision " + current.number() + " serves "
        + current.availableReplicas() + " available replicas");
  }
}
