package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.Behaviour;
import io.ckan.sim.CkanBehaviour;
import io.ckan.sim.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** examples/argocd/health.lua, evaluated on CkanInstances exactly as the operator left them in the simulated cluster. */
class ArgoCdHealthIntegrationTest extends IntegrationTest {

  ArgoCdHealth.Health health() throws Exception {
    return ArgoCdHealth.of(h.cr("portal").get());
  }

  void awaitHealth(String status) {
    h.watchUntil(T, () -> { }, x -> {
      try {
        return status.equals(health().status());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void healthFollowsTheLifecycle() throws Exception {
    Scenario scenario = Scenario.create().timeScale(0.05);
    scenario.whenRevision("portal", 1, Behaviour.slow(Duration.ofSeconds(20)));
    scenario.ckanWhenRevision("portal", 2, CkanBehaviour.missingPlugins("activity"));
    scenario.whenRevision("portal", 3, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(30)));
    h = new OperatorHarness(scenario);
    CkanInstanceSpec spec = RevisionRolloutIntegrationTest.spec("2.11.3", 1);
    spec.rollout.bakeSeconds = 60;
    h.apply(OperatorHarness.instance("portal", spec));
    List<String> seen = new ArrayList<>();

    awaitHealth("Progressing");
    seen.add(health().status());
    h.awaitReady("portal", 1, T);
    assertEquals("Healthy", health().status(), health().message());

    h.edit("portal", s -> s.version = "2.11.4");           // revision 2 loads the wrong plugins
    awaitHealth("Degraded");
    assertTrue(health().message().contains("RevisionFailed"), health().message());
    assertTrue(health().message().contains("keeps serving"), health().message());

    h.edit("portal", s -> s.version = "2.11.5");           // revision 3 fails during the bake window
    h.watchUntil(T, () -> { }, x -> "RolledBack".equals(x.condition("portal", "RolledBack") == null ? null
        : x.condition("portal", "RolledBack").getStatus().equals("True") ? "RolledBack" : null));
    assertEquals("Degraded", health().status(), health().message());

    h.annotate("portal", Labels.PAUSED, "true");
    awaitHealth("Suspended");
  }

  @Test
  void aRevisionAwaitingPromotionIsSuspendedNotDegraded() throws Exception {
    h = new OperatorHarness(Scenario.create().timeScale(0.05));
    h.apply(OperatorHarness.instance("portal", PromotionIntegrationTest.manualWithPreviews("2.11.4")));
    h.awaitReady("portal", 1, T);
    assertEquals("Healthy", health().status(), health().message());
    h.edit("portal", s -> s.version = "2.11.5");
    awaitHealth("Suspended");
    assertTrue(health().message().startsWith("AwaitingPromotion: revision 2 is verified"), health().message());
  }

  @Test
  void argocdConfigMapCarriesTheSameScript() throws Exception {
    var cm = new ObjectMapper(new YAMLFactory()).readTree(Path.of("../examples/argocd/argocd-cm.yaml").toFile());
    assertEquals(Files.readString(ArgoCdHealth.SCRIPT),
        cm.at("/data/resource.customizations.health.ckan.io_CkanInstance").asText());
  }
}
