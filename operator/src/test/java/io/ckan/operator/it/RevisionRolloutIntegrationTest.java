package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.Behaviour;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Issue 2's end-to-end behaviour: the real operator, the mock API server and the simulated cluster. */
class RevisionRolloutIntegrationTest extends IntegrationTest {

  static CkanInstanceSpec spec(String version, int replicas) {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = version;
    spec.plugins = new ArrayList<>(List.of("activity", "datatables_view"));
    spec.config = Map.of("ckan.site_url", "https://data.example.org");
    spec.services = io.ckan.operator.TestServices.external();
    spec.replicas = replicas;
    spec.rollout = new RolloutSpec();
    spec.rollout.bakeSeconds = 1;
    spec.rollout.revisionHistoryLimit = 5;
    return spec;
  }

  static Scenario fast() {
    return Scenario.create().timeScale(0.05);
  }

  @Test
  void firstRolloutThenUpgradeMovesThePointerOnlyWhenRevisionTwoIsAvailable() {
    Scenario scenario = fast();
    // revision 2 takes a while to become available: the pointer must wait for it
    scenario.whenRevision("portal", 2, Behaviour.slow(Duration.ofSeconds(40)));
    h = new OperatorHarness(scenario);
    h.apply(OperatorHarness.instance("portal", spec("2.11.4", 2)));
    h.awaitReady("portal", 1, T);
    Deployment r1 = h.revisions("portal").get(1);
    assertEquals(2, r1.getSpec().getReplicas());
    assertTrue(r1.getSpec().getTemplate().getSpec().getContainers().get(0).getImage().endsWith("ckan-base:2.11.4"));
    ConfigMap cm = h.client.configMaps().inNamespace(OperatorHarness.NS).withName("portal-r1").get();
    assertEquals(Boolean.TRUE, cm.getImmutable());
    assertEquals("activity datatables_view envvars", cm.getData().get("CKAN__PLUGINS"));
    assertNotNull(h.client.services().inNamespace(OperatorHarness.NS).withName("portal-r1").get());

    h.edit("portal", s -> s.version = "2.11.5");
    AtomicBoolean sawRevisionTwoUnavailable = new AtomicBoolean();
    h.watchUntil(T, () -> {
      Integer pointer = h.pointer("portal");
      Deployment r2 = h.revisions("portal").get(2);
      if (pointer != null && pointer == 2) {
        // the invariant: the pointer never selects a revision whose replicas are not available
        Deployment seen = h.revisions("portal").get(2);
        assertNotNull(seen.getStatus());
        assertEquals(2, (int) seen.getStatus().getAvailableReplicas(), "pointer moved to an unavailable revision");
      } else if (r2 != null) {
        Integer avail = r2.getStatus() == null ? null : r2.getStatus().getAvailableReplicas();
        if (avail == null || avail < 2) {
          sawRevisionTwoUnavailable.set(true);
          assertEquals(1, pointer, "while revision 2 is not available the pointer stays on 1");
        }
      }
    }, x -> Integer.valueOf(2).equals(x.pointer("portal")));
    assertTrue(sawRevisionTwoUnavailable.get(), "the scenario should have shown revision 2 starting up");
    h.awaitReady("portal", 2, T);
    CkanInstanceStatus status = h.cr("portal").get().getStatus();
    assertEquals(2, status.desiredRevision);
    assertEquals("Deploy", status.history.get(status.history.size() - 1).type);
    assertEquals(1, status.history.get(status.history.size() - 1).from);
    // after the bake window the previous revision is scaled down but retained
    h.watchUntil(T, () -> { }, x -> x.revisions("portal").get(1).getSpec().getReplicas() == 0);
    assertEquals("Superseded", state(status(), 1));
    assertEquals("Stable", state(status(), 2));
  }

