package io.ckan.sim;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScenarioTest {

  private final Deployment good = TestObjects.web("portal", 1, 1, TestObjects.GOOD_DIGEST, "2.11.3");
  private final Deployment bad = TestObjects.web("portal", 2, 1, TestObjects.BAD_DIGEST, "2.11.3");

  @Test
  void firstMatchingRuleWinsOtherwiseTheDefault() {
    Behaviour crash = Behaviour.crashLoop();
    Behaviour slow = Behaviour.slow(Duration.ofSeconds(60));
    Scenario scenario = Scenario.create()
        .whenImageContains(TestObjects.BAD_DIGEST, crash)
        .whenRevision("portal", 2, slow)
        .whenRevision("portal", 1, slow);
    assertSame(crash, scenario.behaviourFor(bad));
    assertSame(slow, scenario.behaviourFor(good));
    assertEquals("healthy after 2s", scenario.behaviourFor(TestObjects.web("other", 1, 1, "x", "1")).toString());
    scenario.clearRules();
    assertEquals("healthy after 2s", scenario.behaviourFor(bad).toString());
  }

  @Test
  void jobSequencesAdvanceOncePerJobAndRepeatTheLast() {
    JobBehaviour fail = JobBehaviour.fail(Duration.ZERO, "no");
    JobBehaviour ok = JobBehaviour.succeed(Duration.ZERO, "yes");
    Scenario scenario = Scenario.create().whenJobComponent("build", fail, ok);
    Job build = TestObjects.job("portal-build-1", "portal", "build");
    assertSame(fail, scenario.jobBehaviourFor(build));
    assertSame(ok, scenario.jobBehaviourFor(build));
    assertSame(ok, scenario.jobBehaviourFor(build));
    assertEquals("succeed after 1s", scenario.jobBehaviourFor(TestObjects.job("m", "portal", "migrate")).toString());
  }

  @Test
  void ckanOverridesCompose() {
    Scenario scenario = Scenario.create()
        .ckanWhenRevision("portal", 2, CkanBehaviour.reportsVersion("2.9.9").withoutPlugins("b").withHiddenVersion());
    CkanBehaviour behaviour = scenario.ckanBehaviourFor(bad);
    assertNull(behaviour.reportedVersion("2.11.3"));
    assertEquals(List.of("a", "c"), behaviour.reportedPlugins(List.of("a", "b", "c")));
    assertSame(CkanBehaviour.normal(), scenario.ckanBehaviourFor(good));
    assertEquals("2.11.3", CkanBehaviour.normal().reportedVersion("2.11.3"));
  }

  @Test
  void timeScaleAppliesToAllDurationsAndChangesNotifyListeners() {
    AtomicInteger changes = new AtomicInteger();
    Scenario scenario = Scenario.create();
    scenario.addChangeListener(changes::incrementAndGet);
    scenario.timeScale(0.001);
    assertEquals(Duration.ofMillis(600), scenario.toWallClock(Duration.ofSeconds(600)));
    scenario.whenRevision("portal", 1, Behaviour.crashLoop());
    assertEquals(2, changes.get());
    assertThrows(IllegalArgumentException.class, () -> scenario.timeScale(0));
  }
}
