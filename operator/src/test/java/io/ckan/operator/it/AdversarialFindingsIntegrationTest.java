package io.ckan.operator.it;

import io.ckan.operator.resources.Owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.WorkersSpec;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.Behaviour;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 9's adversarial findings end to end (the real operator, the mock API server, the simulated cluster). Each
 * of these failed on the operator before the state-table planner.
 */
class AdversarialFindingsIntegrationTest extends IntegrationTest {

  static CkanInstanceSpec spec(String version) {
    CkanInstanceSpec spec = RevisionRolloutIntegrationTest.spec(version, 1);
    spec.rollout.revisionHistoryLimit = 1;
    return spec;
  }

  @Test
  void finding1And6_pruneRemovesWorkersAndMigrationJobsAndTheInstanceKeepsReconciling() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    CkanInstanceSpec spec = spec("2.11.3");
    spec.workers = new WorkersSpec();
    spec.workers.replicas = 1;
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.4");
    h.awaitReady("portal", 2, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.awaitReady("portal", 3, T);
    // revision 1 is beyond the history limit (1 retained besides the current one): every piece of it goes
    h.watchUntil(T, () -> { }, x -> x.client.configMaps().inNamespace(OperatorHarness.NS).withName("portal-r1")
        .get() == null);
    assertNull(h.client.apps().deployments().inNamespace(OperatorHarness.NS).withName("portal-r1-worker").get());
    assertNull(h.client.batch().v1().jobs().inNamespace(OperatorHarness.NS).withName("portal-r1-migrate").get());
    // and it is not frozen: a rollback request is still acted on
    h.annotate("portal", Labels.ROLLBACK_TO, "previous");
    h.watchUntil(T, () -> { }, x -> Integer.valueOf(2).equals(x.pointer("portal")));
  }

