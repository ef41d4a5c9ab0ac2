package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.BackupSpec;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.RevisionStatus;
import io.ckan.operator.cli.kubectl.KubectlCkan;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.CkanJobs;
import io.ckan.sim.JobBehaviour;
import io.ckan.sim.RequestLog;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, backups before migrating rollouts, in the simulated cluster: backup, migrate, deploy in that order; a
 * failed backup stops the rollout with the live revision serving; the restore path (kubectl ckan restore, then a
 * rollback with allowRevertAcrossMigrations).
 */
class BackupIntegrationTest extends IntegrationTest {

  static CkanInstanceSpec spec(String version) {
    CkanInstanceSpec spec = CkanRuntimeIntegrationTest.spec(version);
    spec.backup = new BackupSpec();
    spec.backup.pvc = new BackupSpec.PvcDestination();
    spec.backup.pvc.claimName = "ckan-backups";
    spec.backup.retention = 3;
    return spec;
  }

  /** The harness with revision 1 (2.11.4) live. */
  void liveOn2114(Scenario scenario) {
    h = new OperatorHarness(scenario.timeScale(0.05)
        .whenJobComponent("migrate", CkanJobs.migratesPerVersion(Duration.ofSeconds(2))));
    CkanRuntimeIntegrationTest secrets = new CkanRuntimeIntegrationTest();
    secrets.h = h;
    secrets.secrets();
    h.apply(OperatorHarness.instance("portal", spec("2.11.4")));
    h.awaitReady("portal", 1, T);
    assertNull(job("portal-r1-backup"), "the first revision has no live revision to protect: no backup");
  }

  Job job(String name) {
    return h.client.batch().v1().jobs().inNamespace(OperatorHarness.NS).withName(name).get();
  }

  RevisionStatus revision(int n) {
    return h.cr("portal").get().getStatus().revisions.stream().filter(r -> r.number == n).findFirst().orElseThrow();
  }

  /** Writes that create Jobs and Deployments, and that patch revision 2's ConfigMap (its records), in order. */
  List<String> rolloutWrites(long since) {
    return h.requests.since(since).stream().filter(RequestLog.Request::isWrite)
        .filter(r -> r.method().equals("POST") && (r.path().endsWith("/jobs") || r.path().endsWith("/deployments"))
            || r.method().equals("PATCH") && r.path().endsWith("/configmaps/portal-r2"))
        .map(r -> r.method() + " " + r.path().substring(r.path().lastIndexOf('/', r.path().endsWith("portal-r2")
            ? r.path().length() - "/portal-r2".length() - 1 : r.path().length() - 1) + 1))
        .toList();
  }

