package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.api.RevisionStatus;
import io.ckan.operator.contract.Reasons;
import io.ckan.sim.RequestLog;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, deep health in the simulated cluster: verification and the bake window also ask CKAN's Solr
 * ({@code package_search?rows=0}) and database ({@code package_list?limit=1}) actions.
 */
class DeepHealthIntegrationTest extends IntegrationTest {

  RevisionStatus revision(int n) {
    var status = h.cr("portal").get().getStatus();
    return status == null || status.revisions == null ? null
        : status.revisions.stream().filter(r -> r.number == n).findFirst().orElse(null);
  }

  String message(String type) {
    Condition c = h.condition("portal", type);
    return c == null ? "" : c.getReason() + ": " + c.getMessage();
  }

  long events(String reason) {
    return h.client.v1().events().inNamespace(OperatorHarness.NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()) && "portal".equals(e.getInvolvedObject().getName())).count();
  }

  @Test
  void aRevisionWhoseSolrCheckFailsIsNotSwitchedTo() {
    Scenario scenario = HealthGatedRolloutIntegrationTest.fast();
    h = new OperatorHarness(scenario);
    CkanInstanceSpec spec = HealthGatedRolloutIntegrationTest.spec("2.11.4", 1);
    spec.rollout.progressDeadlineSeconds = 6; // the operator's verification deadline is wall-clock time
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T);

    scenario.solrDown(true);
    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> assertEquals(1, h.pointer("portal"), "the pointer left revision 1"),
        x -> message("Reconciling").contains("the Solr check failed: package_search answered HTTP 409"));
    assertTrue(h.cluster.ckan().requestCount("/" + OperatorHarness.NS + "/portal-r2/api/3/action/package_search") > 0);
    h.watchUntil(T, () -> assertEquals(1, h.pointer("portal"), "the pointer left revision 1"),
        x -> revision(2) != null && "Failed".equals(revision(2).state));
    assertTrue(revision(2).reason.contains("Solr check failed"), revision(2).reason);
  }

  @Test
  void solrFailingDuringTheBakeWindowDoesNotRevertAndIsReported() {
    Scenario scenario = HealthGatedRolloutIntegrationTest.fast();
    h = new OperatorHarness(scenario);
    h.apply(OperatorHarness.instance("portal", HealthGatedRolloutIntegrationTest.spec("2.11.4", 1200))); // 60 s
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> { }, x -> Integer.valueOf(2).equals(x.pointer("portal")));
    h.awaitCondition("portal", "Reconciling", "True", T);

    long outage = System.nanoTime();
    scenario.solrDown(true);
    h.watchUntil(T, () -> assertEquals(2, h.pointer("portal"), "reverted for a Solr outage"),
        x -> Reasons.DEPENDENCY_UNAVAILABLE.equals(h.condition("portal", "Stalled").getReason()));
    assertTrue(h.conditionIs("portal", "Stalled", "True"));
    assertTrue(message("Stalled").contains("Solr") && message("Stalled").contains("revision 1"), message("Stalled"));
    h.watchUntil(T, () -> { }, x -> events(Reasons.DEPENDENCY_UNAVAILABLE) == 1);

    List<RequestLog.Request> since = h.requests.since(outage);
    assertEquals(-1, RequestLog.indexOf(since, "PATCH", "/services/portal"), "no pointer write: " + since);
    List<HistoryEntry> history = h.cr("portal").get().getStatus().history;
    assertEquals(Reasons.DEPLOY, history.get(history.size() - 1).type, history.toString());

    // Solr back: the report clears, still no revert, and it was announced once
    scenario.solrDown(false);
    h.watchUntil(T, () -> assertEquals(2, h.pointer("portal")),
        x -> !Reasons.DEPENDENCY_UNAVAILABLE.equals(h.condition("portal", "Stalled").getReason())
            || h.conditionIs("portal", "Stalled", "False"));
    assertEquals(1, events(Reasons.DEPENDENCY_UNAVAILABLE), "the outage is announced once");
  }
}