  @Test
  void finding2_aLiveRevisionThatCrashesDuringItsBakeIsRevertedWhileANewerSpecIsPending() {
    Scenario scenario = Scenario.create().timeScale(0.05);
    scenario.whenRevision("portal", 2, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(20)));
    scenario.whenRevision("portal", 3, Behaviour.slow(Duration.ofSeconds(600)));
    h = new OperatorHarness(scenario);
    CkanInstanceSpec spec = spec("2.11.3");
    spec.rollout.bakeSeconds = 200; // 10 s at this time scale
    spec.rollout.revisionHistoryLimit = 5;
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.4");
    h.watchUntil(T, () -> { }, x -> Integer.valueOf(2).equals(x.pointer("portal")));
    h.edit("portal", s -> s.version = "2.11.5"); // revision 3 will take long: the spec is pending meanwhile
    h.watchUntil(T, () -> { }, x -> Integer.valueOf(1).equals(x.pointer("portal")));
    // the pointer write comes first; the verdict annotation follows it
    h.watchUntil(T, () -> { }, x -> "RolledBack".equals(x.revisions("portal").get(2).getMetadata().getAnnotations()
        .get(Labels.VERDICT)));
  }

  @Test
  void finding3_aRefusedRollbackRequestNeverFiresAfterALaterUpgrade() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    h.apply(OperatorHarness.instance("portal", spec("2.11.4")));
    h.awaitReady("portal", 1, T);
    h.annotate("portal", Labels.ROLLBACK_TO, "previous"); // nothing to go back to: refused
    h.watchUntil(T, () -> { }, x -> "previous".equals(x.cr("portal").get().getStatus().lastHandledRollback));
    assertEquals("RollbackRejected", h.condition("portal", "RolledBack").getReason());
    h.edit("portal", s -> s.version = "2.11.5");
    h.awaitReady("portal", 2, T);
    h.awaitCondition("portal", "Ready", "True", T);
    assertEquals(2, h.pointer("portal"), "the old request did not roll the upgrade back");
    assertTrue(h.cr("portal").get().getStatus().history.stream().noneMatch(e -> e.type.equals("Rollback")));
  }

  @Test
  void finding4_aNameHeldByAnObjectTheInstanceDoesNotOwnStopsTheRevisionAndIsNeverTouched() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    Service foreign = h.client.services().inNamespace(OperatorHarness.NS).resource(new ServiceBuilder()
        .withNewMetadata().withName("portal-r1").withLabels(Map.of("team", "search")).endMetadata()
        .withNewSpec().withSelector(Map.of("app", "search")).addNewPort().withPort(80).endPort().endSpec()
        .build()).create();
    h.apply(OperatorHarness.instance("portal", spec("2.11.5")));
    h.awaitCondition("portal", "Stalled", "True", T);
    assertEquals("NameConflict", h.condition("portal", "Stalled").getReason());
    assertTrue(h.condition("portal", "Stalled").getMessage().contains("Service portal-r1"),
        h.condition("portal", "Stalled").getMessage());
    Service after = h.client.services().inNamespace(OperatorHarness.NS).withName("portal-r1").get();
    assertEquals(foreign.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion());
    // no read before a write: the revision's config snapshot (created before the Service) is the instance's own,
    // nothing was started for it, nothing serves it
    assertTrue(Owner.owns(h.cr("portal").get().getMetadata().getUid(),
        h.client.configMaps().inNamespace(OperatorHarness.NS).withName("portal-r1").get()));
    assertNull(h.client.batch().v1().jobs().inNamespace(OperatorHarness.NS).withName("portal-r1-migrate").get(),
        "no migration for a revision that cannot be created whole");
    assertNull(h.client.apps().deployments().inNamespace(OperatorHarness.NS).withName("portal-r1").get());
    assertNull(h.client.services().inNamespace(OperatorHarness.NS).withName("portal").get(), "no pointer");
    assertTrue(h.journal.stream().noneMatch(l -> l.contains("created revision 1")), h.journal.toString());
    // once the name is free, the instance goes on by itself
    h.client.services().inNamespace(OperatorHarness.NS).withName("portal-r1").delete();
    h.edit("portal", s -> s.replicas = 2);
    h.awaitReady("portal", 1, T);
  }

  @Test
  void finding5_aHandEditedPointerSelectorIsRepaired() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    h.apply(OperatorHarness.instance("portal", spec("2.11.5")));
    h.awaitReady("portal", 1, T);
    h.client.services().inNamespace(OperatorHarness.NS).withName("portal").edit(s -> {
      Map<String, String> selector = new HashMap<>(s.getSpec().getSelector());
      selector.put(Labels.REVISION, "7");
      selector.put("hand", "edit");
      s.getSpec().setSelector(selector);
      return s;
    });
    h.watchUntil(T, () -> { }, x -> {
      Map<String, String> selector = x.client.services().inNamespace(OperatorHarness.NS).withName("portal").get()
          .getSpec().getSelector();
      return "1".equals(selector.get(Labels.REVISION)) && !selector.containsKey("hand");
    });
    assertEquals(List.of("Deploy"), h.cr("portal").get().getStatus().history.stream().map(e -> e.type).toList(),
        "a repair is not a move");
  }

  @Test
  void anApiServerErrorBecomesAConditionAndAnEventThenClears() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    h.cluster.server().expect().post().withPath("/apis/apps/v1/namespaces/" + OperatorHarness.NS + "/deployments")
        .andReturn(500, new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(500).withStatus("Failure")
            .withMessage("etcdserver: request timed out").build()).times(2);
    h.apply(OperatorHarness.instance("portal", spec("2.11.5")));
    java.util.concurrent.atomic.AtomicBoolean sawError = new java.util.concurrent.atomic.AtomicBoolean();
    h.watchUntil(T, () -> {
      var ready = h.condition("portal", "Ready");
      if (ready != null && "ReconcileError".equals(ready.getReason())) {
        assertTrue(ready.getMessage().contains("etcdserver: request timed out"), ready.getMessage());
        sawError.set(true);
      }
    }, x -> x.conditionIs("portal", "Ready", "True"));
    assertTrue(sawError.get(), "the error was reported in status while it lasted");
    assertTrue(h.client.v1().events().inNamespace(OperatorHarness.NS).list().getItems().stream()
        .anyMatch(e -> "ReconcileError".equals(e.getReason())));
  }
}
