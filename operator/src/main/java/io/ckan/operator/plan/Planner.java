package io.ckan.operator.plan;

import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The revision state machine, pure: (release, observed revisions, pointer, now) -> steps and a report. Every call
 * recomputes from what the cluster holds, so a restart after any write converges on the same end state.
 */
public final class Planner {
  private Planner() {}

  /** How often a rollout in progress is looked at even without events. */
  static final Duration POLL = Duration.ofSeconds(15);

  public static Plan plan(PlanInput in) {
    return new Planning(in).run();
  }

  private static final class Planning {
    private final PlanInput in;
    private final RolloutSpec rollout;
    private final Map<Integer, ObservedRevision> byNumber = new LinkedHashMap<>();
    private final ObservedRevision current;
    private final List<Step> steps = new ArrayList<>();
    private final Map<Integer, Plan.StateReport> states = new LinkedHashMap<>();
    private Duration requeue;

    Planning(PlanInput in) {
      this.in = in;
      this.rollout = in.rollout() == null ? new RolloutSpec() : in.rollout();
      in.revisions().stream().sorted(Comparator.comparingInt(ObservedRevision::number))
          .forEach(r -> byNumber.put(r.number(), r));
      this.current = in.pointer().map(p -> byNumber.get(p.revision())).orElse(null);
    }

    Plan run() {
      if (in.outcome() instanceof ReleaseOutcome.Invalid invalid) {
        return frozen(null, new Condition(Condition.STALLED, true, "InvalidSpec", invalid.message()));
      }
      if (in.outcome() instanceof ReleaseOutcome.Blocked blocked) {
        return frozen(null, new Condition(Condition.STALLED, true, blocked.reason(), blocked.message()));
      }
      Release release = ((ReleaseOutcome.Ready) in.outcome()).release();
      ObservedRevision target = byNumber.values().stream()
          .filter(r -> release.fingerprint().equals(r.fingerprint()))
          .max(Comparator.comparingInt(ObservedRevision::number)).orElse(null);
      if (in.paused()) {
        return frozen(target == null ? null : target.number(),
            new Condition(Condition.STALLED, false, "Paused", "spec.paused is true: rollouts and reverts are frozen"));
      }
      if (target == null) {
        int next = byNumber.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        steps.add(new Step.CreateRevision(next, EnumSet.allOf(Step.ObjectKind.class), in.replicas()));
        reportExisting(null);
        states.put(next, new Plan.StateReport(RevisionState.Deploying, "Created"));
        requeue = POLL;
        return finish(next, progressing("RevisionCreated",
            "creating revision " + next + " (" + release.shortFingerprint() + ") for " + release.version()));
      }
      Set<Step.ObjectKind> missing = missingObjects(target);
      if (!missing.isEmpty()) {
        steps.add(new Step.CreateRevision(target.number(), missing, in.replicas()));
      }
      Condition progress = target == current ? onCurrent(target) : towards(target, release);
      housekeeping(target);
      reportExisting(target);
      return finish(target.number(), progress);
    }

    /** The desired revision is already current: scale in place, bake, then call it Stable. */
    private Condition onCurrent(ObservedRevision target) {
      if (target.specReplicas() != in.replicas()) {
        steps.add(new Step.Scale(target.number(), in.replicas(), "spec.replicas changed (in place)"));
      }
      Optional<Instant> bakeEnd = bakeEnd();
      if (bakeEnd.isPresent()) {
        requeueAt(bakeEnd.get());
        return progressing("Baking", "revision " + target.number() + " is live; revision "
            + in.pointer().get().previous() + " stays warm until " + bakeEnd.get());
      }
      if (target.verdict() != Verdict.STABLE) {
        steps.add(new Step.RecordVerdict(target.number(), Verdict.STABLE, "Verified"));
      }
      if (in.replicas() == 0) {
        return done("ScaledToZero", "revision " + target.number() + " is current with spec.replicas 0");
      }
      if (!target.availableAt(in.replicas())) {
        requeue = POLL;
        return progressing("Scaling", "revision " + target.number() + ": " + target.availableReplicas() + "/"
            + in.replicas() + " replicas available");
      }
      return done("Stable", "revision " + target.number() + " is current and available");
    }

    /** The desired revision is not current yet: bring it up, and move the pointer once it is available. */
    private Condition towards(ObservedRevision target, Release release) {
      if (target.verdict() != null && target.verdict().blocksRetry()) {
        return new Condition(Condition.STALLED, true, "Revision" + target.verdict().value(),
            "revision " + target.number() + " (" + release.shortFingerprint() + ") is " + target.verdict().value()
                + " (" + target.verdictReason() + ") and is not retried by itself: change the spec to roll forward");
      }
      if (in.replicas() == 0) {
        return new Condition(Condition.STALLED, true, "ScaledToZero",
            "spec.replicas is 0: revision " + target.number() + " cannot be verified, so the pointer stays"
                + (current == null ? "" : " on revision " + current.number()));
      }
      if (target.specReplicas() != in.replicas()) {
        steps.add(new Step.Scale(target.number(), in.replicas(), "bring up desired revision"));
      }
      if (target.availableAt(in.replicas())) {
        steps.add(0, movePointer(target.number(), "Deploy", "revision " + target.number() + " available"));
        return progressing("PointerMoved", "moving the pointer to revision " + target.number());
      }
      if (target.deadlineExceeded()) {
        String reason = "ProgressDeadlineExceeded";
        steps.add(new Step.RecordVerdict(target.number(), Verdict.FAILED, reason));
        steps.add(new Step.Scale(target.number(), 0, "failed before the switch"));
        return new Condition(Condition.STALLED, true, "RevisionFailed", "revision " + target.number()
            + " did not become available within " + rollout.progressDeadlineSecondsOrDefault()
            + "s; the pointer stays" + (current == null ? "" : " on revision " + current.number()));
      }
      requeue = POLL;
      return progressing("Deploying", "waiting for revision " + target.number() + ": "
          + target.availableReplicas() + "/" + in.replicas() + " replicas available");
    }

