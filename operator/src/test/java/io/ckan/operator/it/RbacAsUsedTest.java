package io.ckan.operator.it;

import io.ckan.operator.reconcile.OperatorRunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.IngressSpec;
import io.ckan.operator.api.ServicesSpec;
import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.rbac.ApiPermission;
import io.ckan.operator.rbac.ChartRules;
import io.ckan.sim.Behaviour;
import io.ckan.sim.ImageBuilds;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11: the chart grants exactly what the operator uses. Every request of the operator's client (the informers'
 * lists and watches included) is recorded across scenarios that take every path (in-cluster build, failed build and
 * retry, migration, rollout, Ingress update, uploads volume, automatic revert, manual rollback, pruning, managed
 * services and generated Secrets, Events, a failed reconcile's status) and turned into the (group, resource, verb)
 * the API server's RBAC checks; the chart, rendered with helm in both modes, must grant that set: nothing used and
 * not granted, nothing granted and not used. In the watchNamespaces mode every request must also stay inside the
 * watched namespace (a Role there is all the operator has).
 */
class RbacAsUsedTest extends IntegrationTest {
  /** Leader election's Lease rights: a Role of their own in the operator's namespace, in both modes. */
  private static final String LEASES = "coordination.k8s.io/";
  private static final String LEADER_ELECTION_ROLE = "Role ckan-system/ckan-operator-leader-election";
  /**
   * JOSDK asks the server which rights it has (a SelfSubjectRulesReview) when leader election starts: every
   * authenticated user may (system:basic-user), so no rule of the chart grants it.
   */
  /**
   * Never sent (fabric8's lock writes the Lease with a patch), but JOSDK's start check asks for get, create and update
   * on Leases and refuses to start without update.
   */
  private static final String CHECKED_BY_JOSDK = "coordination.k8s.io/leases:update";
  /** Patch currency: the override of the release-line table, one ConfigMap read in the operator's namespace. */
  private static final String RELEASE_LINES_ROLE = "Role ckan-system/ckan-operator-release-lines";
  private static final String RELEASE_LINES = "ckan-release-lines";
  private static final String ASKED_BY_EVERYONE = "authorization.k8s.io/selfsubjectrulesreviews:create";

  @TempDir
  Path work;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cluster-wide", "watchNamespaces"})
  void theChartGrantsExactlyWhatTheOperatorUses(String mode) throws Exception {
    boolean namespaced = mode.equals("watchNamespaces");
    // rendered first: without helm the test is skipped before the scenarios run
    Map<String, Set<String>> roles = namespaced
        ? ChartRules.render(work, "watchNamespaces={" + OperatorHarness.NS + ",other}")
        : ChartRules.render(work);
    Scenario scenario = Scenario.create().timeScale(0.05)
        .whenJobComponent("build", ImageBuilds.pushes(Duration.ofSeconds(10)),
            ImageBuilds.failsWithConflict(Duration.ofSeconds(10)), ImageBuilds.pushes(Duration.ofSeconds(10)))
        .whenRevision("reverting", 2, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(30)));
    h = namespaced ? new OperatorHarness(scenario, Set.of(OperatorHarness.NS)) : new OperatorHarness(scenario);
    // as the chart runs it: with leader election (the Lease in the operator's namespace)
    h.stopOperator();
    h.answerLeaseAccessReviews();
    h.leaderElection = OperatorRunner.LeaderElection.of(OperatorHarness.NS, "rbac-test", () -> { });
    h.releaseLinesConfigMap = RELEASE_LINES;
    h.startOperator();
    exercise();

    List<ApiPermission> used = h.requests.all().stream()
        .map(r -> ApiPermission.of(r.method(), r.path()).orElseThrow(() -> new AssertionError("not a resource "
            + "request, no rule can grant it: " + r)))
        .filter(p -> !p.key().equals(ASKED_BY_EVERYONE)).toList();
    if (namespaced) {
      assertEquals(List.of(), used.stream().filter(p -> !OperatorHarness.NS.equals(p.namespace())).toList(),
          "watching one namespace, every request stays in it");
    }
    Set<String> usedKeys = used.stream().map(ApiPermission::key).collect(Collectors.toCollection(TreeSet::new));
    usedKeys.addAll(holderReads(usedKeys));
    Set<String> leases = usedKeys.stream().filter(k -> k.startsWith(LEASES))
        .collect(Collectors.toCollection(TreeSet::new));
    assertTrue(leases.contains(LEASES + "leases:patch"), "leader election ran: " + leases);
    leases.add(CHECKED_BY_JOSDK);
    Set<String> resources = new TreeSet<>(usedKeys);
    resources.removeAll(leases);

    Set<String> expectedRoles = new TreeSet<>(namespaced
        ? Set.of("Role " + OperatorHarness.NS + "/ckan-operator", "Role other/ckan-operator")
        : Set.of("ClusterRole /ckan-operator"));
    expectedRoles.add(LEADER_ELECTION_ROLE);
    expectedRoles.add(RELEASE_LINES_ROLE);
    assertEquals(expectedRoles, roles.keySet());
    assertTrue(h.requests.all().stream().anyMatch(r -> r.method().equals("GET") && r.path().startsWith("/api/v1/"
        + "namespaces/" + OperatorHarness.NS + "/configmaps/" + RELEASE_LINES)), "the override was read");
    roles.forEach((role, grants) -> exactly(role, grants, role.equals(LEADER_ELECTION_ROLE) ? leases
        : role.equals(RELEASE_LINES_ROLE) ? Set.of("/configmaps:get") : resources));
  }

  /**
   * The operator creates without reading first; when the server answers 409 it reads the name's holder (a GET) to
   * tell its own object from a foreign one (NameConflict). So every kind it creates through its applier is also read,
   * though the scenarios here (no name taken) never send that GET; AdversarialFindingsIntegrationTest takes that path.
   * Secrets (read anyway, never a holder check) and Events (never read) are not created through the applier, and the
   * holder of a CronJob's name is looked up in the informer cache (PeriodicWorkApplier), never read.
   */
  private static Set<String> holderReads(Set<String> used) {
    return used.stream().filter(k -> k.endsWith(":create") && !k.startsWith("/events:") && !k.startsWith("/secrets:")
        && !k.startsWith(LEASES) && !k.startsWith("batch/cronjobs:")).map(k -> k.replace(":create", ":get")).collect(Collectors.toSet());
  }

  private static void exactly(String role, Set<String> grants, Set<String> used) {
    Set<String> missing = new TreeSet<>(used);
    missing.removeAll(grants);
    Set<String> unused = new TreeSet<>(grants);
    unused.removeAll(used);
    assertEquals(Set.of(), missing, role + ": used by the operator and not granted");
    assertEquals(Set.of(), unused, role + ": granted and never used (used: " + used + ")");
  }

  /** Every path the operator takes, one instance after the other. */
  private void exercise() {
    // in-cluster build, migration, rollout; Ingress created then updated; uploads volume
    CkanInstanceSpec built = ImageBuildIntegrationTest.spec("2.11.4");
    built.ingress = new IngressSpec();
    built.ingress.host = "data.example.org";
    built.storage = new StorageSpec();
    built.storage.size = "10Gi";
    h.apply(OperatorHarness.instance("portal", built));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.ingress.host = "open.example.org");
    h.watchUntil(T, () -> { }, x -> "open.example.org".equals(x.client.network().v1().ingresses()
        .inNamespace(OperatorHarness.NS).withName("portal").get().getSpec().getRules().get(0).getHost()));
    // a failed build (its verdict on the config snapshot), a retry (the failed Job deleted), a manual rollback
    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> { }, x -> x.condition("portal", "Stalled") != null
        && "BuildFailed".equals(x.condition("portal", "Stalled").getReason()));
    h.annotate("portal", Labels.RETRY, "again");
    h.awaitReady("portal", 2, T);
    h.annotate("portal", Labels.ROLLBACK_TO, "1");
    h.watchUntil(T, () -> { }, x -> x.conditionIs("portal", "RolledBack", "True"));

    // an automatic revert, then revisions beyond the history limit pruned
    CkanInstanceSpec reverting = RevisionRolloutIntegrationTest.spec("2.11.4", 1);
    // a schedule: its CronJob created, switched by patch on the deploy and the revert, deleted when removed
    reverting.schedules = SchedulesIntegrationTest.spec("2.11.4", 1).schedules;
    reverting.rollout.bakeSeconds = 60;
    reverting.rollout.revisionHistoryLimit = 1;
    h.apply(OperatorHarness.instance("reverting", reverting));
    h.awaitReady("reverting", 1, T);
    h.edit("reverting", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> { }, x -> x.conditionIs("reverting", "RolledBack", "True"));
    h.edit("reverting", s -> {
      s.version = "2.11.3";
      s.rollout.bakeSeconds = 1;
    });
    h.awaitReady("reverting", 3, T);
    h.edit("reverting", s -> s.schedules = null);
    h.watchUntil(T, () -> { }, x -> x.client.batch().v1().cronjobs().inNamespace(OperatorHarness.NS)
        .withName("reverting-cron-orphans").get() == null);
    org.awaitility.Awaitility.await("pruned beyond the history limit").atMost(T.multipliedBy(2))
        .untilAsserted(() -> assertTrue(h.revisions("reverting").size() <= 2, "revisions " + h.revisions("reverting")
            .keySet() + ", status " + io.fabric8.kubernetes.client.utils.Serialization.asYaml(h.cr("reverting").get()
                .getStatus())));

    // managed services with generated Secrets; a failed reconcile reported in status
    h.cluster.server().expect().post().withPath("/apis/apps/v1/namespaces/" + OperatorHarness.NS + "/deployments")
        .andReturn(500, new StatusBuilder().withCode(500).withStatus("Failure").withMessage("etcd timed out").build())
        .once();
    CkanInstanceSpec managed = RevisionRolloutIntegrationTest.spec("2.11.5", 1);
    managed.services = new ServicesSpec();
    managed.services.managed = true;
    managed.storage = new StorageSpec();
    managed.storage.size = "1Gi";
    managed.storage.deleteWithInstance = true;
    h.apply(OperatorHarness.instance("quick", managed));
    h.awaitReady("quick", 1, T);
    assertTrue(h.client.v1().events().inNamespace(OperatorHarness.NS).list().getItems().stream()
        .anyMatch(e -> "ReconcileError".equals(e.getReason())), "the failed reconcile happened");
    assertFalse(h.client.secrets().inNamespace(OperatorHarness.NS).withName("quick-services").get() == null);
  }
}