  int kubectl(String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = KubectlCkan.execute(argv, h.client, OperatorHarness.NS, new PrintStream(out, true,
        StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC());
    lastOutput = out.toString(StandardCharsets.UTF_8);
    return code;
  }

  String lastOutput;

  /** Edits the spec to CKAN 2.11.5 (a migrating upgrade); returns when. */
  long upgradeTo2115() {
    long at = System.nanoTime();
    h.edit("portal", s -> s.version = "2.11.5");
    return at;
  }

  @Test
  void anUpgradeIsBackedUpThenMigratedThenDeployedAndTheBackupIsOnRecord() {
    liveOn2114(Scenario.create().whenJobComponent("backup", JobBehaviour.succeed(Duration.ofSeconds(2),
        "backup complete")));
    long upgrade = upgradeTo2115();
    h.awaitReady("portal", 2, T);

    List<String> writes = rolloutWrites(upgrade);
    assertEquals(List.of("POST jobs", "PATCH configmaps/portal-r2", "POST jobs", "PATCH configmaps/portal-r2",
        "POST deployments"), writes.subList(0, 5), "backup, its record, migration, its record, web: " + writes);
    int started = indexOf("backup portal-r2-");
    int recorded = indexOf("revision 2 backed up as");
    int migrated = indexOf("migration portal-r2-migrate started");
    assertTrue(started >= 0 && started < recorded && recorded < migrated, h.journal.toString());

    Job backup = job("portal-r2-backup");
    String name = backup.getMetadata().getAnnotations().get(Labels.BACKUP);
    assertTrue(name.matches("portal-r2-[0-9a-f]{12}"), name);
    assertEquals(name, revision(2).backup, "status shows the backup");
    assertEquals(name, h.client.configMaps().inNamespace(OperatorHarness.NS).withName("portal-r2").get()
        .getMetadata().getAnnotations().get(Labels.BACKUP), "on the revision's own object: status is rebuildable");
    var pod = backup.getSpec().getTemplate().getSpec();
    Container dump = pod.getContainers().get(0);
    assertEquals(BackupSpec.DEFAULT_IMAGE, dump.getImage());
    assertTrue(dump.getCommand().get(2).contains("pg_dump --format=custom"), dump.getCommand().toString());
    assertEquals("ckan-db", dump.getEnv().stream().filter(e -> e.getName().equals("CKAN_SQLALCHEMY_URL"))
        .findFirst().orElseThrow().getValueFrom().getSecretKeyRef().getName());
    assertEquals("ckan-backups", pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName());
    assertTrue(pod.getSecurityContext().getRunAsNonRoot() && dump.getSecurityContext().getCapabilities().getDrop()
        .contains("ALL") && !dump.getSecurityContext().getAllowPrivilegeEscalation(), "restricted");
    assertFalse(Serialization.asJson(backup).contains(CkanRuntimeIntegrationTest.SECRET_VALUE));
    CkanRuntimeIntegrationTest.assertNoSecretAnywhere(h);

    // a config-only change runs the same code: no backup
    h.edit("portal", s -> s.config = java.util.Map.of("ckan.site_url", "https://data.example.org/new"));
    h.awaitReady("portal", 3, T);
    assertNull(job("portal-r3-backup"), "same version, image and plugins: no backup");
    assertNull(revision(3).backup);
  }

  int indexOf(String fragment) {
    List<String> lines = List.copyOf(h.journal);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(fragment)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void aFailedBackupFailsTheRevisionWithoutMigratingWhileTheLiveRevisionServes() {
    liveOn2114(Scenario.create().whenJobComponent("backup", JobBehaviour.fail(Duration.ofSeconds(1),
        "pg_dump of the CKAN database failed")));
    long upgrade = upgradeTo2115();
    h.awaitCondition("portal", "Stalled", "True", T);
    var stalled = h.condition("portal", "Stalled");
    assertEquals("BackupFailed", stalled.getReason());
    assertTrue(stalled.getMessage().contains("pg_dump of the CKAN database failed")
        && stalled.getMessage().contains("the pointer stays on revision 1"), stalled.getMessage());
    assertTrue(h.conditionIs("portal", "Available", "True"));
    assertEquals("Failed", revision(2).state);
    assertTrue(revision(2).reason.startsWith("BackupFailed: "), revision(2).reason);
    assertTrue(h.client.v1().events().inNamespace(OperatorHarness.NS).list().getItems().stream()
        .anyMatch(e -> "BackupFailed".equals(e.getReason()) && "Warning".equals(e.getType())));

    // settled, another reconcile changes nothing: no write at all (no migration, Deployment or pointer move)
    org.awaitility.Awaitility.await("settled").atMost(T).pollInterval(Duration.ofMillis(200))
        .until(() -> h.requests.since(System.nanoTime() - Duration.ofSeconds(1).toNanos()).isEmpty());
    int before = h.reconciles.get();
    long nudge = System.nanoTime();
    h.annotate("portal", "example.org/nudge", "1");
    org.awaitility.Awaitility.await("the nudged reconcile").atMost(T).until(() -> h.reconciles.get() > before);
    assertEquals(List.of(), h.requests.since(nudge).stream().filter(RequestLog.Request::isWrite).toList());
    assertEquals(List.of("POST jobs", "PATCH configmaps/portal-r2"), rolloutWrites(upgrade),
        "the backup Job, then the revision's verdict, and nothing after it");
    var r2 = h.client.configMaps().inNamespace(OperatorHarness.NS).withName("portal-r2").get().getMetadata()
        .getAnnotations();
    assertEquals("Failed", r2.get(Labels.VERDICT));
    assertNull(r2.get(Labels.BACKUP), "no backup on record");
    assertNull(job("portal-r2-migrate"));
    assertEquals(1, h.pointer("portal"));
  }

  @Test
  void theRestorePathRestoresTheNamedBackupThenARollbackAcrossTheMigrationBringsTheOldRevisionBack() {
    liveOn2114(Scenario.create());
    h.edit("portal", s -> s.version = "2.11.5");
    h.awaitReady("portal", 2, T);
    String backup = revision(2).backup;
    assertNotNull(backup);

    h.annotate("portal", Labels.ROLLBACK_TO, "1");
    h.awaitCondition("portal", "Stalled", "True", T);
    var blocked = h.condition("portal", "Stalled");
    assertEquals("RollbackBlockedBySchema", blocked.getReason());
    assertTrue(blocked.getMessage().contains("restore the backup " + backup + " (kubectl ckan restore portal "
        + backup + ")"), blocked.getMessage());
    assertEquals(0, kubectl("status", "portal"));
    assertTrue(lastOutput.contains(backup), lastOutput);

    assertEquals(0, kubectl("restore", "portal", backup, "--token", "t1"), lastOutput);
    List<Job> restores = h.client.batch().v1().jobs().inNamespace(OperatorHarness.NS)
        .withLabel(Labels.COMPONENT, "restore").list().getItems();
    assertEquals(1, restores.size());
    Job restore = restores.get(0);
    assertEquals(backup, restore.getMetadata().getAnnotations().get(Labels.BACKUP));
    assertEquals("portal", restore.getMetadata().getOwnerReferences().get(0).getName());
    assertTrue(restore.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand().get(2)
        .contains("pg_restore --no-owner --exit-on-error --single-transaction"));
    assertEquals(4, kubectl("restore", "portal", backup, "--token", "t1"), "the same request twice: " + lastOutput);
    assertEquals(2, kubectl("restore", "portal", "portal-r2-xyz"), "not a backup name");
    assertEquals(1, h.client.batch().v1().jobs().inNamespace(OperatorHarness.NS)
        .withLabel(Labels.COMPONENT, "restore").list().getItems().size());
    org.awaitility.Awaitility.await().atMost(T).until(() -> {
      var status = h.client.batch().v1().jobs().inNamespace(OperatorHarness.NS)
          .withName(restore.getMetadata().getName()).get().getStatus();
      return status != null && status.getSucceeded() != null && status.getSucceeded() > 0;
    });

    h.edit("portal", s -> s.rollout.allowRevertAcrossMigrations = true);
    h.annotate("portal", Labels.ROLLBACK_TO, "1#after-restore");
    org.awaitility.Awaitility.await().atMost(T).until(() -> Integer.valueOf(1).equals(h.pointer("portal"))
        && "RolledBack".equals(revision(2).state));
    assertEquals(backup, revision(2).backup, "the backup stays on record");
  }
}
