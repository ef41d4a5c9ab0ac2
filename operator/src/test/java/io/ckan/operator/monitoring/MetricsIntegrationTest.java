package io.ckan.operator.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.health.HttpStatusShowProbe;
import io.ckan.operator.it.OperatorHarness;
import io.ckan.operator.reconcile.OperatorRunner;
import io.ckan.sim.Behaviour;
import io.ckan.sim.CkanBehaviour;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} scraped over HTTP after a rollout, a failed verification and an automatic revert, run by the real
 * operator against the simulated cluster.
 */
class MetricsIntegrationTest {
  static final Duration T = Duration.ofSeconds(30);
  private OperatorHarness h;
  private KubernetesClient client;
  private OperatorRunner runner;
  private ProbeServer probes;

  @AfterEach
  void stop() {
    if (probes != null) {
      probes.close();
    }
    if (runner != null) {
      runner.close();
      client.close();
    }
    if (h != null) {
      h.close();
    }
  }

  static CkanInstanceSpec spec(String version, String siteUrl, int bakeSeconds) {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = version;
    spec.plugins = new ArrayList<>(List.of("activity", "datatables_view"));
    spec.config = new HashMap<>(java.util.Map.of("ckan.site_url", siteUrl));
    spec.services = io.ckan.operator.TestServices.external();
    spec.replicas = 1;
    spec.rollout = new RolloutSpec();
    spec.rollout.bakeSeconds = bakeSeconds;
    return spec;
  }

