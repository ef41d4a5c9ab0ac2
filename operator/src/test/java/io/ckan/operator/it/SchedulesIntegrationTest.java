package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ScheduleSpec;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.Behaviour;
import io.ckan.sim.CkanJobs;
import io.ckan.sim.RequestLog;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 3: spec.schedules[] become CronJobs that run the live revision and switch with the pointer, are
 * suspended while the instance is paused and deleted with their schedule; a revision whose migration changed the schema
 * gets one search-index rebuild Job after it goes live. The simulated cluster does not run CronJobs (no CronJob
 * controller plays them): what is asserted is the CronJob objects, which carry everything a run would use (the
 * image, the revision's config snapshot and the revision label their pods get), and the Jobs the operator creates.
 */
class SchedulesIntegrationTest extends IntegrationTest {
  static final String CRON = "portal-cron-orphans";

  static CkanInstanceSpec spec(String version, int bakeSeconds) {
    CkanInstanceSpec spec = HealthGatedRolloutIntegrationTest.spec(version, bakeSeconds);
    ScheduleSpec orphans = new ScheduleSpec();
    orphans.name = "orphans";
    orphans.schedule = "30 2 * * *";
    orphans.command = "search-index clear-orphans";
    spec.schedules = new ArrayList<>(List.of(orphans));
    return spec;
  }

  CronJob cronJob() {
    return h.client.batch().v1().cronjobs().inNamespace(OperatorHarness.NS).withName(CRON).get();
  }

  /** The CronJob runs revision {@code n}: its label, its pods' label, the image and config snapshot of r{n}. */
  boolean runs(int n) {
    CronJob c = cronJob();
    if (c == null || !Integer.toString(n).equals(c.getMetadata().getLabels().get(Labels.REVISION))) {
      return false;
    }
    var template = c.getSpec().getJobTemplate().getSpec().getTemplate();
    var container = template.getSpec().getContainers().get(0);
    var web = h.revisions("portal").get(n).getSpec().getTemplate().getSpec().getContainers().get(0);
    return Integer.toString(n).equals(template.getMetadata().getLabels().get(Labels.REVISION))
        && web.getImage().equals(container.getImage())
        && ("portal-r" + n).equals(container.getEnvFrom().get(0).getConfigMapRef().getName());
  }

  int journalIndex(String fragment, int from) {
    for (int i = from; i < h.journal.size(); i++) {
      if (h.journal.get(i).contains(fragment)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void aCronJobFollowsThePointerOnDeployAndOnRevertAndNeverRunsTheRevertedRevisionAgain() {
    Scenario scenario = Scenario.create().timeScale(0.05)
        .whenRevision("portal", 2, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(30)));
    h = new OperatorHarness(scenario);
    h.apply(OperatorHarness.instance("portal", spec("2.11.4", 60)));
    h.awaitReady("portal", 1, T);
    h.watchUntil(T, () -> { }, x -> runs(1));
    assertTrue(h.revisions("portal").get(1).getSpec().getTemplate().getSpec().getContainers().get(0).getImage()
        .endsWith("ckan-base:2.11.4"));

    h.edit("portal", s -> s.version = "2.11.5");
    // the CronJob never names a revision the pointer does not select (it moves right after the pointer)
    h.watchUntil(T, () -> {
      Integer pointer = h.pointer("portal");
      CronJob c = cronJob();
      if (c != null && pointer != null && pointer == 1) {
        assertEquals("1", c.getMetadata().getLabels().get(Labels.REVISION), "switched before the pointer moved");
      }
    }, x -> runs(2));
    int deploy = journalIndex("pointer moved from revision 1 to revision 2", 0);
    int switched = journalIndex("updated CronJob " + CRON + " (revision 1 -> 2", 0);
    assertTrue(deploy >= 0 && switched > deploy, "switched after the deploy's pointer write: " + h.journal);

    // revision 2 fails in its bake window: the pointer goes back to 1 (one write), then the CronJob follows
    h.watchUntil(T, () -> { }, x -> Integer.valueOf(1).equals(x.pointer("portal")));
    h.watchUntil(T, () -> { }, x -> runs(1));
    int revert = journalIndex("pointer moved from revision 2 to revision 1 [AutoRevert]", deploy);
    int back = journalIndex("updated CronJob " + CRON + " (revision 2 -> 1", switched + 1);
    assertTrue(revert >= 0 && back > revert, "switched back after the revert's flip: " + h.journal);
    assertTrue(h.journal.subList(back + 1, h.journal.size()).stream().noneMatch(l -> l.contains("CronJob")),
        "nothing writes the CronJob after it is back on revision 1: " + h.journal);
    h.awaitCondition("portal", "RolledBack", "True", T);
    assertEquals("1", cronJob().getMetadata().getLabels().get(Labels.REVISION),
        "the reverted revision's schedule does not run again");
  }

  @Test
  void pausingSuspendsTheCronJobsAndNothingElseResumingPutsThemBackRemovingAScheduleDeletesItsCronJob() {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    h.apply(OperatorHarness.instance("portal", spec("2.11.4", 1)));
    h.awaitReady("portal", 1, T);
    h.watchUntil(T, () -> { }, x -> runs(1));
    assertFalse(cronJob().getSpec().getSuspend());
    String before = cronJob().getSpec().getSchedule();

    long paused = System.nanoTime();
    h.annotate("portal", Labels.PAUSED, "true");
    h.watchUntil(T, () -> { }, x -> Boolean.TRUE.equals(cronJob().getSpec().getSuspend()));
    // a spec change while paused: seen (observedGeneration), and written nowhere but the status
    CkanInstanceSpec changed = spec("2.11.4", 1);
    changed.schedules.get(0).schedule = "0 * * * *";
    long generation = h.edit("portal", s -> s.schedules = changed.schedules).getMetadata().getGeneration();
    h.watchUntil(T, () -> { }, x -> x.cr("portal").get().getStatus().observedGeneration == generation);
    List<RequestLog.Request> writes = h.requests.since(paused).stream().filter(RequestLog.Request::isWrite)
        .filter(r -> !r.path().contains("/ckaninstances") && !r.path().contains("/events")).toList();
    assertEquals(1, writes.size(), "one write while paused, the suspension: " + writes);
    assertTrue(writes.get(0).method().equals("PATCH") && writes.get(0).path().endsWith("/cronjobs/" + CRON),
        writes.toString());
    assertEquals(before, cronJob().getSpec().getSchedule(), "not rewritten while paused");
    assertEquals("1", cronJob().getMetadata().getLabels().get(Labels.REVISION));

    h.annotate("portal", Labels.PAUSED, null);
    h.watchUntil(T, () -> { }, x -> Boolean.FALSE.equals(cronJob().getSpec().getSuspend())
        && "0 * * * *".equals(cronJob().getSpec().getSchedule()));
    assertTrue(runs(1));

    // a CronJob the instance does not own is never touched, even when a schedule of that name leaves the spec
    CronJob foreign = new io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder(cronJob()).editMetadata()
        .withName("portal-cron-other").withOwnerReferences().withResourceVersion(null).withUid(null).endMetadata()
        .build();
    h.client.resource(foreign).create();
    h.edit("portal", s -> s.schedules = null);
    h.watchUntil(T, () -> { }, x -> cronJob() == null);
    assertNotNull(h.client.batch().v1().cronjobs().inNamespace(OperatorHarness.NS).withName("portal-cron-other").get(),
        "not owned: left alone");
    assertTrue(h.journal.stream().anyMatch(l -> l.endsWith("deleted CronJob " + CRON + " (its schedule left the spec)")));
  }

  Job rebuild(int n) {
    return h.client.batch().v1().jobs().inNamespace(OperatorHarness.NS).withName("portal-r" + n + "-reindex").get();
  }

  @Test
  void aRevisionThatChangedTheSchemaGetsOneSearchIndexRebuildAfterItGoesLiveAndOneWithoutAChangeNone() {
    Scenario scenario = Scenario.create().timeScale(0.05)
        .whenJobComponent("migrate", CkanJobs.migratesPerVersion(Duration.ofSeconds(1)));
    h = new OperatorHarness(scenario);
    h.apply(OperatorHarness.instance("portal", RevisionRolloutIntegrationTest.spec("2.11.4", 1)));
    h.awaitReady("portal", 1, T);
    assertNull(rebuild(1), "a fresh database (revision 1 created the schema): nothing to index");

    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> {
      if (rebuild(2) != null) {
        assertEquals(2, h.pointer("portal"), "the rebuild starts once revision 2 is live");
      }
    }, x -> rebuild(2) != null);
    h.awaitReady("portal", 2, T);
    Job job = rebuild(2);
    var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertEquals(List.of("ckan-start", "run", "search-index", "rebuild"), container.getCommand().subList(3, 7));
    assertEquals(h.revisions("portal").get(2).getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
        container.getImage());
    assertEquals("2", job.getMetadata().getLabels().get(Labels.REVISION));

    // more passes on revision 2 (scaled in place): the Job is not made again
    h.edit("portal", s -> s.replicas = 2);
    h.awaitReady("portal", 2, T);
    h.watchUntil(T, () -> { }, x -> x.revisions("portal").get(2).getSpec().getReplicas() == 2);
    // revision 3 changes config only: its migration leaves the schema as it was
    h.edit("portal", s -> s.config = java.util.Map.of("ckan.site_url", "https://open.example.org"));
    h.awaitReady("portal", 3, T);
    assertNull(rebuild(3), "no schema change, no rebuild");
    assertEquals(1, h.journal.stream().filter(l -> l.contains("started search-index rebuild")).count(),
        "one create of a rebuild Job in all (a second would be a 409 on the same name): " + h.journal);
  }
}
