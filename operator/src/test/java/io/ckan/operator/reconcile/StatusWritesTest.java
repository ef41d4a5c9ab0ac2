package io.ckan.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.HistoryEntry;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StatusWritesTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final Instant JUST_WRITTEN = NOW.minusSeconds(1);
  private static final Instant LONG_AGO = NOW.minus(StatusWrites.PROGRESS_INTERVAL);

  /** Rolling out revision 2 while 1 serves: Ready False (Deploying), Reconciling True, Stalled False. */
  static CkanInstanceStatus deploying() {
    CkanInstanceStatus s = new CkanInstanceStatus();
    s.observedGeneration = 3L;
    s.currentRevision = 1;
    s.desiredRevision = 2;
    s.history.add(new HistoryEntry("Deploy", null, 1, "Deployed", "2026-11-29T11:00:00Z"));
    s.conditions.add(condition("Ready", "False", "Deploying", "waiting for revision 2: 0/2 replicas available"));
    s.conditions.add(condition("Reconciling", "True", "Deploying", "waiting for revision 2: 0/2 replicas available"));
    s.conditions.add(condition("Stalled", "False", "Deploying", ""));
    s.conditions.add(condition("Available", "True", "Serving", "revision 1 serves 2 available replicas"));
    return s;
  }

  static io.fabric8.kubernetes.api.model.Condition condition(String type, String status, String reason, String msg) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(msg)
        .withObservedGeneration(3L).withLastTransitionTime("2026-11-29T11:59:00Z").build();
  }

  static CkanInstanceStatus with(Consumer<CkanInstanceStatus> change) {
    CkanInstanceStatus s = Serialization.clone(deploying());
    change.accept(s);
    return s;
  }

  static void set(CkanInstanceStatus s, String type, String status, String reason, String message) {
    s.conditions.replaceAll(c -> c.getType().equals(type) ? condition(type, status, reason, message) : c);
  }

  static Stream<Arguments> cases() {
    var write = StatusWrites.Decision.WRITE;
    var none = StatusWrites.Decision.NONE;
    var soon = StatusWrites.Decision.later(StatusWrites.AFTER_WRITES);
    var inFour = StatusWrites.Decision.later(Duration.ofSeconds(4));
    CkanInstanceStatus verifying = with(s -> {
      set(s, "Ready", "False", "Verifying", "revision 2 is available; status_show not checked yet");
      set(s, "Reconciling", "True", "Verifying", "revision 2 is available; status_show not checked yet");
      set(s, "Stalled", "False", "Verifying", "");
    });
    return Stream.of(
        Arguments.of("unchanged", deploying(), deploying(), false, JUST_WRITTEN, none),
        Arguments.of("unchanged, even after writing objects", deploying(), deploying(), true, null, none),
        Arguments.of("a pass that wrote objects waits for the next", deploying(), with(s -> s.currentRevision = 2), true, null,
            soon),
        Arguments.of("the next phase, just after a write: later", deploying(), verifying, false, JUST_WRITTEN, inFour),
        Arguments.of("the next phase, interval over: now", deploying(), verifying, false, LONG_AGO, write),
        Arguments.of("the next phase, nothing written since start: now", deploying(), verifying, false, null, write),
        Arguments.of("replica count only: later", deploying(), with(s -> set(s, "Ready", "False", "Deploying",
            "waiting for revision 2: 1/2 replicas available")), false, JUST_WRITTEN, inFour),
        Arguments.of("pointer moved", deploying(), with(s -> s.currentRevision = 2), false, JUST_WRITTEN, write),
        Arguments.of("new generation", deploying(), with(s -> s.observedGeneration = 4L), false, JUST_WRITTEN, write),
        Arguments.of("new desired revision", deploying(), with(s -> s.desiredRevision = 3), false, JUST_WRITTEN, write),
        Arguments.of("rollback handled", deploying(), with(s -> s.lastHandledRollback = "1#a"), false, JUST_WRITTEN, write),
        Arguments.of("history entry, same length", deploying(), with(s -> s.history.set(0,
            new HistoryEntry("AutoRevert", 2, 1, "UnhealthyDuringBake", "2026-11-29T12:00:00Z"))), false,
            JUST_WRITTEN, write),
        Arguments.of("Ready turns True", deploying(), with(s -> set(s, "Ready", "True", "Stable", "revision 2 ...")), false,
            JUST_WRITTEN, write),
        Arguments.of("Stalled turns True", deploying(), with(s -> set(s, "Stalled", "True", "MigrationFailed", "...")), false,
            JUST_WRITTEN, write),
        Arguments.of("Available's reason while True", deploying(), with(s -> set(s, "Available", "True", "ScaledToZero", "")),
            false, JUST_WRITTEN, write),
        Arguments.of("Stalled's cause changes while True", stalled("NameConflict"), stalled("MissingSecret"), false, JUST_WRITTEN, write),
        Arguments.of("no status before", null, deploying(), false, JUST_WRITTEN, write));
  }

  private static CkanInstanceStatus stalled(String reason) {
    return with(s -> set(s, "Stalled", "True", reason, "..."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, CkanInstanceStatus current, CkanInstanceStatus next, boolean wroteObjects,
      Instant lastWrite, StatusWrites.Decision expected) {
    assertEquals(expected, StatusWrites.decide(current, next, wroteObjects, lastWrite, NOW), name);
  }

  @org.junit.jupiter.api.Test
  void aWriteThatWaitsIsDueWhenTheIntervalEnds() {
    var d = StatusWrites.decide(deploying(), with(s -> set(s, "Ready", "False", "Deploying", "1/2")), false,
        NOW.minusMillis(4_750), NOW);
    assertEquals(Optional.of(Duration.ofMillis(250)), d.after());
  }
}
