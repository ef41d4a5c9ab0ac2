package io.ckan.operator.ha;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.it.OperatorHarness;
import io.ckan.operator.reconcile.OperatorRunner;
import io.ckan.sim.Behaviour;
import io.ckan.sim.RequestLog;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two operator replicas against the simulated cluster, sharing one Lease. */
class LeaderElectionIntegrationTest {
  static final Duration T = Duration.ofSeconds(30);
  static final Duration LEASE = Duration.ofSeconds(3);
  private final List<AutoCloseable> open = new ArrayList<>();
  private OperatorHarness h;

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private void cluster(Scenario scenario) {
    h = OperatorHarness.withoutOperator(scenario);
    open.add(h);
    h.answerLeaseAccessReviews();
  }

  private Replica replica(String identity, Duration lease) {
    Replica r = new Replica(h, identity, lease);
    open.add(r); // closed before the cluster (the list is closed from its end)
    return r;
  }

  static CkanInstanceSpec spec(String version) {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = version;
    spec.plugins = new ArrayList<>(List.of("activity"));
    spec.config = Map.of("ckan.site_url", "https://data.example.org");
    spec.services = io.ckan.operator.TestServices.external();
    spec.replicas = 1;
    spec.rollout = new RolloutSpec();
    spec.rollout.bakeSeconds = 1;
    return spec;
  }

  @Test
  void theStandbyFinishesTheRolloutTheLeaderDiedIn() {
    Scenario scenario = Scenario.create().timeScale(0.05);
    // revision 2 needs 8 s (wall clock) to become available: the leader dies before it is verified
    scenario.whenRevision("portal", 2, Behaviour.slow(Duration.ofSeconds(160)));
    cluster(scenario);
    Replica a = replica("operator-a", LEASE);
    await().atMost(T).until(a::leads);
    Replica b = replica("operator-b", LEASE);
    await().atMost(T).untilAsserted(() -> assertTrue(b.runner().health().readiness().body()
        .contains("leader: false (lease held by operator-a)"), b.runner().health().readiness().body()));
    assertEquals(200, b.runner().health().readiness().code(), "a synced standby is ready");

    h.apply(OperatorHarness.instance("portal", spec("2.11.4")));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    await().atMost(T).until(() -> h.revisions("portal").containsKey(2));
    assertEquals(1, h.pointer("portal"), "mid-rollout: revision 2 exists, the pointer is still on 1");

    long kill = System.nanoTime();
    a.die();
    List<RequestLog.Request> leaderWrites = before(a.objectWrites(), kill);
    List<RequestLog.Request> standbyWrites = before(b.objectWrites(), kill);
    assertTrue(leaderWrites.size() > 10, "the leader rolled out revisions 1 and 2: " + leaderWrites);
    assertEquals(List.of(), standbyWrites, "the standby wrote nothing while the other replica led");
    assertFalse(b.leads());

    await().atMost(LEASE.plusSeconds(3)).pollInterval(Duration.ofMillis(20)).until(b::leads);
    Duration takeover = Duration.ofNanos(System.nanoTime() - kill);
    System.out.println("takeover after the leader's death: " + takeover.toMillis() + " ms (lease " + LEASE.toMillis()
        + " ms)");
    assertEquals(1, h.pointer("portal"), "the standby took over before revision 2 was verified");
    h.awaitReady("portal", 2, T);
    assertTrue(b.objectWrites().stream().anyMatch(w -> w.path().endsWith("/services/portal")),
        "the new leader moved the pointer: " + b.objectWrites());
    assertFalse(a.lostLease.get() || b.lostLease.get(), "neither replica lost a lease it held while running");

    List<HistoryEntry> history = h.cr("portal").get().getStatus().history;
    List<String> moves = history.stream().map(e -> e.type + " " + e.from + "->" + e.to).toList();
    assertEquals(List.of("Deploy null->1", "Deploy 1->2"), moves, "one history entry per pointer move");
    assertEquals(moves.size(), moves.stream().collect(Collectors.toSet()).size());
  }

  @Test
  void aCleanStopReleasesTheLeaseSoTheStandbyTakesOverAtOnce() {
    Duration longLease = Duration.ofSeconds(20);
    cluster(Scenario.create().timeScale(0.05));
    Replica a = replica("operator-a", longLease);
    await().atMost(T).until(a::leads);
    Replica b = replica("operator-b", longLease);
    h.apply(OperatorHarness.instance("portal", spec("2.11.5")));
    h.awaitReady("portal", 1, T);
    assertTrue(a.runner().health().readiness().body().startsWith("ready\nleader: true"));
    assertTrue(a.runner().scrape().contains("ckan_operator_leader 1.0"));
    assertTrue(b.runner().scrape().contains("ckan_operator_leader 0.0"));

    long stop = System.nanoTime();
    a.close(); // what SIGTERM does
    await().atMost(longLease).pollInterval(Duration.ofMillis(20)).until(b::leads);
    Duration takeover = Duration.ofNanos(System.nanoTime() - stop);
    System.out.println("takeover after a clean stop: " + takeover.toMillis() + " ms (lease " + longLease.toMillis()
        + " ms)");
    assertTrue(takeover.compareTo(Duration.ofSeconds(5)) < 0, "released, not expired: " + takeover);
    Lease lease = h.client.leases().inNamespace(Replica.LEASE_NAMESPACE)
        .withName(OperatorRunner.LeaderElection.LEASE_NAME).get();
    assertEquals("operator-b", lease.getSpec().getHolderIdentity());
    // the new leader goes on: a change after the takeover is rolled out by it
    h.edit("portal", s -> s.replicas = 2);
    await().atMost(T).until(() -> h.revisions("portal").get(1).getSpec().getReplicas() == 2);
    assertTrue(b.objectWrites().stream().anyMatch(w -> w.path().endsWith("/deployments/portal-r1")));
  }

  private static List<RequestLog.Request> before(List<RequestLog.Request> requests, long nanos) {
    return requests.stream().filter(r -> r.nanos() < nanos).toList();
  }
}
