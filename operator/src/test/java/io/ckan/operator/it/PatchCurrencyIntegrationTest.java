package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, patch currency: an instance behind its line's latest patch shows PatchCurrent=False while it rolls out
 * and serves (the condition blocks nothing), flips to True once edited to the latest patch; a minor upgrade gets one
 * MinorUpgrade Event linking the target line's migration notes; a malformed override ConfigMap is reported in the
 * conditions and the shipped table is used.
 */
class PatchCurrencyIntegrationTest extends IntegrationTest {

  @Test
  void anInstanceBehindItsLatestPatchIsToldSoWithoutItsRolloutBeingBlocked() {
    h = OperatorHarness.withoutOperator(Scenario.create());
    h.client.configMaps().inNamespace(OperatorHarness.NS).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("ckan-release-lines").endMetadata().addToData("lines.yaml", "lines: [").build()).create();
    h.releaseLinesConfigMap = "ckan-release-lines";
    h.startOperator();

    h.apply(OperatorHarness.instance("portal", RevisionRolloutIntegrationTest.spec("2.11.4", 1)));
    h.awaitReady("portal", 1, T);
    Condition behind = h.condition("portal", "PatchCurrent");
    assertEquals(List.of("False", "NewerPatchAvailable"), List.of(behind.getStatus(), behind.getReason()));
    assertTrue(behind.getMessage().startsWith("2.11.4 is behind 2.11.5 (released 2026-04-29) (the release-line "
        + "override " + OperatorHarness.NS + "/ckan-release-lines is malformed: not a release-line table"),
        behind.getMessage());
    assertTrue(behind.getMessage().endsWith("; the shipped table is used)"), behind.getMessage());
    assertEquals("True", h.condition("portal", "SupportedLine").getStatus());

    h.edit("portal", s -> s.version = "2.11.5");
    h.awaitReady("portal", 2, T);
    h.awaitCondition("portal", "PatchCurrent", "True", T);
    assertEquals("LatestPatch", h.condition("portal", "PatchCurrent").getReason());

    h.edit("portal", s -> s.version = "2.12.0");
    h.awaitReady("portal", 3, T);
    List<Event> upgrades = h.client.v1().events().inNamespace(OperatorHarness.NS).list().getItems().stream()
        .filter(e -> "portal".equals(e.getInvolvedObject().getName()) && "MinorUpgrade".equals(e.getReason()))
        .toList();
    assertEquals(1, upgrades.size(), "one MinorUpgrade event: " + upgrades);
    assertEquals("Normal", upgrades.get(0).getType());
    assertEquals("revision 3: minor upgrade from 2.11 (2.11.5) to 2.12 (2.12.0); read the migration notes of 2.12: "
        + "https://docs.ckan.org/en/latest/changelog.html#migration-notes-2-12", upgrades.get(0).getMessage());
  }
}