  @Test
  void scalingStaysOnTheLiveRevision() {
    h = new OperatorHarness(fast());
    h.apply(OperatorHarness.instance("portal", spec("2.11.5", 2)));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.replicas = 4);
    h.watchUntil(T, () -> assertEquals(Set.of(1), h.revisions("portal").keySet(), "no new revision for a scale"),
        x -> x.revisions("portal").get(1).getSpec().getReplicas() == 4 && x.conditionIs("portal", "Ready", "True")
            && x.cr("portal").get().getStatus().revisions.get(0).availableReplicas == 4);
    assertEquals(1, h.pointer("portal"));
  }

  @Test
  void goingBackToARetainedSpecReusesItsRevision() {
    h = new OperatorHarness(fast());
    h.apply(OperatorHarness.instance("portal", spec("2.11.4", 1)));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.awaitReady("portal", 2, T);
    h.watchUntil(T, () -> { }, x -> x.revisions("portal").get(1).getSpec().getReplicas() == 0);

    h.edit("portal", s -> s.version = "2.11.4");
    h.awaitReady("portal", 1, T);
    assertEquals(Set.of(1, 2), h.revisions("portal").keySet(), "no revision 3: revision 1 is reused");
    CkanInstanceStatus status = status();
    assertEquals(1, status.desiredRevision);
    assertEquals(2, status.history.get(status.history.size() - 1).from);
  }

  @Test
  void oldRevisionsArePrunedBeyondTheHistoryLimitAndNumbersAreNotReused() {
    h = new OperatorHarness(fast());
    CkanInstanceSpec spec = spec("2.11.1", 1);
    spec.rollout.revisionHistoryLimit = 1;
    spec.rollout.bakeSeconds = 0;
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    for (int patch = 2; patch <= 4; patch++) {
      String version = "2.11." + patch;
      h.edit("portal", s -> s.version = version);
      h.awaitReady("portal", patch, T);
    }
    h.watchUntil(T, () -> { }, x -> x.revisions("portal").keySet().equals(Set.of(3, 4)));
    assertNull(h.client.configMaps().inNamespace(OperatorHarness.NS).withName("portal-r1").get());
    assertNull(h.client.services().inNamespace(OperatorHarness.NS).withName("portal-r2").get());
    h.edit("portal", s -> s.version = "2.11.1");
    h.awaitReady("portal", 5, T);
  }

  @Test
  void wipedStatusIsRebuiltFromTheCluster() {
    h = new OperatorHarness(fast());
    h.apply(OperatorHarness.instance("portal", spec("2.11.4", 1)));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.awaitReady("portal", 2, T);
    CkanInstanceStatus before = status();

    CkanInstance wiped = h.cr("portal").get();
    wiped.setStatus(new CkanInstanceStatus());
    h.client.resource(wiped).updateStatus();

    h.awaitReady("portal", 2, T);
    CkanInstanceStatus after = status();
    assertEquals(before.currentRevision, after.currentRevision);
    assertEquals(before.desiredRevision, after.desiredRevision);
    assertEquals(revisionNumbers(before), revisionNumbers(after));
    assertEquals(before.history.size(), after.history.size());
    assertEquals(2, after.history.get(after.history.size() - 1).to);
  }

  @Test
  void restartMidRolloutConvergesToTheSameEndState() {
    Scenario scenario = fast();
    scenario.whenRevision("portal", 2, Behaviour.slow(Duration.ofSeconds(30)));
    h = new OperatorHarness(scenario);
    h.apply(OperatorHarness.instance("portal", spec("2.11.4", 2)));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> { }, x -> x.revisions("portal").containsKey(2));
    h.stopOperator();
    assertEquals(1, h.pointer("portal"), "revision 2 was not available yet");
    h.startOperator();
    h.awaitReady("portal", 2, T);
    assertEquals(Set.of(1, 2), h.revisions("portal").keySet(), "the restarted operator made no extra revision");
  }

  @Test
  void invalidSpecIsReportedAndTouchesNothing() {
    h = new OperatorHarness(fast());
    h.apply(OperatorHarness.instance("portal", spec("2.11.5", 2)));
    h.awaitReady("portal", 1, T);
    h.watchUntil(T, () -> { }, x -> x.cr("portal").get().getStatus().revisions.get(0).state.equals("Stable"));
    Map<String, String> versionsBefore = resourceVersions();

    // the mock API server does not enforce the CRD schema, so the operator's own validation must catch it
    h.edit("portal", s -> {
      s.version = "2.11";
      s.plugins.add("spatial_query");
    });
    h.awaitCondition("portal", "Stalled", "True", T);
    var stalled = h.condition("portal", "Stalled");
    assertEquals("InvalidSpec", stalled.getReason());
    assertTrue(stalled.getMessage().contains("spec.version"), stalled.getMessage());
    assertTrue(stalled.getMessage().contains("spec.plugins[2]"), stalled.getMessage());
    assertTrue(h.conditionIs("portal", "Available", "True"), "the live revision keeps serving");
    assertFalse(h.conditionIs("portal", "Ready", "True"));
    assertEquals(versionsBefore, resourceVersions(), "no object was created or changed");
    assertEquals(1, h.pointer("portal"));

    h.edit("portal", s -> {
      s.version = "2.11.6";
      s.plugins.remove("spatial_query");
    });
    h.awaitReady("portal", 2, T);
  }

  private Map<String, String> resourceVersions() {
    Map<String, String> versions = new java.util.TreeMap<>();
    h.client.apps().deployments().inNamespace(OperatorHarness.NS).withLabel(Labels.INSTANCE, "portal").list()
        .getItems().forEach(d -> versions.put("deploy/" + d.getMetadata().getName() + "/spec",
            Serialization.spec(d)));
    h.client.services().inNamespace(OperatorHarness.NS).withLabel(Labels.INSTANCE, "portal").list().getItems()
        .forEach(s -> versions.put("svc/" + s.getMetadata().getName(), s.getMetadata().getResourceVersion()));
    h.client.configMaps().inNamespace(OperatorHarness.NS).withLabel(Labels.INSTANCE, "portal").list().getItems()
        .forEach(c -> versions.put("cm/" + c.getMetadata().getName(), c.getMetadata().getResourceVersion()));
    return versions;
  }

  /** Deployments' status is written by the simulated kubelet, so compare what the operator owns: metadata + spec. */
  static final class Serialization {
    static String spec(Deployment d) {
      return io.fabric8.kubernetes.client.utils.Serialization.asJson(d.getSpec())
          + io.fabric8.kubernetes.client.utils.Serialization.asJson(d.getMetadata().getAnnotations());
    }
  }

  private CkanInstanceStatus status() {
    return h.cr("portal").get().getStatus();
  }

  private static String state(CkanInstanceStatus status, int revision) {
    return status.revisions.stream().filter(r -> r.number == revision).findFirst().orElseThrow().state;
  }

  private static Set<Integer> revisionNumbers(CkanInstanceStatus status) {
    return status.revisions.stream().map(r -> r.number).collect(Collectors.toSet());
  }
}
