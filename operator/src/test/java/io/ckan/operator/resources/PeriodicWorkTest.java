package io.ckan.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ScheduleSpec;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseFactory;
import io.ckan.operator.release.ReleaseOutcome;
import io.ckan.operator.release.SpecValidatorTestAccess;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The periodic work of an instance: CronJobs and the rebuild Job made from the live revision's web Deployment, and
 * the writes that bring the cluster there (pure tables: no cluster).
 */
class PeriodicWorkTest {
  static final Owner OWNER = new Owner("portal", "data", "uid-1");

  static Release release(String version) {
    CkanInstanceSpec spec = SpecValidatorTestAccess.valid();
    spec.version = version;
    spec.storage = new io.ckan.operator.api.StorageSpec();
    spec.storage.size = "1Gi";
    return ((ReleaseOutcome.Ready) ReleaseFactory.from(spec, "portal")).release();
  }

  static Deployment web(int revision, String version) {
    return RevisionObjects.deployment(OWNER, revision, release(version), 2, 600);
  }

  static ScheduleSpec schedule(String name, String cron, String command) {
    return SpecValidatorTestAccess.schedule(name, cron, command);
  }

  static final ScheduleSpec HARVEST = schedule("harvest", "*/15 * * * *", "harvester run");
  static final ScheduleSpec ORPHANS = schedule("orphans", "0 3 * * *", "search-index clear-orphans");

  static final Map<String, ScheduleSpec> SCHEDULES = Map.of("harvest", HARVEST, "orphans", ORPHANS);

  static String version(int revision) {
    return revision < 2 ? "2.11.4" : "2.11.5";
  }

  static CronJob cron(ScheduleSpec s, int revision) {
    return ScheduleObjects.cronJob(OWNER, s, revision, web(revision, version(revision)));
  }

  /** As the cluster holds it after the operator wrote {@code c}; {@code suspend} as a person or a pause left it. */
  static CronJob held(CronJob c, boolean suspend) {
    CronJob copy = Serialization.clone(c);
    copy.getSpec().setSuspend(suspend);
    return copy;
  }

  @Test
  void aCronJobRunsTheWebContainerOfItsRevisionWithTheCommandsTokensAndRestrictedSecurity() {
    Deployment web = web(4, "2.11.5");
    CronJob c = ScheduleObjects.cronJob(OWNER, HARVEST, 4, web);
    assertEquals("portal-cron-harvest", c.getMetadata().getName());
    assertEquals("4", c.getMetadata().getLabels().get(Labels.REVISION));
    assertEquals(Labels.SCHEDULE, c.getMetadata().getLabels().get(Labels.COMPONENT));
    assertEquals("harvest", c.getMetadata().getLabels().get(Labels.SCHEDULE_NAME));
    assertEquals("uid-1", c.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals("*/15 * * * *", c.getSpec().getSchedule());
    assertEquals("Forbid", c.getSpec().getConcurrencyPolicy());
    assertFalse(c.getSpec().getSuspend());
    assertEquals(3600L, c.getSpec().getJobTemplate().getSpec().getActiveDeadlineSeconds());
    assertEquals(0, c.getSpec().getJobTemplate().getSpec().getBackoffLimit());
    PodSpec pod = c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    Container run = pod.getContainers().get(0);
    Container served = web.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(served.getImage(), run.getImage());
    assertEquals(served.getEnvFrom(), run.getEnvFrom(), "the revision's config snapshot");
    assertEquals(served.getEnv(), run.getEnv(), "the expected version and the secretKeyRefs");
    assertEquals(served.getVolumeMounts(), run.getVolumeMounts());
    assertEquals(web.getSpec().getTemplate().getSpec().getVolumes(), pod.getVolumes(), "runtime dir and uploads");
    assertEquals(CkanStart.command(CkanStart.RUN, List.of("harvester", "run")), run.getCommand());
    assertEquals("Never", pod.getRestartPolicy());
    assertFalse(pod.getAutomountServiceAccountToken());
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    assertFalse(run.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), run.getSecurityContext().getCapabilities().getDrop());
    assertEquals("4", c.getSpec().getJobTemplate().getSpec().getTemplate().getMetadata().getLabels()
        .get(Labels.REVISION), "its pods say which revision they run");
  }

  @Test
  void theRebuildJobRunsSearchIndexRebuildOnceAsItsRevision() {
    Job job = ScheduleObjects.searchIndexRebuild(OWNER, 5, web(5, "2.11.5"));
    assertEquals("portal-r5-reindex", job.getMetadata().getName());
    assertEquals(Labels.REINDEX, job.getMetadata().getLabels().get(Labels.COMPONENT));
    assertEquals("5", job.getMetadata().getLabels().get(Labels.REVISION));
    assertEquals(0, job.getSpec().getBackoffLimit());
    assertEquals(CkanStart.command(CkanStart.RUN, List.of("search-index", "rebuild")),
        job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand());
  }

