package io.ckan.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup and restore scripts, run by a real {@code sh} on a temporary directory, with {@code pg_dump} replaced by
 * a stub that records its arguments (the real one runs in the conformance tier against PostgreSQL 15).
 */
class BackupScriptsTest {
  static final String NAME = "portal-r7-0123456789ab";

  @TempDir
  Path dir;

  record Run(int exit, String output, String terminationMessage) {}

  /** Runs {@code script} with {@code env}; pg_dump is a stub that writes its --file and logs its arguments. */
  Run run(String script, Map<String, String> env, boolean pgDumpFails) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path stub = bin.resolve("pg_dump");
    Files.writeString(stub, "#!/bin/sh\necho \"pg_dump $*\" >> " + dir.resolve("calls") + "\n"
        + (pgDumpFails ? "exit 1\n" : "for a; do case \"$a\" in --file=*) echo dump > \"${a#--file=}\";; esac; done\n"));
    stub.toFile().setExecutable(true);
    Path termination = dir.resolve("termination-log");
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", script.replace("/dev/termination-log", termination.toString()))
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("PATH", bin + ":/usr/bin:/bin");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out, Files.exists(termination) ? Files.readString(termination).trim() : "");
  }

  Set<String> files(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void theBackupDumpsBothDatabasesUnderItsNameWithTheUrlsFromTheEnvironmentOnly() throws Exception {
    Path backups = dir.resolve("backups");
    String script = BackupScripts.backup(backups.toString(), "portal", NAME, true, 5);
    assertFalse(script.contains("secret"), "no URL in the script");
    Run run = run(script, Map.of("CKAN_SQLALCHEMY_URL", "postgresql+psycopg2://ckan:secret@db:5432/ckan",
        "CKAN_DATASTORE_WRITE_URL", "postgresql://ckan:secret@db:5432/datastore"), false);
    assertEquals(0, run.exit(), run.output());
    assertEquals(Set.of(NAME + ".dump", NAME + ".datastore.dump"), files(backups));
    assertEquals("backup " + NAME + " complete", run.terminationMessage());
    List<String> calls = Files.readAllLines(dir.resolve("calls"));
    assertEquals(List.of(
        "pg_dump --format=custom --no-owner --dbname=postgresql://ckan:secret@db:5432/ckan --file=" + NAME
            + ".dump.partial",
        "pg_dump --format=custom --no-owner --dbname=postgresql://ckan:secret@db:5432/datastore --file=" + NAME
            + ".datastore.dump.partial"), calls, "the driver suffix is dropped for libpq");
    assertFalse(run.output().contains("secret"), "the URL is never printed: " + run.output());
  }

  @Test
  void withoutADataStoreUrlOnlyTheCkanDatabaseIsDumpedAndAFailedDumpLeavesNoBackup() throws Exception {
    Path backups = dir.resolve("b");
    String script = BackupScripts.backup(backups.toString(), "portal", NAME, true, 5);
    Run ok = run(script, Map.of("CKAN_SQLALCHEMY_URL", "postgresql://ckan@db/ckan"), false);
    assertEquals(0, ok.exit(), ok.output());
    assertEquals(Set.of(NAME + ".dump"), files(backups));

    Files.delete(backups.resolve(NAME + ".dump"));
    Run failed = run(script, Map.of("CKAN_SQLALCHEMY_URL", "postgresql://ckan@db/ckan"), true);
    assertEquals(1, failed.exit());
    assertEquals("pg_dump of the CKAN database failed", failed.terminationMessage());
    assertEquals(Set.of(), files(backups), "no file carries the backup's name");
  }

  @Test
  void retentionKeepsTheNewestBackupsOfThisInstanceByRevisionNumberAndTouchesNothingElse() throws Exception {
    Path d = Files.createDirectories(dir.resolve("keep"));
    for (String f : List.of("portal-r2-aaaaaaaaaaaa.dump", "portal-r2-aaaaaaaaaaaa.datastore.dump",
        "portal-r9-bbbbbbbbbbbb.dump", "portal-r10-cccccccccccc.dump", "portal-r10-cccccccccccc.datastore.dump",
        "portal-r11-dddddddddddd.dump.partial", "portal-r-r1-eeeeeeeeeeee.dump", "portal-x-r1-ffffffffffff.dump",
        "notes.txt")) {
      Files.writeString(d.resolve(f), "x");
    }
    Run run = run("cd \"" + d + "\" && " + BackupScripts.prune("portal", 2), Map.of(), false);
    assertEquals(0, run.exit(), run.output());
    assertEquals(Set.of("portal-r9-bbbbbbbbbbbb.dump", "portal-r10-cccccccccccc.dump",
        "portal-r10-cccccccccccc.datastore.dump", "portal-r11-dddddddddddd.dump.partial",
        "portal-r-r1-eeeeeeeeeeee.dump", "portal-x-r1-ffffffffffff.dump", "notes.txt"), files(d),
        "r10 sorts after r9; other instances' files and partial dumps stay");
    assertTrue(run.output().contains("pruned portal-r2-aaaaaaaaaaaa"), run.output());
  }

  @Test
  void theUploadCopiesTheBackupToTheBucketThenDeletesTheOldestBeyondRetentionThere() throws Exception {
    Path scratch = Files.createDirectories(dir.resolve("scratch"));
    Files.writeString(scratch.resolve(NAME + ".dump"), "x");
    Files.writeString(scratch.resolve(NAME + ".datastore.dump"), "x");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    // the bucket holds r5, r6 and (after the copy) r7; "aws s3 ls" lists them as the AWS CLI does
    Files.writeString(bin.resolve("aws"), "#!/bin/sh\necho \"aws $*\" >> " + dir.resolve("aws-calls") + "\n"
        + "case \"$*\" in *' s3 ls '*) printf '%s\\n' '2026-11-30 01:00:00 10 portal-r5-aaaaaaaaaaaa.dump' "
        + "'2026-11-30 01:00:00 10 portal-r5-aaaaaaaaaaaa.datastore.dump' "
        + "'2026-11-30 01:00:00 10 portal-r6-bbbbbbbbbbbb.dump' '2026-11-30 01:00:00 10 " + NAME + ".dump' "
        + "'2026-11-30 01:00:00 10 other-r1-cccccccccccc.dump';; esac\n");
    bin.resolve("aws").toFile().setExecutable(true);
    Run run = run(BackupScripts.upload(scratch.toString(), "http://minio.backup:9000", "ckan-backups", "portal",
        "portal", NAME, 2), Map.of(), false);
    assertEquals(0, run.exit(), run.output());
    String aws = "aws --endpoint-url http://minio.backup:9000 s3 ";
    List<String> calls = Files.readAllLines(dir.resolve("aws-calls"));
    assertEquals(List.of(
        aws + "cp " + NAME + ".datastore.dump s3://ckan-backups/portal/" + NAME + ".datastore.dump",
        aws + "cp " + NAME + ".dump s3://ckan-backups/portal/" + NAME + ".dump",
        aws + "ls s3://ckan-backups/portal/",
        aws + "rm s3://ckan-backups/portal/portal-r5-aaaaaaaaaaaa.dump",
        aws + "rm s3://ckan-backups/portal/portal-r5-aaaaaaaaaaaa.datastore.dump"), calls);
    assertEquals("backup " + NAME + " uploaded", run.terminationMessage());
  }

  @Test
  void theRestoreDropsWhatTheUserOwnsThenRestoresInOneTransaction() {
    String script = BackupScripts.restore("/backups/portal", NAME, true);
    assertEquals(List.of("psql --no-psqlrc --set=ON_ERROR_STOP=1 --dbname=\"$(libpq_url \"$CKAN_SQLALCHEMY_URL\")\" "
        + "--command='DROP OWNED BY CURRENT_USER CASCADE' --command='CREATE SCHEMA IF NOT EXISTS public' && "
        + "pg_restore --no-owner --exit-on-error --single-transaction --dbname=\"$(libpq_url "
        + "\"$CKAN_SQLALCHEMY_URL\")\" \"" + NAME + ".dump\" || fail \"restore of the CKAN database from " + NAME
        + " failed\""), BackupScripts.databaseCommands(script).subList(0, 1));
    assertTrue(script.contains("[ -f \"" + NAME + ".dump\" ] || fail \"backup " + NAME + " not found"), script);
    assertTrue(script.contains(NAME + ".datastore.dump"), script);
  }

  @Test
  void namesAndWordsThatAreNotSafeNeverReachAScript() {
    assertEquals(NAME, BackupScripts.backupName("portal", 7, "0123456789ab" + "f".repeat(52)));
    assertThrows(IllegalArgumentException.class, () -> BackupScripts.restore("/backups", "portal-r7-$(rm -rf /)",
        false));
    assertThrows(IllegalArgumentException.class, () -> BackupScripts.backup("/backups/../etc", "portal", NAME, false,
        5));
    assertThrows(IllegalArgumentException.class, () -> BackupScripts.upload("/b", "https://s3.example.org; rm",
        "bucket", "p", "portal", NAME, 5));
    assertThrows(IllegalArgumentException.class, () -> BackupScripts.prune("portal", 0));
  }
}
