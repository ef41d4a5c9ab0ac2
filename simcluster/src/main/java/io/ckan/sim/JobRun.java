package io.ckan.sim;

import io.fabric8.kubernetes.api.model.batch.v1.Job;

import java.time.Duration;
import java.time.Instant;

/** One simulated execution of a Job: its behaviour (fixed when first seen), start time and outcome. */
final class JobRun {

  enum State { RUNNING, SUCCEEDED, FAILED, DEADLINE_EXCEEDED }

  private final JobBehaviour behaviour;
  private final Instant started;
  private State state = State.RUNNING;
  private Instant finished;
  private String message;
  private boolean podCreated;

  JobRun(JobBehaviour behaviour, Instant started) {
    this.behaviour = behaviour;
    this.started = started;
  }

  /** Advances the run to {@code now}; returns when it should be looked at again (null: never). */
  Instant advance(Job job, double timeScale, Instant now) {
    if (state != State.RUNNING) {
      return null;
    }
    Instant deadline = activeDeadline(job, timeScale);
    Instant done = behaviour.outcome() == JobBehaviour.Outcome.HANG ? null
        : started.plus(Behaviour.scale(behaviour.delay(), timeScale));
    if (deadline != null && !now.isBefore(deadline) && (done == null || deadline.isBefore(done))) {
      state = State.DEADLINE_EXCEEDED;
      finished = deadline;
      return null;
    }
    if (done != null && !now.isBefore(done)) {
      state = behaviour.outcome() == JobBehaviour.Outcome.SUCCEED ? State.SUCCEEDED : State.FAILED;
      finished = done;
      message = behaviour.terminationMessage(job);
      return null;
    }
    if (done == null) {
      return deadline;
    }
    return deadline == null || done.isBefore(deadline) ? done : deadline;
  }

  private Instant activeDeadline(Job job, double timeScale) {
    Long seconds = job.getSpec() == null ? null : job.getSpec().getActiveDeadlineSeconds();
    return seconds == null ? null : started.plus(Behaviour.scale(Duration.ofSeconds(seconds), timeScale));
  }

  JobBehaviour behaviour() {
    return behaviour;
  }

  State state() {
    return state;
  }

  Instant started() {
    return started;
  }

  Instant finished() {
    return finished;
  }

  String message() {
    return message;
  }

  /** Whether the run ended with a pod that has a termination message (not killed by the deadline). */
  boolean needsPod() {
    return (state == State.SUCCEEDED || state == State.FAILED) && !podCreated;
  }

  void podCreated() {
    podCreated = true;
  }
}
