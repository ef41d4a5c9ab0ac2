package io.ckan.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.plan.ObservedRevision;
import io.ckan.operator.plan.Pointer;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.resources.Owner;
import io.ckan.operator.resources.PointerService;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterObserverTest {
  static final Owner OWNER = new Owner("portal", "default", "uid-1");

  static Service pointerAt(int revision, int recorded) {
    List<HistoryEntry> history = List.of(new HistoryEntry("Deploy", null, recorded, "verified", "2026-11-29T10:00:00Z"));
    Service s = PointerService.build(OWNER, revision, Map.of(Labels.HISTORY, Serialization.asJson(history)));
    s.getMetadata().setResourceVersion("42");
    return s;
  }

  @Test
  void aRevisionWithOnlyItsWorkerLeftIsObservedAsALeftoverInsteadOfFailingTheReconcile() {
    Deployment worker = new DeploymentBuilder().withNewMetadata().withName("portal-r1-worker")
        .withLabels(Map.of(Labels.REVISION, "1", Labels.COMPONENT, Labels.WORKER)).endMetadata()
        .withNewSpec().withReplicas(0).endSpec().build();
    ObservedRevision r = ClusterObserver.observe("portal", List.of(worker), List.of(), List.of()).revisions().get(0);
    assertTrue(r.leftover());
    assertTrue(r.runtime().hasWorker());
  }

  @Test
  void aMigrationJobWithoutItsRevisionIsObservedSoItCanBePruned() {
    Job job = new JobBuilder().withNewMetadata().withName("portal-r3-migrate")
        .withLabels(Map.of(Labels.REVISION, "3", Labels.COMPONENT, Labels.MIGRATE)).endMetadata().build();
    List<ObservedRevision> revisions = ClusterObserver.observe("portal", List.of(), List.of(), List.of(),
        List.of(job)).revisions();
    assertEquals(3, revisions.get(0).number());
    assertTrue(revisions.get(0).leftover());
  }

  @Test
  void thePointerIsTheOperatorsRecordAndAHandEditedSelectorIsNotIntact() {
    Pointer intact = ClusterObserver.pointerOf("portal", pointerAt(2, 2)).orElseThrow();
    assertEquals(2, intact.revision());
    assertTrue(intact.selectorIntact());
    assertEquals("42", intact.resourceVersion());

    Pointer moved = ClusterObserver.pointerOf("portal", pointerAt(1, 2)).orElseThrow();
    assertEquals(2, moved.revision(), "the recorded revision, not the edited selector");
    assertFalse(moved.selectorIntact());

    Service extraKey = pointerAt(2, 2);
    extraKey.getSpec().getSelector().put("tier", "canary");
    assertFalse(ClusterObserver.pointerOf("portal", extraKey).orElseThrow().selectorIntact());
  }

  /**
   * Found by RbacAsUsedTest: a retry of a failed build is recorded on the config snapshot (no Deployment yet); once the
   * revision runs, that token must still count as handled, or a manual rollback (which judges the revision RolledBack)
   * was undone at once by the old ckan.io/retry annotation, taken for a new request.
   */
  @Test
  void aRetryTokenHandledOnTheConfigSnapshotStaysHandledOnceTheRevisionHasADeployment() {
    Map<String, String> labels = Map.of(Labels.REVISION, "2", Labels.COMPONENT, Labels.WEB);
    var snapshot = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("portal-r2")
        .withLabels(labels).withAnnotations(Map.of(Labels.RETRY_HANDLED, "again")).endMetadata().build();
    Deployment web = new DeploymentBuilder().withNewMetadata().withName("portal-r2").withLabels(labels)
        .withAnnotations(Map.of(Labels.VERDICT, "RolledBack")).endMetadata().withNewSpec().withReplicas(1).endSpec()
        .build();
    assertEquals("again", ClusterObserver.observe("portal", List.of(web), List.of(), List.of(snapshot)).revisions()
        .get(0).retryHandled());
    web.getMetadata().setAnnotations(Map.of(Labels.RETRY_HANDLED, "later"));
    assertEquals("later", ClusterObserver.observe("portal", List.of(web), List.of(), List.of(snapshot)).revisions()
        .get(0).retryHandled(), "a token handled on the Deployment is the newer one");
  }
}
