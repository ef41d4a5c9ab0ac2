package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.api.IngressSpec;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.RequestLog;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 2, in the simulated cluster: with rollout.promotion manual, a verified revision waits (seen at its
 * preview host) while the live one serves, writing nothing but its status; a ckan.io/promote request naming it
 * switches the pointer exactly once; the same request again does nothing; a request naming another revision is
 * refused and never acted on. Writes are counted on the operator's client after reconciles the test triggers.
 */
class PromotionIntegrationTest extends IntegrationTest {
  private static final String STATUS = "/status";

  static CkanInstanceSpec manualWithPreviews(String version) {
    CkanInstanceSpec spec = RevisionRolloutIntegrationTest.spec(version, 1);
    spec.rollout.promotion = RolloutSpec.Promotion.manual;
    spec.ingress = new IngressSpec();
    spec.ingress.host = "data.example.org";
    spec.ingress.previewHost = "r{revision}.preview.example.org";
    return spec;
  }

  /** Reconciles the instance {@code times} more (an annotation nobody reads); the operator's writes meanwhile. */
  private List<RequestLog.Request> writesOverNudges(int times) {
    long since = System.nanoTime();
    for (int i = 0; i < times; i++) {
      int before = h.reconciles.get();
      h.annotate("portal", "test.ckan.io/nudge", String.valueOf(System.nanoTime()));
      Awaitility.await("nudged reconcile").atMost(T).until(() -> h.reconciles.get() > before);
    }
    return h.requests.since(since).stream().filter(RequestLog.Request::isWrite).toList();
  }

  private Ingress preview(int revision) {
    return h.client.network().v1().ingresses().inNamespace(OperatorHarness.NS).withName("portal-r" + revision).get();
  }

  private List<HistoryEntry> deploysTo(int revision) {
    return h.cr("portal").get().getStatus().history.stream()
        .filter(e -> "Deploy".equals(e.type) && Integer.valueOf(revision).equals(e.to)).toList();
  }

