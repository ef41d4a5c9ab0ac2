package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.api.RevisionStatus;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.Behaviour;
import io.ckan.sim.CkanBehaviour;
import io.ckan.sim.RequestLog;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 3: verification before the switch, bake-window revert, rollback and retry by annotation, pause. */
class HealthGatedRolloutIntegrationTest extends IntegrationTest {

  static CkanInstanceSpec spec(String version, int bakeSeconds) {
    CkanInstanceSpec spec = RevisionRolloutIntegrationTest.spec(version, 2);
    spec.rollout.bakeSeconds = bakeSeconds;
    return spec;
  }

  static Scenario fast() {
    return Scenario.create().timeScale(0.05);
  }

  /** r1 live and Stable, then the spec moves to 2.11.5 (revision 2). */
  void liveOnOneThenUpgrade(Scenario scenario, int bakeSeconds) {
    h = new OperatorHarness(scenario);
    h.apply(OperatorHarness.instance("portal", spec("2.11.4", bakeSeconds)));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
  }

  CkanInstanceStatus status() {
    return h.cr("portal").get().getStatus();
  }

  RevisionStatus revision(int n) {
    return status().revisions.stream().filter(r -> r.number == n).findFirst().orElse(null);
  }

  /** Invariants checked at every observation: one Live revision at most; the pointer never on a Failed revision. */
  void invariants() {
    CkanInstanceStatus s = status();
    if (s == null || s.revisions == null) {
      return;
    }
    assertTrue(s.revisions.stream().filter(r -> "Live".equals(r.state)).count() <= 1, "more than one Live: "
        + s.revisions);
    Integer pointer = h.pointer("portal");
    if (pointer != null) {
      Deployment d = h.revisions("portal").get(pointer);
      String verdict = d == null ? null : d.getMetadata().getAnnotations().get(Labels.VERDICT);
      assertFalse("Failed".equals(verdict), "pointer on a Failed revision " + pointer);
    }
  }