    private Step.MovePointer movePointer(int to, String type, String reason) {
      List<HistoryEntry> history = new ArrayList<>(in.pointer().map(Pointer::history).orElse(List.of()));
      Integer from = current == null ? null : current.number();
      history.add(new HistoryEntry(type, from, to, reason, in.now().toString()));
      while (history.size() > Pointer.HISTORY_LIMIT) {
        history.remove(0);
      }
      return new Step.MovePointer(to, from, List.copyOf(history));
    }

    /** When the previous revision may be scaled down, if the bake window is still open. */
    private Optional<Instant> bakeEnd() {
      return in.pointer()
          .filter(p -> p.previous() != null && p.switchedAt() != null && byNumber.containsKey(p.previous()))
          .map(p -> p.switchedAt().plusSeconds(rollout.bakeSecondsOrDefault()))
          .filter(end -> in.now().isBefore(end));
    }

    /** Scale down what no longer serves, and prune beyond the history limit. */
    private void housekeeping(ObservedRevision target) {
      Set<Integer> warm = new HashSet<>();
      if (current != null) {
        warm.add(current.number());
        bakeEnd().ifPresent(end -> warm.add(in.pointer().get().previous()));
      }
      boolean targetBlocked = target.verdict() != null && target.verdict().blocksRetry();
      if (!targetBlocked) {
        warm.add(target.number());
      }
      List<ObservedRevision> others = new ArrayList<>();
      for (ObservedRevision r : byNumber.values()) {
        if (warm.contains(r.number()) || r == target) {
          continue;
        }
        others.add(r);
        if (r.hasDeployment() && r.specReplicas() > 0) {
          steps.add(new Step.Scale(r.number(), 0, "superseded"));
        }
      }
      others.sort(Comparator.comparingInt(ObservedRevision::number).reversed());
      int keep = rollout.revisionHistoryLimitOrDefault();
      for (int i = keep; i < others.size(); i++) {
        steps.add(new Step.Prune(others.get(i).number()));
      }
    }

    private Set<Step.ObjectKind> missingObjects(ObservedRevision r) {
      Set<Step.ObjectKind> missing = EnumSet.noneOf(Step.ObjectKind.class);
      if (!r.hasConfigMap()) {
        missing.add(Step.ObjectKind.CONFIG_MAP);
      }
      if (!r.hasService()) {
        missing.add(Step.ObjectKind.SERVICE);
      }
      if (!r.hasDeployment()) {
        missing.add(Step.ObjectKind.DEPLOYMENT);
      }
      return missing;
    }

    private void reportExisting(ObservedRevision target) {
      Optional<Instant> bakeEnd = bakeEnd();
      for (ObservedRevision r : byNumber.values()) {
        states.put(r.number(), stateOf(r, target, bakeEnd.isPresent()));
      }
    }

    private Plan.StateReport stateOf(ObservedRevision r, ObservedRevision target, boolean baking) {
      if (r == current) {
        return new Plan.StateReport(baking ? RevisionState.Live : RevisionState.Stable, baking ? "Baking" : "Current");
      }
      if (r.verdict() == Verdict.FAILED) {
        return new Plan.StateReport(RevisionState.Failed, r.verdictReason());
      }
      if (r.verdict() == Verdict.ROLLED_BACK) {
        return new Plan.StateReport(RevisionState.RolledBack, r.verdictReason());
      }
      if (r == target) {
        return new Plan.StateReport(RevisionState.Deploying, r.availableReplicas() + "/" + in.replicas() + " available");
      }
      boolean warmPrevious = baking && in.pointer().map(p -> Integer.valueOf(r.number()).equals(p.previous())).orElse(false);
      return new Plan.StateReport(RevisionState.Superseded, warmPrevious ? "KeptWarm" : r.verdict() == Verdict.STABLE
          ? "Replaced" : "ReplacedBeforeLive");
    }

    private void requeueAt(Instant when) {
      Duration d = Duration.between(in.now(), when);
      requeue = d.isNegative() ? Duration.ZERO : d.plusMillis(50);
    }

    private Condition progressing(String reason, String message) {
      return new Condition(Condition.RECONCILING, true, reason, message);
    }

    private Condition done(String reason, String message) {
      return new Condition(Condition.READY, true, reason, message);
    }

    /** Invalid, blocked or paused: no writes at all; report what is served. */
    private Plan frozen(Integer desired, Condition stalled) {
      reportExisting(null);
      return finish(desired, stalled);
    }

    /** Turn the one deciding condition into the four kstatus conditions. */
    private Plan finish(Integer desired, Condition decisive) {
      boolean ready = decisive.type().equals(Condition.READY) && decisive.status();
      boolean reconciling = decisive.type().equals(Condition.RECONCILING) && decisive.status();
      boolean stalled = decisive.type().equals(Condition.STALLED) && decisive.status();
      List<Condition> conditions = new ArrayList<>();
      conditions.add(new Condition(Condition.READY, ready, decisive.reason(), decisive.message()));
      conditions.add(new Condition(Condition.RECONCILING, reconciling, decisive.reason(),
          reconciling ? decisive.message() : ""));
      conditions.add(new Condition(Condition.STALLED, stalled, decisive.reason(), stalled ? decisive.message() : ""));
      conditions.add(available());
      return new Plan(List.copyOf(steps), desired, List.copyOf(conditions), Map.copyOf(states),
          Optional.ofNullable(requeue));
    }

    private Condition available() {
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
}