  private long events(String reason) {
    return h.client.v1().events().inNamespace(OperatorHarness.NS).list().getItems().stream()
        .filter(e -> "portal".equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())).count();
  }

  private Event event(String reason) {
    return h.client.v1().events().inNamespace(OperatorHarness.NS).list().getItems().stream()
        .filter(e -> "portal".equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())).findFirst()
        .orElseThrow();
  }

  @Test
  void aManualPromotionWaitsWritingNothingThenSwitchesOnceOnTheRequestNamingIt() {
    h = new OperatorHarness(RevisionRolloutIntegrationTest.fast());
    h.apply(OperatorHarness.instance("portal", manualWithPreviews("2.11.4")));
    h.awaitReady("portal", 1, T); // nothing served yet: the first revision goes live by itself
    h.watchUntil(T, () -> { }, x -> preview(1) != null);
    assertEquals("r1.preview.example.org", preview(1).getSpec().getRules().get(0).getHost());
    assertEquals("portal-r1", preview(1).getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend()
        .getService().getName(), "the revision's own Service");

    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> assertEquals(Integer.valueOf(1), h.pointer("portal"), "the pointer waits"),
        x -> "AwaitingPromotion".equals(x.condition("portal", "Ready").getReason()) && preview(2) != null);
    assertEquals("r2.preview.example.org", preview(2).getSpec().getRules().get(0).getHost(),
        "the waiting revision can be looked at");
    String waiting = h.condition("portal", "Ready").getMessage();
    assertTrue(waiting.contains("kubectl annotate ckan portal -n " + OperatorHarness.NS + " ckan.io/promote=2")
        && waiting.contains("kubectl ckan promote portal"), waiting);
    assertEquals("False", h.condition("portal", "Reconciling").getStatus());
    assertEquals("False", h.condition("portal", "Stalled").getStatus());
    assertEquals(1, events("AwaitingPromotion"));

    // waiting: reconciled again and again, the operator writes nothing but (at most) its status
    List<RequestLog.Request> whileWaiting = writesOverNudges(4);
    assertTrue(whileWaiting.stream().allMatch(w -> w.path().endsWith(STATUS)), "writes while waiting: " + whileWaiting);
    System.out.printf("promotion: %d writes over 4 reconciles while waiting, all of them status: %s%n",
        whileWaiting.size(), whileWaiting);
    assertEquals(Integer.valueOf(1), h.pointer("portal"));
    assertEquals(1, events("AwaitingPromotion"), "announced once");

    // a request naming another revision: refused on record, nothing moves, ever
    h.annotate("portal", Labels.PROMOTE, "3");
    h.watchUntil(T, () -> assertEquals(Integer.valueOf(1), h.pointer("portal")),
        x -> x.condition("portal", "Promoted") != null);
    assertEquals("PromotionRejected", h.condition("portal", "Promoted").getReason());
    assertTrue(h.condition("portal", "Promoted").getMessage().contains("revision 2 awaits promotion, not revision 3"),
        h.condition("portal", "Promoted").getMessage());
    assertEquals("3", h.cr("portal").get().getStatus().lastHandledPromotion);
    assertEquals("Warning", event("PromotionRejected").getType());
    List<RequestLog.Request> afterRefusal = writesOverNudges(3);
    assertTrue(afterRefusal.stream().allMatch(w -> w.path().endsWith(STATUS)), "refused once: " + afterRefusal);
    assertEquals(1, events("PromotionRejected"));
    assertEquals("AwaitingPromotion", h.condition("portal", "Ready").getReason());

    // the request naming the waiting revision: one pointer move, recorded in that same write
    long promoted = System.nanoTime();
    h.annotate("portal", Labels.PROMOTE, "2");
    h.awaitReady("portal", 2, T);
    List<RequestLog.Request> pointerWrites = h.requests.since(promoted).stream().filter(r -> r.isWrite()
        && r.path().endsWith("/services/portal")).toList();
    assertEquals(1, pointerWrites.size(), "one pointer write: " + pointerWrites);
    assertEquals(1, deploysTo(2).size());
    assertTrue(deploysTo(2).get(0).reason.contains("promoted by request '2'"), deploysTo(2).get(0).reason);
    assertEquals("2", h.cr("portal").get().getStatus().lastHandledPromotion);
    assertNull(h.condition("portal", "Promoted"), "no refusal to report any more");

    // the same request again (removed and put back): nothing happens
    h.client.resources(io.ckan.operator.api.CkanInstance.class).inNamespace(OperatorHarness.NS).withName("portal")
        .edit(ci -> {
          ci.getMetadata().getAnnotations().remove(Labels.PROMOTE);
          return ci;
        });
    long again = System.nanoTime();
    h.annotate("portal", Labels.PROMOTE, "2");
    writesOverNudges(2);
    assertEquals(List.of(), h.requests.since(again).stream().filter(r -> r.isWrite()
        && r.path().contains("/services/portal")).toList(), "the pointer is not written again");
    assertEquals(1, deploysTo(2).size(), "history shows one Deploy to revision 2");
    assertEquals(Integer.valueOf(2), h.pointer("portal"));
  }

  @Test
  void previewsFollowTheSpecAndGoWithTheirRevision() {
    h = new OperatorHarness(RevisionRolloutIntegrationTest.fast());
    CkanInstanceSpec spec = RevisionRolloutIntegrationTest.spec("2.11.4", 1);
    spec.rollout.revisionHistoryLimit = 1;
    spec.ingress = new IngressSpec();
    spec.ingress.host = "data.example.org";
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);
    assertNull(preview(1), "no previews unless asked for");

    h.edit("portal", s -> s.ingress.previewHost = "{revision}.preview.example.org");
    h.watchUntil(T, () -> { }, x -> preview(1) != null);
    assertEquals("1.preview.example.org", preview(1).getSpec().getRules().get(0).getHost());
    h.edit("portal", s -> s.ingress.previewHost = "portal-r{revision}.example.org");
    h.watchUntil(T, () -> { }, x -> "portal-r1.example.org".equals(preview(1).getSpec().getRules().get(0).getHost()));

    // revisions 2 and 3: revision 1 is pruned beyond the history limit, with its preview
    h.edit("portal", s -> s.version = "2.11.5");
    h.awaitReady("portal", 2, T);
    h.edit("portal", s -> s.version = "2.11.3");
    h.awaitReady("portal", 3, T);
    h.watchUntil(T.multipliedBy(2), () -> { }, x -> !x.revisions("portal").containsKey(1) && preview(3) != null);
    assertNull(preview(1), "pruned with its revision");
    assertEquals("portal-r3.example.org", preview(3).getSpec().getRules().get(0).getHost());

    h.edit("portal", s -> s.ingress.previewHost = null);
    h.watchUntil(T, () -> { }, x -> preview(2) == null && preview(3) == null);
    assertEquals("data.example.org", h.client.network().v1().ingresses().inNamespace(OperatorHarness.NS)
        .withName("portal").get().getSpec().getRules().get(0).getHost(), "the production Ingress is untouched");
  }
}
