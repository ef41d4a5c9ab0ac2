package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.CkanJobs;
import io.ckan.sim.ImageBuilds;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: every decision the operator takes about an instance is an Event on it (what {@code kubectl describe ckan}
 * and {@code kubectl ckan status} show), and a condition that lasts is announced once: reconciling a stuck instance
 * again and again writes no Event (counted on the operator's client, not waited for).
 */
class EventsIntegrationTest extends IntegrationTest {
  private static final int NUDGES = 4;

  private List<Event> events(String instance) {
    return h.client.v1().events().inNamespace(OperatorHarness.NS).list().getItems().stream()
        .filter(e -> instance.equals(e.getInvolvedObject().getName())).toList();
  }

  private List<String> reasons(String instance) {
    return events(instance).stream().map(Event::getReason).toList();
  }

  private Event only(String instance, String reason) {
    List<Event> found = events(instance).stream().filter(e -> reason.equals(e.getReason())).toList();
    assertEquals(1, found.size(), reason + " events: " + reasons(instance));
    return found.get(0);
  }

  /** Reconciles the instance {@link #NUDGES} more times (an annotation nobody reads) and counts the Event writes. */
  private long eventWritesOverNudges(String instance) {
    long since = System.nanoTime();
    for (int i = 0; i < NUDGES; i++) {
      int before = h.reconciles.get();
      h.annotate(instance, "test.ckan.io/nudge", String.valueOf(System.nanoTime()));
      Awaitility.await("nudged reconcile").atMost(T).until(() -> h.reconciles.get() > before);
    }
    return h.requests.since(since).stream().filter(r -> r.isWrite() && r.path().contains("/events")).count();
  }

  @Test
  void aBuiltReleaseAnnouncesEachStepAndAFailedBuildOnceHoweverOftenItIsReconciled() {
    Scenario scenario = ImageBuildIntegrationTest.scenario();
    scenario.whenJobComponent("build", ImageBuilds.pushes(Duration.ofSeconds(10)),
        ImageBuilds.failsWithConflict(Duration.ofSeconds(10)), ImageBuilds.pushes(Duration.ofSeconds(10)));
    h = new OperatorHarness(scenario);
    h.apply(OperatorHarness.instance("portal", ImageBuildIntegrationTest.spec("2.11.4")));
    h.awaitReady("portal", 1, T);
    h.watchUntil(T, () -> { }, x -> reasons("portal").contains("RevisionVerified"));
    assertEquals(List.of("RevisionCreated", "BuildStarted", "BuildPushed", "MigrationStarted", "MigrationSucceeded",
        "PointerDeploy", "RevisionVerified"), reasons("portal"), "in the order they were decided");
    Map<String, String> heads = h.client.configMaps().inNamespace(OperatorHarness.NS).withName("portal-r1").get()
        .getMetadata().getAnnotations();
    assertEquals("revision 1 migrated the database: schema head " + heads.get(Labels.SCHEMA_BEFORE) + " -> "
        + heads.get(Labels.SCHEMA_AFTER), only("portal", "MigrationSucceeded").getMessage(), "the heads on record");
    assertTrue(only("portal", "BuildPushed").getMessage().contains(ImageBuildIntegrationTest.REGISTRY + "@sha256:"));
    assertEquals("Normal", only("portal", "PointerDeploy").getType());

    h.edit("portal", s -> s.version = "2.11.5");
    h.awaitCondition("portal", "Stalled", "True", T);
    assertEquals("Warning", only("portal", "BuildFailed").getType());
    assertTrue(only("portal", "RevisionFailed").getMessage().contains("conflicting dependencies"),
        only("portal", "RevisionFailed").getMessage());
    assertEquals(0, eventWritesOverNudges("portal"), "a failed build stays failed: no Event per reconcile");
    assertEquals(1, events("portal").stream().filter(e -> "BuildFailed".equals(e.getReason())).count());

    h.annotate("portal", Labels.RETRY, "after-fix");
    h.awaitReady("portal", 2, T);
    assertTrue(only("portal", "RetryRequested").getMessage().contains("ckan.io/retry=after-fix"));
    only("portal", "BuildDeleted");
  }

  @Test
  void aRollbackIsAnnouncedWhenRequestedAndDoneAndARefusedOneOnceWhileItsAnnotationStays() {
    h = new OperatorHarness(RevisionRolloutIntegrationTest.fast());
    h.apply(OperatorHarness.instance("portal", RevisionRolloutIntegrationTest.spec("2.11.4", 1)));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.awaitReady("portal", 2, T);
    // revision 1 superseded and scaled to 0 after the bake window
    h.watchUntil(T, () -> { }, x -> x.revisions("portal").get(1).getSpec().getReplicas() == 0);

    h.annotate("portal", Labels.ROLLBACK_TO, "9");
    h.watchUntil(T, () -> { }, x -> reasons("portal").contains("RollbackRejected"));
    assertEquals("Warning", only("portal", "RollbackRejected").getType());
    assertTrue(only("portal", "RollbackRejected").getMessage().contains("not retained"),
        only("portal", "RollbackRejected").getMessage());
    assertEquals(0, eventWritesOverNudges("portal"), "a refused request is refused once");

    h.annotate("portal", Labels.ROLLBACK_TO, "1");
    h.watchUntil(T, () -> { }, x -> x.conditionIs("portal", "RolledBack", "True"));
    h.watchUntil(T, () -> { }, x -> reasons("portal").contains("RevisionRolledBack"));
    assertTrue(only("portal", "RollbackRequested").getMessage().startsWith("bringing revision 1 up"));
    assertTrue(only("portal", "PointerRollback").getMessage().startsWith("pointer moved from revision 2 to "
        + "revision 1"), only("portal", "PointerRollback").getMessage());
    assertEquals(0, eventWritesOverNudges("portal"), "a rolled-back instance is quiet");
  }

  @Test
  void invalidSpecNameConflictPauseAndAFailedMigrationAreEachAnnouncedOnce() {
    Scenario scenario = RevisionRolloutIntegrationTest.fast()
        .whenJob("failing-r1-migrate", CkanJobs.migrationFails(Duration.ofSeconds(1), "alembic: duplicate column"));
    h = new OperatorHarness(scenario);
    // a name the instance would create, held by someone else's Service
    h.client.services().inNamespace(OperatorHarness.NS).resource(new ServiceBuilder().withNewMetadata()
        .withName("taken-r1").endMetadata().withNewSpec().withSelector(Map.of("app", "other")).addNewPort()
        .withPort(80).endPort().endSpec().build()).create();
    CkanInstanceSpec invalid = RevisionRolloutIntegrationTest.spec("2.11", 1);
    h.apply(OperatorHarness.instance("invalid", invalid));
    h.apply(OperatorHarness.instance("taken", RevisionRolloutIntegrationTest.spec("2.11.5", 1)));
    h.apply(OperatorHarness.instance("failing", RevisionRolloutIntegrationTest.spec("2.11.5", 1)));
    Map<String, String> stuck = Map.of("invalid", "InvalidSpec", "taken", "NameConflict", "failing",
        "MigrationFailed");
    // all three stuck first: the Event writes counted below are the whole namespace's
    stuck.forEach((name, reason) -> h.watchUntil(T, () -> { }, x -> x.condition(name, "Stalled") != null
        && reason.equals(x.condition(name, "Stalled").getReason())));
    stuck.forEach((name, reason) -> {
      assertEquals("Warning", only(name, reason).getType());
      assertEquals(0, eventWritesOverNudges(name), name + " stays " + reason + ": no Event per reconcile; "
          + events(name).stream().map(e -> e.getReason() + ": " + e.getMessage()).toList());
      assertEquals(1, events(name).stream().filter(e -> reason.equals(e.getReason())).count());
    });
    assertTrue(only("invalid", "InvalidSpec").getMessage().contains("spec.version"));
    assertTrue(only("taken", "NameConflict").getMessage().contains("Service taken-r1"));
    assertTrue(only("failing", "RevisionFailed").getMessage().contains("alembic: duplicate column"));

    h.client.services().inNamespace(OperatorHarness.NS).withName("taken-r1").delete();
    h.awaitReady("taken", 1, T);
    h.annotate("taken", Labels.PAUSED, "true");
    h.watchUntil(T, () -> { }, x -> "Paused".equals(x.condition("taken", "Ready").getReason()));
    assertEquals("Normal", only("taken", "Paused").getType());
    assertEquals(0, eventWritesOverNudges("taken"), "a paused instance is announced paused once");
    h.annotate("taken", Labels.PAUSED, null);
    h.awaitReady("taken", 1, T);
    only("taken", "Resumed");
  }
}
