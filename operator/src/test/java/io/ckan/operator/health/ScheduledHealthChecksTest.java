package io.ckan.operator.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The health checks answer from memory at once and check on their own: asked, changed, retained, timed out. */
class ScheduledHealthChecksTest {
  private static final HealthSource.Target A = new HealthSource.Target("ns", "a", "a-r1", "t0");
  private static final HealthSource.Target B = new HealthSource.Target("ns", "b", "b-r1", "t0");
  private static final StatusShow OK = StatusShow.ok("2.11.5", List.of("activity"));

  /** A probe whose answers the test hands out: one future per question. */
  private final Map<String, List<CompletableFuture<StatusShow>>> asked = new ConcurrentHashMap<>();
  private final List<HealthSource.Target> changes = new CopyOnWriteArrayList<>();
  private final StatusShowProbe probe = new StatusShowProbe() {
    @Override
    public StatusShow fetch(String namespace, String service) {
      throw new AssertionError("the checks must ask asynchronously");
    }

    @Override
    public CompletableFuture<StatusShow> fetchAsync(String namespace, String service, Executor blocking) {
      CompletableFuture<StatusShow> answer = new CompletableFuture<>();
      asked.computeIfAbsent(service, s -> new CopyOnWriteArrayList<>()).add(answer);
      return answer;
    }
  };
  private ScheduledHealthChecks checks;

  @AfterEach
  void close() {
    checks.close();
  }

  private int questions(String service) {
    return asked.getOrDefault(service, List.of()).size();
  }

  @Test
  void theFirstAskStartsACheckAndReturnsAtOnceTheAnswerComesAsAChange() {
    checks = new ScheduledHealthChecks(probe, 1, changes::add, Duration.ofSeconds(30));
    assertEquals(Optional.empty(), checks.latest(A, Duration.ofHours(1)));
    assertEquals(1, questions("a-r1"));
    assertEquals(Optional.empty(), checks.latest(A, Duration.ofHours(1)), "no answer yet, no second question");
    assertEquals(1, questions("a-r1"));
    asked.get("a-r1").get(0).complete(OK);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 1);
    assertEquals(List.of(A), changes);
    assertEquals(Optional.of(OK), checks.latest(A, Duration.ofHours(1)));
  }

  @Test
  void theSameAnswerAgainIsNoChangeAndTheNextCheckFollowsThePeriod() {
    checks = new ScheduledHealthChecks(probe, 1, changes::add, Duration.ofSeconds(30));
    checks.latest(A, Duration.ofMillis(50));
    asked.get("a-r1").get(0).complete(OK);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> questions("a-r1") == 2);
    asked.get("a-r1").get(1).complete(OK);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> questions("a-r1") == 3);
    assertEquals(List.of(A), changes, "one change: the first answer");
    asked.get("a-r1").get(2).complete(StatusShow.failed(StatusShow.Outcome.HTTP_ERROR, "500"));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 2);
  }

  @Test
  void aHangingCheckTimesOutAsUnreachableAndOtherTargetsGoOn() {
    checks = new ScheduledHealthChecks(probe, 1, changes::add, Duration.ofMillis(200));
    checks.latest(A, Duration.ofHours(1)); // never answered
    checks.latest(B, Duration.ofHours(1));
    asked.get("b-r1").get(0).complete(OK);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> changes.contains(B));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> changes.contains(A));
    StatusShow timedOut = checks.latest(A, Duration.ofHours(1)).orElseThrow();
    assertEquals(StatusShow.Outcome.UNREACHABLE, timedOut.outcome());
    assertTrue(timedOut.detail().contains("TimeoutException"), timedOut.detail());
  }

  @Test
  void aTargetNoLongerWantedIsNotCheckedAgain() {
    checks = new ScheduledHealthChecks(probe, 1, changes::add, Duration.ofSeconds(30));
    checks.latest(A, Duration.ofMillis(50));
    checks.retain("ns", "a", Set.of());
    asked.get("a-r1").get(0).complete(OK);
    assertEquals(0, checks.targets());
    Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> questions("a-r1") == 1);
  }

  /**
   * A smoke check newly failing on one revision makes the instance's other revisions' older passes stale: they are
   * forgotten (not known to pass, so the bake window cannot blame the new revision on a stale pass) and asked again.
   */
  @Test
  void aNewlyFailedSmokeCheckReChecksTheOtherRevisionsOfTheInstance() {
    HealthSource.Target live = new HealthSource.Target("ns", "a", "a-r2", "t1");
    checks = new ScheduledHealthChecks(probe, 1, changes::add, Duration.ofSeconds(30));
    checks.latest(A, Duration.ofHours(1));
    asked.get("a-r1").get(0).complete(OK);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> checks.latest(A, Duration.ofHours(1)).isPresent());
    checks.latest(B, Duration.ofHours(1)); // another instance: never re-checked for a's failure
    asked.get("b-r1").get(0).complete(OK);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> checks.latest(B, Duration.ofHours(1)).isPresent());

    checks.latest(live, Duration.ofHours(1));
    asked.get("a-r2").get(0).complete(OK.withFailedSmokeChecks(Map.of("GET /dataset", "answered HTTP 500, expected "
        + "200")));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> questions("a-r1") == 2);
    assertEquals(Optional.empty(), checks.latest(A, Duration.ofHours(1)), "the stale pass is forgotten");
    assertEquals(1, questions("b-r1"));
  }
}
