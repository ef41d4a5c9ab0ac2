package io.ckan.operator.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.BackupSpec;
import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.health.HttpStatusShowProbe;
import io.ckan.operator.health.Verification;
import io.ckan.operator.release.MigrationResult;
import io.ckan.operator.resources.BackupObjects;
import io.ckan.operator.resources.BackupScripts;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12: the restore path against a real PostgreSQL 15 and the real CKAN 2.11.5 kit. Revision A (production.yaml
 * without ckanext-harvest) migrates and serves; the backup Job the operator renders for revision B (A plus harvest)
 * runs as rendered (its script and the exact pg_dump command line of {@link BackupScripts}); B's migration adds the
 * harvest tables; the rendered restore Job restores the backup; A's web process then serves the restored database.
 * The services and CKAN helpers are those of {@link RealCkanConformanceTest}; skipped with it when the kit is absent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class BackupRestoreConformanceTest {
  final RealCkanConformanceTest tier = new RealCkanConformanceTest();

  @BeforeAll
  void startServices() throws Exception {
    tier.startServices();
  }

  @AfterAll
  void stopServices() throws Exception {
    tier.stopServices();
  }

  /** production.yaml with a backup to a PVC; {@code harvest} false drops ckanext-harvest and its plugins. */
  RenderedRevision render(boolean harvest) throws Exception {
    return tier.render("production.yaml", i -> {
      i.getSpec().backup = new BackupSpec();
      i.getSpec().backup.pvc = new BackupSpec.PvcDestination();
      i.getSpec().backup.pvc.claimName = "ckan-backups";
      if (!harvest) {
        i.getSpec().extensions.removeIf(e -> e.name.equals("harvest"));
        i.getSpec().plugins.removeAll(List.of("harvest", "ckan_harvester"));
        if (i.getSpec().schedules != null) { // a harvest schedule needs the plugin (ScheduleCheck)
          i.getSpec().schedules.removeIf(sc -> sc.command.startsWith("harvester "));
        }
      }
    });
  }

  /** Runs a rendered Job's container as a local process with PostgreSQL 15's client on PATH; returns its log. */
  LocalContainer run(RenderedRevision r, Job job, String name, Path backups) throws Exception {
    Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    Path pod = Files.createDirectories(tier.work.resolve("pods").resolve(name));
    LocalContainer container = LocalContainer.builder(c)
        .secrets(r.secrets)
        .pathMap(new PathMap().map(BackupObjects.MOUNT, backups)
            .map(LocalContainer.DEFAULT_TERMINATION_LOG, pod.resolve("termination-log")).map("/tmp", pod))
        .path(List.of(LoopbackServices.PG_BIN))
        .logFile(pod.resolve("container.log"))
        .build();
    tier.running.add(container);
    OptionalInt exit = container.start().waitFor(RealCkanConformanceTest.START);
    assertEquals(OptionalInt.of(0), exit, container.log());
    return container;
  }

  long harvestTables() {
    return Long.parseLong(tier.services.psql("select count(*) from information_schema.tables where table_name like "
        + "'harvest%'").trim());
  }

  @Test
  void aBackupTakenBeforeAMigrationThatAddsTablesRestoresTheOldSchemaAndThePreviousRevisionServesIt()
      throws Exception {
    tier.services.resetDatabase();
    RenderedRevision previous = render(false);
    RenderedRevision next = render(true);
    MigrationResult a = tier.migrate(previous, "migrate-previous");
    assertEquals(0, harvestTables(), "revision A has no harvest tables");
    tier.ckan(previous, "user", "add", "before-backup", "email=before@example.org", "password=Pw-" +
        RenderedRevision.token());

    // the backup Job of revision B, as the operator renders it
    Path backups = Files.createDirectories(tier.work.resolve("backup-volume"));
    CkanInstance instance = next.instance;
    String name = BackupScripts.backupName("portal", 2, next.release.fingerprint());
    Job backupJob = BackupObjects.backup(Owner.of(instance), instance.getSpec(), 2, name);
    String script = backupJob.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand().get(2);
    assertTrue(script.contains(BackupScripts.dumpCommand(BackupScripts.DATABASE_URL_ENV, name + ".dump.partial")),
        "the generator's exact pg_dump command line: " + script);
    long t0 = System.nanoTime();
    LocalContainer backup = run(next, backupJob, "backup", backups);
    double backupSeconds = (System.nanoTime() - t0) / 1e9;
    Path dir = backups.resolve("portal");
    Path dump = dir.resolve(name + BackupScripts.DUMP);
    assertTrue(Files.size(dump) > 10_000, "a real dump: " + Files.size(dump));
    assertTrue(Files.exists(dir.resolve(name + BackupScripts.DATASTORE_DUMP)), "the DataStore is dumped too");
    assertEquals("backup " + name + " complete", backup.terminationMessage().orElse("").trim());
    assertFalse(backup.log().contains("ckanpass"), "no password in the Job's log");

    // revision B migrates: the harvest plugin's tables appear; data written after the backup
    MigrationResult b = tier.migrate(next, "migrate-next");
    assertTrue(harvestTables() >= 3, "harvest added its tables: " + harvestTables());
    tier.ckan(next, "user", "add", "after-backup", "email=after@example.org", "password=Pw-" + RenderedRevision.token());

    // the restore Job kubectl ckan restore creates
    Job restoreJob = BackupObjects.restore(Owner.of(instance), instance.getSpec(), name, "t1");
    long t1 = System.nanoTime();
    run(next, restoreJob, "restore", backups);
    double restoreSeconds = (System.nanoTime() - t1) / 1e9;
    assertEquals(0, harvestTables(), "the restore removed the tables the later migration added");
    assertEquals(a.after(), tier.services.psql("select version_num from alembic_version").trim(),
        "core schema head as revision A left it (B's was " + b.after() + ")");

    // revision A's web process (no harvest) serves the restored database
    int port = LoopbackServices.freePort();
    LocalContainer web = tier.start(previous, previous.webContainer(), "web-previous", port);
    tier.awaitStatusShow(web, port);
    Verification.Result health = Verification.check(tier.probe(port), previous.release.version(),
        previous.release.plugins(), true);
    assertTrue(health.passed(), health.message());
    assertEquals(200, RealCkanConformanceTest.get(port, HttpStatusShowProbe.PATH).statusCode());
    assertTrue(RealCkanConformanceTest.get(port, "/api/3/action/user_show?id=before-backup").body()
        .contains("\"success\": true"), "data from before the backup is there");
    assertEquals(404, RealCkanConformanceTest.get(port, "/api/3/action/user_show?id=after-backup").statusCode(),
        "data written after the backup is not");
    System.out.printf("[backup conformance] dump %d bytes (+ DataStore %d bytes), backup %.2f s, restore %.2f s%n",
        Files.size(dump), Files.size(dir.resolve(name + BackupScripts.DATASTORE_DUMP)), backupSeconds,
        restoreSeconds);
  }
}