  @Test
  void theHashChangesWithTheRevisionItsReleaseAndTheScheduleAndNothingElse() {
    assertEquals(ScheduleObjects.writtenHash(cron(HARVEST, 1)), ScheduleObjects.writtenHash(cron(HARVEST, 1)));
    assertEquals(ScheduleObjects.hash(HARVEST, 1, ScheduleObjects.fingerprint(web(1, "2.11.4"))),
        ScheduleObjects.writtenHash(cron(HARVEST, 1)), "computed from the cached metadata alone");
    assertNotEquals(ScheduleObjects.writtenHash(cron(HARVEST, 1)), ScheduleObjects.writtenHash(cron(HARVEST, 2)));
    assertNotEquals(ScheduleObjects.hash(HARVEST, 2, ScheduleObjects.fingerprint(web(2, "2.11.4"))),
        ScheduleObjects.hash(HARVEST, 2, ScheduleObjects.fingerprint(web(2, "2.11.5"))));
    ScheduleSpec hourly = schedule("harvest", "0 * * * *", "harvester run");
    assertNotEquals(ScheduleObjects.writtenHash(cron(HARVEST, 1)), ScheduleObjects.writtenHash(cron(hourly, 1)));
  }

  /** The decision table: desired (for the live revision), what the cluster holds, paused -> writes. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      first pointer: both created                    | harvest@1 orphans@1 |                        | false | create portal-cron-harvest, create portal-cron-orphans
      settled: nothing written                       | harvest@1 orphans@1 | harvest@1 orphans@1    | false |
      deploy 1->2: both switched                     | harvest@2 orphans@2 | harvest@1 orphans@1    | false | update portal-cron-harvest from 1, update portal-cron-orphans from 1
      revert 2->1: both switched back                | harvest@1 orphans@1 | harvest@2 orphans@2    | false | update portal-cron-harvest from 2, update portal-cron-orphans from 2
      schedule removed: its CronJob deleted          | harvest@1           | harvest@1 orphans@1    | false | delete portal-cron-orphans
      paused: every CronJob suspended, nothing else  | harvest@2           | harvest@1 orphans@1    | true  | suspend portal-cron-harvest, suspend portal-cron-orphans
      paused and suspended: nothing written          | harvest@2           | harvest@1~ orphans@1~  | true  |
      resumed: written back unsuspended              | harvest@1 orphans@1 | harvest@1~ orphans@1~  | false | update portal-cron-harvest from 1, update portal-cron-orphans from 1
      suspended by hand: put back as the spec says   | harvest@1           | harvest@1~             | false | update portal-cron-harvest from 1
      """)
  void writesFollowTheLiveRevisionThePauseAndTheSpec(String what, String desired, String held, boolean paused,
      String expected) {
    List<CronJob> wanted = cronJobs(desired);
    int live = ScheduleObjects.revision(wanted.get(0));
    List<ScheduleSpec> schedules = wanted.stream().map(c -> SCHEDULES.get(c.getMetadata().getLabels()
        .get(Labels.SCHEDULE_NAME))).toList();
    List<PeriodicWork.Write> writes = PeriodicWork.schedules("portal", schedules, live,
        ScheduleObjects.fingerprint(web(live, version(live))), cronJobs(held), paused);
    assertEquals(expected == null ? "" : expected, String.join(", ", writes.stream().map(PeriodicWorkTest::show)
        .toList()), what);
  }

  /** "harvest@1 orphans@2~": CronJobs for those schedules and revisions, ~ suspended. */
  static List<CronJob> cronJobs(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(text.trim().split(" +")).map(t -> {
      String[] parts = t.replace("~", "").split("@");
      return held(cron(SCHEDULES.get(parts[0]), Integer.parseInt(parts[1])), t.endsWith("~"));
    }).toList();
  }

  static String show(PeriodicWork.Write w) {
    if (w instanceof PeriodicWork.Create c) {
      return "create " + ScheduleObjects.name("portal", c.schedule());
    } else if (w instanceof PeriodicWork.Update u) {
      return "update " + ScheduleObjects.name("portal", u.schedule()) + " from " + u.fromRevision();
    } else if (w instanceof PeriodicWork.Suspend s) {
      return "suspend " + s.name();
    }
    return "delete " + ((PeriodicWork.Delete) w).name();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      schema moved on a live revision              | true  | false | 1a2b3c4d5e6f | 9f8e7d6c5b4a | false | true
      the Job exists: once per revision            | true  | false | 1a2b3c4d5e6f | 9f8e7d6c5b4a | true  | false
      no schema change                             | true  | false | 1a2b3c4d5e6f | 1a2b3c4d5e6f | false | false
      a fresh database: nothing to index           | true  | false | ''           | 9f8e7d6c5b4a | false | false
      not migrated (no record)                     | true  | false |              |              | false | false
      rollout.searchIndexRebuild: never            | false | false | 1a2b3c4d5e6f | 9f8e7d6c5b4a | false | false
      paused: no writes                            | true  | true  | 1a2b3c4d5e6f | 9f8e7d6c5b4a | false | false
      """)
  void aRebuildRunsOnceForALiveRevisionThatChangedTheSchema(String what, boolean enabled, boolean paused,
      String before, String after, boolean exists, boolean expected) {
    assertEquals(expected, PeriodicWork.needsRebuild(enabled, paused, before, after, exists), what);
  }

  @Test
  void runModeExecsCkanWithTheCommandsTokensAfterThePluginCheck(@TempDir Path dir) throws Exception {
    CkanStartTest.Run run = CkanStartTest.run(dir, Map.of(), CkanStart.RUN, "harvester", "run");
    assertEquals(0, run.exit(), run.output());
    List<String> calls = run.calls().lines().toList();
    assertTrue(calls.get(1).startsWith("python -c"), "the plugins are checked first: " + run.calls());
    assertEquals("ckan -c " + dir.resolve("runtime/ckan.ini") + " harvester run", calls.get(calls.size() - 1));
    assertFalse(run.calls().contains(" db "), run.calls());
  }
}
