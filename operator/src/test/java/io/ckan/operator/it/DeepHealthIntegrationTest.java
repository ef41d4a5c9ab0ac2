package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.api.RevisionStatus;
import io.ckan.operator.api.SmokeCheckSpec;
import io.ckan.operator.contract.Reasons;
import io.ckan.sim.RequestLog;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13, deep health in the simulated cluster: verification and the bake window also ask CKAN's Solr
 * ({@code package_search?rows=0}) and database ({@code package_list?limit=1}) actions, and Redis where sessions live
 * in it; the fake CKAN answers outages as the real one did (recordings).
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

  /** Revision 1 Stable, then revision 2 live with a 60 s bake window (revision 1 warm). */
  Scenario liveOnTwoInItsBakeWindow() {
    Scenario scenario = HealthGatedRolloutIntegrationTest.fast();
    h = new OperatorHarness(scenario);
    h.apply(OperatorHarness.instance("portal", HealthGatedRolloutIntegrationTest.spec("2.11.4", 1200))); // 60 s
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> { }, x -> Integer.valueOf(2).equals(x.pointer("portal")));
    h.awaitCondition("portal", "Reconciling", "True", T);
    return scenario;
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
        x -> message("Reconciling").contains("the Solr check failed: package_search answered HTTP 500 (Search "
            + "Connection Error)"));
    assertTrue(h.cluster.ckan().requestCount("/" + OperatorHarness.NS + "/portal-r2/api/3/action/package_search") > 0);
    h.watchUntil(T, () -> assertEquals(1, h.pointer("portal"), "the pointer left revision 1"),
        x -> revision(2) != null && "Failed".equals(revision(2).state));
    assertTrue(revision(2).reason.contains("Solr check failed"), revision(2).reason);
  }

  @Test
  void solrFailingDuringTheBakeWindowDoesNotRevertAndIsReported() {
    Scenario scenario = liveOnTwoInItsBakeWindow();

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

  /**
   * PostgreSQL or Redis failing during the bake window: as recorded from a real CKAN, a stopped PostgreSQL fails
   * status_show itself (CKAN reads the database before every request), and a stopped Redis fails requests with a
   * session cookie; both revisions fail alike, so the pointer stays and DependencyUnavailable names the dependency.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"database", "Redis"})
  void aDatabaseOrRedisOutageDuringTheBakeWindowDoesNotRevertAndIsReported(String dependency) {
    Scenario scenario = liveOnTwoInItsBakeWindow();

    long outage = System.nanoTime();
    if (dependency.equals("database")) {
      scenario.databaseDown(true);
    } else {
      scenario.redisDown(true);
    }
    h.watchUntil(T, () -> assertEquals(2, h.pointer("portal"), "reverted for a " + dependency + " outage"),
        x -> Reasons.DEPENDENCY_UNAVAILABLE.equals(h.condition("portal", "Stalled").getReason()));
    assertTrue(message("Stalled").contains("the " + dependency + " check failed") && message("Stalled")
        .contains("revision 1"), message("Stalled"));
    List<RequestLog.Request> since = h.requests.since(outage);
    assertEquals(-1, RequestLog.indexOf(since, "PATCH", "/services/portal"), "no pointer write: " + since);

    scenario.databaseDown(false).redisDown(false);
    h.watchUntil(T, () -> assertEquals(2, h.pointer("portal")),
        x -> !Reasons.DEPENDENCY_UNAVAILABLE.equals(h.condition("portal", "Stalled").getReason())
            || h.conditionIs("portal", "Stalled", "False"));
  }

  static SmokeCheckSpec check(String path) {
    SmokeCheckSpec check = new SmokeCheckSpec();
    check.path = path;
    return check;
  }

  /**
   * rollout.checks[]: a smoke check runs against each revision's own Service; one that fails keeps the pointer off
   * the new revision, with the check named in the condition and the revision's verdict.
   */
  @Test
  void aFailingSmokeCheckKeepsThePointerOffTheNewRevision() {
    Scenario scenario = HealthGatedRolloutIntegrationTest.fast();
    scenario.pageWhenRevision("portal", 2, "/dataset", 500); // revision 2 broke the dataset page
    h = new OperatorHarness(scenario);
    CkanInstanceSpec spec = HealthGatedRolloutIntegrationTest.spec("2.11.4", 1);
    spec.rollout.checks = List.of(check("/dataset"));
    spec.rollout.progressDeadlineSeconds = 6; // the operator's verification deadline is wall-clock time
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitReady("portal", 1, T); // revision 1 passes the same check
    assertTrue(h.cluster.ckan().requestCount("/" + OperatorHarness.NS + "/portal-r1/dataset") > 0,
        "the smoke check asked revision 1's own Service");

    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> assertEquals(1, h.pointer("portal"), "the pointer left revision 1"),
        x -> message("Reconciling").contains("the smoke check GET /dataset failed: answered HTTP 500, expected 200"));
    assertTrue(h.cluster.ckan().requestCount("/" + OperatorHarness.NS + "/portal-r2/dataset") > 0);
    h.watchUntil(T, () -> assertEquals(1, h.pointer("portal"), "the pointer left revision 1"),
        x -> revision(2) != null && "Failed".equals(revision(2).state));
    assertTrue(revision(2).reason.contains("smoke check GET /dataset failed"), revision(2).reason);
    assertTrue(message("Stalled").contains("smoke check GET /dataset failed"), message("Stalled"));
  }
}
