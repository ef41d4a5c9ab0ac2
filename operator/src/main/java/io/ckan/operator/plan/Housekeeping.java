package io.ckan.operator.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * After every phase's handler: scale down what no longer serves, stop workers of revisions that do not serve, prune
 * beyond the history limit and what a crashed prune left, and point a hand-edited pointer selector back.
 */
final class Housekeeping {
  private Housekeeping() {}

  static void run(Planning p) {
    repairPointer(p);
    recordInferredVerdicts(p);
    if (p.current != null) {
      p.keepWarm.add(p.current.number());
    }
    boolean baking = p.bakeEnd().isPresent();
    Integer previous = p.previous();
    if (baking) {
      p.keepWarm.add(previous); // warm until the bake ends, whatever the spec asks meanwhile (a bake has one)
    }
    stopIdleWorkers(p, baking ? previous : null);
    Set<Integer> scaledHere = p.actions.stream().filter(s -> s instanceof Step.Scale sc && sc.replicas() == 0)
        .map(s -> ((Step.Scale) s).revision()).collect(Collectors.toSet());
    List<ObservedRevision> others = new ArrayList<>();
    for (ObservedRevision r : p.byNumber.values()) {
      if (r.leftover()) {
        p.cleanup.add(new Step.Prune(r.number())); // pieces a crashed prune left: finish it
        continue;
      }
      if (p.keepWarm.contains(r.number())) {
        continue;
      }
      if (r.hasDeployment() && r.specReplicas() > 0 && !scaledHere.contains(r.number())) {
        p.cleanup.add(new Step.Scale(r.number(), 0, "superseded"));
      }
      if (r != p.target) {
        others.add(r); // the desired revision is never pruned: a judged one remembers its verdict
      }
    }
    others.sort(Comparator.comparingInt(ObservedRevision::number).reversed());
    int keep = p.rollout.revisionHistoryLimitOrDefault();
    for (int i = keep; i < others.size(); i++) {
      p.cleanup.add(new Step.Prune(others.get(i).number()));
    }
    Backups.prune(p);
  }

  /** Workers run for the serving revision only (and the previous one while the new one bakes). */
  private static void stopIdleWorkers(Planning p, Integer bakingPrevious) {
    Set<Integer> stay = new HashSet<>();
    if (p.current != null && !p.current.blocked()) {
      stay.add(p.current.number());
    }
    if (bakingPrevious != null) {
      stay.add(bakingPrevious);
    }
    p.actions.stream().filter(s -> s instanceof Step.ScaleWorkers).map(s -> ((Step.ScaleWorkers) s).revision())
        .forEach(stay::add);
    for (ObservedRevision r : p.byNumber.values()) {
      if (!stay.contains(r.number()) && r.runtime().hasWorker() && r.runtime().workerReplicas() != 0) {
        p.cleanup.add(new Step.ScaleWorkers(r.number(), 0, "not serving"));
      }
    }
  }

  /**
   * A verdict the pointer's history carries but the revision's object does not yet (a revert interrupted after its
   * write).
   */
  private static void recordInferredVerdicts(Planning p) {
    // a verdict this plan writes or clears (a retry of the reverted revision) is not written again
    Set<Integer> decided = p.steps().stream().map(s -> s instanceof Step.RecordVerdict v ? v.revision()
        : s instanceof Step.ClearVerdict c ? c.revision() : null).filter(java.util.Objects::nonNull)
        .collect(Collectors.toSet());
    for (ObservedRevision r : p.byNumber.values()) {
      if (!r.verdictOnRecord() && !decided.contains(r.number()) && !r.leftover()) {
        p.followUps.add(new Step.RecordVerdict(r.number(), r.verdict(), r.verdictReason(), Planning.anchor(r)));
      }
    }
  }

  /** The selector is the operator's to write: a hand edit is undone unless this plan moves the pointer anyway. */
  private static void repairPointer(Planning p) {
    boolean moves = p.actions.stream().anyMatch(s -> s instanceof Step.MovePointer);
    p.in.pointer().filter(ptr -> !ptr.selectorIntact() && !moves)
        .ifPresent(ptr -> p.records.add(new Step.RepairPointer(ptr.revision(), ptr.resourceVersion())));
  }
}