  /**
   * Finding 1 of the real-CKAN run, in the simulated cluster (which replays what the real start command does,
   * recorded by the conformance tier): an image that lacks a plugin of the spec used to start with the image's default
   * plugins while status_show echoed the spec's list, and was verified. Now its pods, started by the operator's start
   * command, never get ready, the revision fails at its deadline, and the pointer never leaves revision 1.
   */
  @Test
  void anImageThatLacksAPluginNeverServesAndItsRevisionFails() {
    Scenario scenario = fast();
    scenario.imageLacksPlugins("ckan-base:2.11.5", "datatables_view");
    h = new OperatorHarness(scenario);
    CkanInstanceSpec spec = spec("2.11.4", 1);
    spec.rollout.progressDeadlineSeconds = 60; // 3 s at this time scale
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, this::invariants, x -> revision(2) != null && "Failed".equals(revision(2).state));
    assertEquals(1, h.pointer("portal"), "the pointer never moved to revision 2");
    assertTrue(revision(2).reason.contains("ProgressDeadlineExceeded"), revision(2).reason);
    assertTrue(h.conditionIs("portal", "Available", "True"));
    assertTrue(h.cluster.events().stream().anyMatch(e -> e.contains("Plugin 'datatables_view' not found")),
        "the recorded refusal of the start command");
  }

  @Test
  void aRevisionWithTheWrongPluginsFailsAndIsNotRetriedUntilAsked() throws Exception {
    Scenario scenario = fast();
    scenario.ckanWhenRevision("portal", 2, CkanBehaviour.missingPlugins("datatables_view"));
    liveOnOneThenUpgrade(scenario, 1);
    h.watchUntil(T, this::invariants, x -> revision(2) != null && "Failed".equals(revision(2).state));
    assertEquals(1, h.pointer("portal"), "the pointer never moved to revision 2");
    assertTrue(revision(2).reason.contains("datatables_view"), revision(2).reason);
    h.awaitCondition("portal", "Stalled", "True", T);
    assertEquals("RevisionFailed", h.condition("portal", "Stalled").getReason());
    assertTrue(h.conditionIs("portal", "Available", "True"));
    h.watchUntil(T, () -> { }, x -> x.revisions("portal").get(2).getSpec().getReplicas() == 0);
    assertTrue(h.client.v1().events().inNamespace(OperatorHarness.NS).list().getItems().stream()
        .anyMatch(e -> "RevisionFailed".equals(e.getReason()) && e.getMessage().contains("datatables_view")
            && "portal".equals(e.getInvolvedObject().getName())), "a Warning event says why revision 2 failed");

    // no retry storm: the failed fingerprint is neither redeployed nor probed again by itself
    long generation = h.revisions("portal").get(2).getMetadata().getGeneration();
    long probes = h.cluster.ckan().statusShowCount(OperatorHarness.NS, "portal-r2");
    Thread.sleep(2000);
    assertEquals(generation, h.revisions("portal").get(2).getMetadata().getGeneration());
    assertEquals(probes, h.cluster.ckan().statusShowCount(OperatorHarness.NS, "portal-r2"));
    assertEquals(Set.of(1, 2), h.revisions("portal").keySet());

    // a retry request (the plugin problem fixed in the image meanwhile) starts a new attempt, once
    scenario.clearRules();
    h.annotate("portal", Labels.RETRY, "fixed-image");
    h.awaitReady("portal", 2, T);
    assertEquals(Set.of(1, 2), h.revisions("portal").keySet(), "the retry reused revision 2");
  }

  @Test
  void aCrashLoopingRevisionFailsAtItsProgressDeadline() {
    Scenario scenario = fast();
    scenario.whenRevision("portal", 2, Behaviour.crashLoop());
    h = new OperatorHarness(scenario);
    CkanInstanceSpec spec = spec("2.11.4", 1);
    spec.rollout.progressDeadlineSeconds = 4;
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, this::invariants, x -> revision(2) != null && "Failed".equals(revision(2).state));
    assertTrue(revision(2).reason.startsWith("ProgressDeadlineExceeded"), revision(2).reason);
    assertEquals(1, h.pointer("portal"));
  }

  @Test
  void aFailureDuringTheBakeWindowRevertsThePointer() {
    Scenario scenario = fast();
    scenario.whenRevision("portal", 2, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(30)));
    liveOnOneThenUpgrade(scenario, 60);
    h.watchUntil(T, this::invariants, x -> Integer.valueOf(2).equals(x.pointer("portal")));
    h.watchUntil(T, this::invariants, x -> Integer.valueOf(1).equals(x.pointer("portal"))
        && revision(2) != null && "RolledBack".equals(revision(2).state));
    h.awaitCondition("portal", "RolledBack", "True", T);
    assertTrue(h.conditionIs("portal", "Ready", "False"));
    assertTrue(h.conditionIs("portal", "Stalled", "True"));
    assertTrue(h.conditionIs("portal", "Available", "True"));
    assertEquals("AutoReverted", h.condition("portal", "RolledBack").getReason());
    List<HistoryEntry> history = status().history;
    HistoryEntry last = history.get(history.size() - 1);
    assertEquals("AutoRevert", last.type);
    assertEquals(2, last.from);
    assertEquals(1, last.to);
    h.watchUntil(T, () -> { }, x -> x.revisions("portal").get(2).getSpec().getReplicas() == 0);
  }

  /**
   * The operator's client, watched by an interceptor from the moment the simulated kubelet reports revision 2
   * unhealthy: the first request it sends is the pointer Service's PATCH (selector, history entry, the cached
   * version as its lock); no read, no other write before it. The verdict annotation and the Event follow.
   */
  @Test
  void aRevertIsOneWriteBeforeThePointerFlipsAndNoRead() {
    Scenario scenario = fast();
    scenario.whenRevision("portal", 2, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(30)));
    java.util.concurrent.atomic.AtomicLong failedAt = new java.util.concurrent.atomic.AtomicLong();
    liveOnOneThenUpgrade(scenario, 60);
    h.workloads.onEvent(line -> {
      if (line.contains("deployment default/portal-r2 unhealthy")) {
        failedAt.compareAndSet(0, System.nanoTime());
      }
    });
    h.watchUntil(T, this::invariants, x -> Integer.valueOf(2).equals(x.pointer("portal")));
    h.watchUntil(T, this::invariants, x -> Integer.valueOf(1).equals(x.pointer("portal"))
        && revision(2) != null && "RolledBack".equals(revision(2).state));
    assertTrue(failedAt.get() != 0, "the simulated kubelet never reported revision 2 unhealthy");
    List<RequestLog.Request> after = h.requests.since(failedAt.get());
    int flip = RequestLog.indexOf(after, "PATCH", "/services/portal");
    assertTrue(flip >= 0, "no pointer write after the failure: " + after);
    assertEquals(List.of(after.get(flip)), after.subList(0, flip + 1),
        "requests from the failure to the pointer flip (one write, no read expected)");
    List<String> next = after.subList(flip + 1, after.size()).stream().map(Object::toString).toList();
    assertTrue(next.stream().anyMatch(r -> r.startsWith("PATCH") && r.endsWith("/deployments/portal-r2")),
        "the verdict annotation follows the flip: " + next);
  }

  /**
   * The same for a revert that CKAN's own answer causes (status_show reports another release during the bake), with
   * workers, whose scale-up back on the previous revision needs the Secrets: those are read after the flip, not before.
   */
  @Test
  void aRevertForAWrongReleaseIsAlsoOneWriteBeforeAnyRead() {
    Scenario scenario = fast();
    java.util.concurrent.atomic.AtomicLong wrongAnswerAt = new java.util.concurrent.atomic.AtomicLong();
    // the window opens when the operator's health check receives CKAN's wrong answer
    h = new OperatorHarness(scenario, real -> new io.ckan.operator.health.StatusShowProbe() {
      @Override
      public io.ckan.operator.health.StatusShow fetch(String namespace, String service) {
        return real.fetch(namespace, service);
      }

      @Override
      public java.util.concurrent.CompletableFuture<io.ckan.operator.health.StatusShow> fetchAsync(String namespace,
          String service, java.util.concurrent.Executor blocking) {
        return real.fetchAsync(namespace, service, blocking).thenApply(answer -> {
          if ("2.10.1".equals(answer.ckanVersion())) {
            wrongAnswerAt.compareAndSet(0, System.nanoTime());
          }
          return answer;
        });
      }
    });
    CkanInstanceSpec spec = spec("2.11.4", 60);
    spec.workers = new io.ckan.operator.api.WorkersSpec();
    spec.workers.replicas = 1;
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, this::invariants, x -> Integer.valueOf(2).equals(x.pointer("portal")));
    scenario.ckanWhenRevision("portal", 2, CkanBehaviour.reportsVersion("2.10.1"));
    h.watchUntil(T, this::invariants, x -> Integer.valueOf(1).equals(x.pointer("portal"))
        && revision(2) != null && "RolledBack".equals(revision(2).state));
    assertTrue(wrongAnswerAt.get() != 0, "the health check never heard the wrong release");
    List<RequestLog.Request> after = h.requests.since(wrongAnswerAt.get());
    int flip = RequestLog.indexOf(after, "PATCH", "/services/portal");
    assertTrue(flip >= 0, "no pointer write after CKAN reported the wrong release: " + after);
    assertEquals(List.of(after.get(flip)), after.subList(0, flip + 1),
        "requests from the wrong answer to the pointer flip (one write, no read expected)");
  }

  @Test
  void withAutoRevertOffTheRevisionKeepsServingAndTheStatusSaysSo() {
    Scenario scenario = fast();
    scenario.whenRevision("portal", 2, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(30)));
    h = new OperatorHarness(scenario);
    CkanInstanceSpec spec = spec("2.11.4", 60);
    spec.rollout.autoRevert = false;
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, this::invariants, x -> Integer.valueOf(2).equals(x.pointer("portal")));
    h.awaitCondition("portal", "Stalled", "True", T);
    assertEquals("UnhealthyDuringBake", h.condition("portal", "Stalled").getReason());
    assertEquals(2, h.pointer("portal"));
  }

  @Test
  void manualRollbackByAnnotationIsActedOnExactlyOnce() {
    liveOnOneThenUpgrade(fast(), 1);
    h.awaitReady("portal", 2, T);
    h.watchUntil(T, () -> { }, x -> x.revisions("portal").get(1).getSpec().getReplicas() == 0);

    h.annotate("portal", Labels.ROLLBACK_TO, "1");   // annotation only: no spec change, no new generation
    h.watchUntil(T, this::invariants, x -> Integer.valueOf(1).equals(x.pointer("portal")));
    h.awaitCondition("portal", "RolledBack", "True", T);
    assertEquals("ManualRollback", h.condition("portal", "RolledBack").getReason());
    int moves = status().history.size();
    assertEquals("Rollback", status().history.get(moves - 1).type);

    // a restart does not act on the same request again, and nothing moves the pointer back to revision 2
    h.stopOperator();
    h.startOperator();
    h.watchUntil(T, () -> { }, x -> x.revisions("portal").get(2).getSpec().getReplicas() == 0);
    assertEquals(1, h.pointer("portal"));
    assertEquals(moves, status().history.size());

    // rolling forward (a new spec) and then back to revision 1 again: a new request value
    h.edit("portal", s -> s.version = "2.11.6");
    h.awaitReady("portal", 3, T);
    h.annotate("portal", Labels.ROLLBACK_TO, "1#again");
    h.watchUntil(T, this::invariants, x -> Integer.valueOf(1).equals(x.pointer("portal"))
        && "RolledBack".equals(revision(3).state));
    assertEquals(2, status().history.stream().filter(e -> e.type.equals("Rollback")).count());
  }

  @Test
  void rollbackToAnUnknownRevisionChangesNothingButIsRecordedAsHandled() {
    h = new OperatorHarness(fast());
    h.apply(OperatorHarness.instance("portal", spec("2.11.5", 1)));
    h.awaitReady("portal", 1, T);
    var before = h.client.services().inNamespace(OperatorHarness.NS).withName("portal").get().getSpec();
    h.annotate("portal", Labels.ROLLBACK_TO, "7");
    h.watchUntil(T, () -> { }, x -> "RollbackRejected".equals(
        x.condition("portal", "RolledBack") == null ? null : x.condition("portal", "RolledBack").getReason()));
    assertTrue(h.condition("portal", "RolledBack").getMessage().contains("revision 7 is not retained"));
    var after = h.client.services().inNamespace(OperatorHarness.NS).withName("portal").get();
    assertEquals(before, after.getSpec(), "the pointer did not move");
    assertEquals("7", after.getMetadata().getAnnotations().get(Labels.ROLLBACK_HANDLED),
        "refused, and on record so it never fires later");
    assertTrue(h.conditionIs("portal", "Ready", "True"));
  }

  @Test
  void pauseByAnnotationFreezesRollouts() throws Exception {
    h = new OperatorHarness(fast());
    h.apply(OperatorHarness.instance("portal", spec("2.11.4", 1)));
    h.awaitReady("portal", 1, T);
    h.annotate("portal", Labels.PAUSED, "true");
    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> { }, x -> "Paused".equals(x.condition("portal", "Ready").getReason()));
    Thread.sleep(1000);
    assertEquals(Set.of(1), h.revisions("portal").keySet(), "no revision while paused");
    h.annotate("portal", Labels.PAUSED, null);
    h.awaitReady("portal", 2, T);
  }

  // ---- kill the operator after any single write of a revert or a rollback --------------------------------------

  static Stream<Arguments> revertWrites() {
    return Stream.of(Arguments.of("revision 2 verdict RolledBack"), Arguments.of("[AutoRevert]"),
        Arguments.of("scaled revision 2 to 0"));
  }

  @ParameterizedTest(name = "crash after: {0}")
  @MethodSource("revertWrites")
  void aRevertInterruptedAfterAnyWriteConverges(String write) throws Exception {
    Scenario scenario = fast();
    scenario.whenRevision("portal", 2, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(30)));
    liveOnOneThenUpgrade(scenario, 60);
    assertTrue(h.crashAfterWrite(line -> line.contains(write), T), "no write '" + write + "': " + h.journal);
    h.watchUntil(T, this::invariants, x -> Integer.valueOf(1).equals(x.pointer("portal"))
        && revision(2) != null && "RolledBack".equals(revision(2).state)
        && x.revisions("portal").get(2).getSpec().getReplicas() == 0 && x.conditionIs("portal", "RolledBack", "True"));
    assertEquals(1, status().history.stream().filter(e -> e.type.equals("AutoRevert")).count(), "one revert");
    assertEquals(Set.of(1, 2), h.revisions("portal").keySet());
  }

  static Stream<Arguments> rollbackWrites() {
    return Stream.of(Arguments.of("scaled revision 1 up"), Arguments.of("revision 2 verdict RolledBack"),
        Arguments.of("[Rollback]"), Arguments.of("scaled revision 2 to 0"));
  }

  @ParameterizedTest(name = "crash after: {0}")
  @MethodSource("rollbackWrites")
  void aRollbackInterruptedAfterAnyWriteConverges(String write) throws Exception {
    liveOnOneThenUpgrade(fast(), 1);
    h.awaitReady("portal", 2, T);
    h.watchUntil(T, () -> { }, x -> x.revisions("portal").get(1).getSpec().getReplicas() == 0);
    h.annotate("portal", Labels.ROLLBACK_TO, "previous");
    assertTrue(h.crashAfterWrite(line -> line.contains(write), T), "no write '" + write + "': " + h.journal);
    h.watchUntil(T, this::invariants, x -> Integer.valueOf(1).equals(x.pointer("portal"))
        && revision(2) != null && "RolledBack".equals(revision(2).state)
        && x.revisions("portal").get(2).getSpec().getReplicas() == 0);
    assertEquals(1, status().history.stream().filter(e -> e.type.equals("Rollback")).count(), "one rollback");
    assertEquals(2, status().history.stream().filter(e -> e.type.equals("Deploy")).count());
  }
}
