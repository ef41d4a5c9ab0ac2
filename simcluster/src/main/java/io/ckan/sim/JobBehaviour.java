package io.ckan.sim;

import io.fabric8.kubernetes.api.model.batch.v1.Job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Function;

/** How a Job ends. Durations are simulated time (multiplied by the scenario's time scale). Immutable. */
public final class JobBehaviour {

  /** The "short delay" of the default behaviour. */
  public static final Duration DEFAULT_DELAY = Duration.ofSeconds(1);

  enum Outcome { SUCCEED, FAIL, HANG }

  private final Outcome outcome;
  private final Duration delay;
  private final Function<Job, String> message;
  private final String name;

  private JobBehaviour(Outcome outcome, Duration delay, Function<Job, String> message, String name) {
    this.outcome = outcome;
    this.delay = Objects.requireNonNull(delay, "delay");
    this.message = message;
    this.name = name;
  }

  /** Succeeds after {@link #DEFAULT_DELAY} with termination message {@code "{}"}. */
  public static JobBehaviour succeed() {
    return succeed(DEFAULT_DELAY, "{}");
  }

  public static JobBehaviour succeed(Duration delay, String terminationMessage) {
    Objects.requireNonNull(terminationMessage, "terminationMessage");
    return succeed(delay, job -> terminationMessage);
  }

  /** Succeeds, with a termination message computed from the Job (e.g. a digest derived from its name). */
  public static JobBehaviour succeed(Duration delay, Function<Job, String> terminationMessage) {
    return new JobBehaviour(Outcome.SUCCEED, delay, terminationMessage, "succeed after " + Behaviour.pretty(delay));
  }

  public static JobBehaviour fail(Duration delay, String terminationMessage) {
    Objects.requireNonNull(terminationMessage, "terminationMessage");
    return fail(delay, job -> terminationMessage);
  }

  public static JobBehaviour fail(Duration delay, Function<Job, String> terminationMessage) {
    return new JobBehaviour(Outcome.FAIL, delay, terminationMessage, "fail after " + Behaviour.pretty(delay));
  }

  /** Never finishes (unless the Job has spec.activeDeadlineSeconds, which then fails it with DeadlineExceeded). */
  public static JobBehaviour hang() {
    return new JobBehaviour(Outcome.HANG, Duration.ZERO, job -> "", "hang");
  }

  /** A stable, fake {@code sha256:<64 hex>} digest derived from {@code seed}; handy for build Job messages. */
  public static String fakeDigest(String seed) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  Outcome outcome() {
    return outcome;
  }

  Duration delay() {
    return delay;
  }

  String terminationMessage(Job job) {
    return message.apply(job);
  }

  @Override
  public String toString() {
    return name;
  }
}