  private Scrape scrape() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + probes.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    return Scrape.parse(response.body());
  }

  @Test
  void aRolloutAFailedVerificationAndARevertAreCounted() throws Exception {
    Scenario scenario = Scenario.create().timeScale(0.05);
    scenario.ckanWhenRevision("portal", 3, CkanBehaviour.missingPlugins("datatables_view"));
    scenario.whenRevision("portal", 4, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(30)));
    h = OperatorHarness.withoutOperator(scenario);
    client = new KubernetesClientBuilder().withConfig(h.cluster.clientConfig()).build();
    probes = ProbeServer.start(0, Duration.ofMinutes(5));
    runner = OperatorRunner.start(client, Set.of(), Clock.systemUTC(),
        new HttpStatusShowProbe(h.workloads::serviceUrl, Duration.ofSeconds(2)), line -> { },
        OperatorRunner.Options.defaults().withRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)));
    probes.serve(runner);
    Scrape fresh = scrape();
    assertEquals(0, fresh.get("ckan_rollouts_started_total", "reason", "NewRevision"), "every series from the start");
    assertEquals(1, fresh.get("ckan_operator_leader"), "without leader election this replica reconciles");

    // a rollout: revision 1, then an upgrade to revision 2, both baked and Stable
    h.apply(OperatorHarness.instance("portal", spec("2.11.4", "https://a.example.org", 1)));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.awaitReady("portal", 2, T);
    h.watchUntil(T, () -> { }, x -> "Stable".equals(state(2)) && "Superseded".equals(state(1)));
    Scrape rolledOut = scrape();
    assertEquals(2, rolledOut.get("ckan_rollouts_started_total", "reason", "NewRevision"));
    assertEquals(2, rolledOut.get("ckan_rollouts_succeeded_total"));
    assertEquals(2, rolledOut.get("ckan_verification_duration_seconds_count", "outcome", "Verified"));
    assertEquals(2, rolledOut.get("ckan_migration_duration_seconds_count", "outcome", "Succeeded"));
    assertEquals(2, rolledOut.get("ckan_live_revision", "namespace", "default", "instance", "portal"));
    assertEquals(1, rolledOut.get("ckan_instances", "condition", "Ready", "status", "True"));
    assertEquals(0, rolledOut.get("ckan_instances", "condition", "Ready", "status", "False"));
    // patch currency: edited from 2.11.4 to the line's latest patch
    assertEquals(1, rolledOut.get("ckan_instances", "condition", "PatchCurrent", "status", "True"));
    assertEquals(0, rolledOut.get("ckan_instances", "condition", "PatchCurrent", "status", "False"));
    double verifying = rolledOut.get("ckan_verification_duration_seconds_sum", "outcome", "Verified");
    assertTrue(verifying > 0.1 && verifying < 20, "two verifications took (simulated pods start in 0.1 s) "
        + verifying + " s");
    // JOSDK's reconcile metrics are there too
    assertTrue(rolledOut.sum("operator_sdk_reconciliations_success_total") >= 4, rolledOut.names().toString());
    assertTrue(rolledOut.sum("operator_sdk_controllers_execution_reconcile_seconds_count") >= 4);

    // a failed verification: revision 3's CKAN lacks a plugin of the spec
    h.edit("portal", s -> s.config.put("ckan.site_url", "https://b.example.org"));
    h.watchUntil(T, () -> { }, x -> "Failed".equals(state(3)));
    Scrape failed = scrape();
    assertEquals(1, failed.get("ckan_rollouts_failed_total", "reason", "VerificationFailed"));
    assertEquals(1, failed.get("ckan_verification_duration_seconds_count", "outcome", "Failed"));
    assertEquals(2, failed.get("ckan_live_revision", "namespace", "default", "instance", "portal"), "still 2");
    assertEquals(1, failed.get("ckan_instances", "condition", "Stalled", "status", "True"));
    assertEquals(3, failed.get("ckan_rollouts_started_total", "reason", "NewRevision"));

    // an automatic revert: revision 4 goes live, then loses its replicas within its bake window
    AtomicLong failedAt = new AtomicLong();
    h.workloads.onEvent(line -> {
      if (line.contains("deployment default/portal-r4 unhealthy")) {
        failedAt.compareAndSet(0, System.nanoTime());
      }
    });
    h.edit("portal", s -> {
      s.config.put("ckan.site_url", "https://c.example.org");
      s.rollout.bakeSeconds = 60;
    });
    h.watchUntil(T, () -> { }, x -> Integer.valueOf(4).equals(x.pointer("portal")));
    h.watchUntil(T, () -> { }, x -> Integer.valueOf(2).equals(x.pointer("portal")));
    long flipSeen = System.nanoTime();
    h.watchUntil(T, () -> { }, x -> "RolledBack".equals(state(4)) && x.conditionIs("portal", "RolledBack", "True"));
    Scrape reverted = scrape();
    assertEquals(1, reverted.get("ckan_reverts_total", "reason", "NoAvailableReplicas"));
    assertEquals(0, reverted.get("ckan_reverts_total", "reason", "FailedVerification"));
    assertEquals(1, reverted.get("ckan_failure_to_revert_seconds_count"));
    double toRevert = reverted.get("ckan_failure_to_revert_seconds_sum");
    System.out.println("failure to revert: " + toRevert + " s");
    // from the kubelet's report to the flip seen by the test bounds it (plus 0.2 s for an event that was already
    // waiting for a reconcile when the failure came, which the metric counts from)
    double bound = (flipSeen - failedAt.get()) / 1e9;
    assertTrue(failedAt.get() != 0 && toRevert > 0 && toRevert <= bound + 0.2, "from the operator's first event "
        + "to the flip " + toRevert + " s, within the " + bound + " s from the simulated kubelet's report to the "
        + "flip seen");
    assertEquals(2, reverted.get("ckan_live_revision", "namespace", "default", "instance", "portal"));
    assertEquals(1, reverted.get("ckan_instances", "condition", "RolledBack", "status", "True"));
    assertEquals(2, reverted.get("ckan_rollouts_succeeded_total"), "revision 4 was reverted, not Stable");
    assertEquals(3, reverted.get("ckan_verification_duration_seconds_count", "outcome", "Verified"));
    assertEquals(4, reverted.get("ckan_rollouts_started_total", "reason", "NewRevision"));
    assertEquals(0, reverted.get("ckan_rollbacks_total", "outcome", "Done"));
    everyMetricTheDashboardQueriesIsScraped(reverted);
  }

  /** examples/grafana/ckan-operator.json is built on these names: each one it queries exists in the scrape. */
  private static void everyMetricTheDashboardQueriesIsScraped(Scrape scrape) throws Exception {
    var dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        java.nio.file.Path.of("../examples/grafana/ckan-operator.json").toFile());
    java.util.Set<String> queried = new java.util.TreeSet<>();
    java.util.regex.Pattern metric = java.util.regex.Pattern.compile("\\b(ckan_[a-z_]+|operator_sdk_[a-z_]+)\\b");
    dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> {
      var m = metric.matcher(t.path("expr").asText());
      while (m.find()) {
        queried.add(m.group(1));
      }
    }));
    assertTrue(queried.size() >= 12, "the dashboard queries " + queried);
    java.util.Set<String> missing = new java.util.TreeSet<>(queried);
    missing.removeAll(scrape.names());
    assertEquals(java.util.Set.of(), missing, "metrics the dashboard queries but the operator does not export");
  }

  private String state(int revision) {
    var status = h.cr("portal").get().getStatus();
    return status == null ? null : status.revisions.stream().filter(r -> r.number == revision).map(r -> r.state)
        .findFirst().orElse(null);
  }
}
