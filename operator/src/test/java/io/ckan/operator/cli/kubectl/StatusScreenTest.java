package io.ckan.operator.cli.kubectl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.api.RevisionStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The status screen and its "next action", from instances as the operator reports them (pure). */
class StatusScreenTest {
  static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

  static CkanInstance instance(Map<String, String> annotations, Boolean paused, long generation, String... conditions) {
    CkanInstance ci = new CkanInstance();
    ci.setMetadata(new ObjectMetaBuilder().withName("portal").withNamespace("prod").withGeneration(generation)
        .withAnnotations(annotations).build());
    ci.setSpec(new CkanInstanceSpec());
    ci.getSpec().version = "2.11.5";
    ci.getSpec().paused = paused;
    CkanInstanceStatus status = new CkanInstanceStatus();
    status.observedGeneration = 3L;
    status.currentRevision = 2;
    status.desiredRevision = 3;
    status.revisions = new ArrayList<>(List.of(revision(1, "Superseded", 0, 0, "2.11.4", "base"),
        revision(2, "Live", 2, 2, "2.11.5", "Verified"), revision(3, "Failed", 0, 0, "2.11.5",
            "VerificationFailed: plugin spatial_query not loaded")));
    status.history = new ArrayList<>(List.of(new HistoryEntry("Deploy", 1, 2, "verified", "2030-01-01T11:00:00Z")));
    for (int i = 0; i < conditions.length; i += 4) {
      status.conditions.add(new ConditionBuilder().withType(conditions[i]).withStatus(conditions[i + 1])
          .withReason(conditions[i + 2]).withMessage(conditions[i + 3])
          .withLastTransitionTime("2030-01-01T11:59:00Z").build());
    }
    ci.setStatus(status);
    return ci;
  }

  static RevisionStatus revision(int n, String state, int replicas, int available, String version, String reason) {
    RevisionStatus r = new RevisionStatus();
    r.number = n;
    r.state = state;
    r.replicas = replicas;
    r.availableReplicas = available;
    r.version = version;
    r.reason = reason;
    r.image = "registry.example.org/ckan@sha256:" + String.valueOf(n).repeat(64);
    r.createdAt = "2030-01-01T0" + (n + 6) + ":00:00Z";
    return r;
  }

  static Event event(String reason, String message, String time) {
    return new EventBuilder().withNewMetadata().withName(reason).endMetadata().withType("Normal").withReason(reason)
        .withMessage(message).withLastTimestamp(time).build();
  }

  @Test
  void theWholeInstanceOnOneScreen() {
    CkanInstance ci = instance(Map.of(), null, 3, "Ready", "False", "RevisionFailed", "revision 3 failed",
        "Stalled", "True", "RevisionFailed", "revision 3 failed (VerificationFailed); the pointer stays on revision 2",
        "Available", "True", "Serving", "revision 2 serves 2/2");
    List<Event> events = List.of(event("PointerDeploy", "pointer moved from revision 1 to revision 2: verified",
        "2030-01-01T11:00:00Z"), event("RevisionCreated", "created revision 3", "2030-01-01T11:30:00Z"));
    assertEquals(SCREEN, StatusScreen.render(StatusSnapshot.of(ci, events), NOW));
  }

  static final String SCREEN = """
      Name:     portal (namespace prod)
      Version:  2.11.5
      Pointer:  revision 2, the spec's is revision 3
      Ready:    False (RevisionFailed)
      Paused:   no
      Next:     you (RevisionFailed): revision 3 failed (VerificationFailed); the pointer stays on revision 2

      Revisions
      CURRENT   REVISION   STATE        READY   VERSION   IMAGE                                           AGE   REASON
                3          Failed       0/0     2.11.5    registry.example.org/ckan@sha256:333333333333   3h    VerificationFailed: plugin spatial_query not loaded
      *         2          Live         2/2     2.11.5    registry.example.org/ckan@sha256:222222222222   4h    Verified
                1          Superseded   0/0     2.11.4    registry.example.org/ckan@sha256:111111111111   5h    base

      Conditions
      TYPE        STATUS   REASON           AGE   MESSAGE
      Ready       False    RevisionFailed   60s   revision 3 failed
      Stalled     True     RevisionFailed   60s   revision 3 failed (VerificationFailed); the pointer stays on revision 2
      Available   True     Serving          60s   revision 2 serves 2/2

      Recent events
      LAST SEEN   TYPE     REASON            MESSAGE
      60m         Normal   PointerDeploy     pointer moved from revision 1 to revision 2: verified
      30m         Normal   RevisionCreated   created revision 3
      """;

  static Stream<Arguments> nextActions() {
    return Stream.of(
        Arguments.of(instance(Map.of(), null, 3, "Ready", "True", "Stable", "revision 2 is current",
            "Reconciling", "False", "Stable", "", "Stalled", "False", "Stable", ""), "nothing: revision 2 is current"),
        Arguments.of(instance(Map.of(), null, 3, "Ready", "False", "Migrating", "m", "Reconciling", "True",
            "Migrating", "running ckan db upgrade for revision 3", "Stalled", "False", "Migrating", ""),
            "operator (Migrating): running ckan db upgrade for revision 3"),
        Arguments.of(instance(Map.of(), null, 3, "Ready", "False", "InvalidSpec", "m", "Stalled", "True",
            "InvalidSpec", "spec.version: must be X.Y.Z"), "you (InvalidSpec): spec.version: must be X.Y.Z"),
        Arguments.of(instance(Map.of("ckan.io/paused", "true"), null, 3, "Ready", "False", "Paused", "p"),
            "you: rollouts and reverts are paused; kubectl ckan resume portal (or set spec.paused to false when the "
                + "spec pauses it)"),
        Arguments.of(instance(Map.of(), true, 3, "Ready", "False", "Paused", "p"),
            "you: rollouts and reverts are paused; kubectl ckan resume portal (or set spec.paused to false when the "
                + "spec pauses it)"),
        Arguments.of(instance(Map.of(), null, 4, "Ready", "True", "Stable", "ok"),
            "operator: spec generation 4 not observed yet (status is of generation 3)"),
        Arguments.of(instance(Map.of(), null, 3), "operator: not reconciled yet (is the operator running and "
            + "watching namespace prod?)"));
  }

  @ParameterizedTest
  @MethodSource("nextActions")
  void theNextActionSaysWhoActsAndOnWhat(CkanInstance ci, String next) {
    assertEquals(next, StatusSnapshot.of(ci, List.of()).next());
  }
}
