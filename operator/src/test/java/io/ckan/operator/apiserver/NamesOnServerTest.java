package io.ckan.operator.apiserver;

import io.ckan.sim.apiserver.ControlPlane;
import io.ckan.sim.apiserver.AuditLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.it.OperatorHarness;
import io.ckan.operator.release.SpecValidator;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Instance names that a real API server takes for a CkanInstance (a DNS subdomain) but refuses for what the operator
 * would name after it (a Service needs a DNS-1035 label; a Job's name goes into a 63-character label): either the
 * server refuses the instance itself, or the operator refuses it (Stalled, InvalidSpec, naming metadata.name) before
 * it creates anything; and the offline validator refuses each name at metadata.name.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NamesOnServerTest extends ApiServerTier {
  private static OperatorHarness h;

  /** A name, and an object named after it the way the operator names its objects, which the server refuses. */
  record Name(String name, HasMetadata derived) {
    @Override
    public String toString() {
      return name + " (" + derived.getKind() + " " + derived.getMetadata().getName() + ")";
    }
  }

  static List<Name> names() {
    String longName = "portal-with-a-name-much-too-long-for-its-objects-0123456"; // 56: DNS label, CR-valid
    return List.of(
        new Name("my.portal", service("my.portal")),
        new Name("1portal", service("1portal")),
        new Name(longName, new JobBuilder().withNewMetadata().withName(longName + "-r1-migrate").endMetadata()
            .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("c").withImage("i").endContainer()
            .withRestartPolicy("Never").endSpec().endTemplate().endSpec().build()));
  }

  private static HasMetadata service(String name) {
    return new ServiceBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().addNewPort()
        .withPort(80).endPort().endSpec().build();
  }

  @BeforeAll
  static void startOperator() {
    h = OperatorHarness.onServer(Scenario.create().timeScale(0.05), admin,
        server.client(ControlPlane.User.CONTROLLERS), () -> server.config(ControlPlane.User.OPERATOR));
  }

  @AfterAll
  static void stopOperator() {
    if (h != null) {
      h.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void aNameTheServerRefusesForTheObjectsIsRefusedBeforeAnythingIsCreated(Name n) {
    KubernetesClientException premise = assertThrows(KubernetesClientException.class,
        () -> admin.resource(n.derived()).inNamespace(OperatorHarness.NS).dryRun().create());
    assertEquals(422, premise.getCode(), premise.getMessage());
    assertTrue(SpecValidator.validateName(n.name()).stream().anyMatch(e -> e.field().equals("metadata.name")),
        "the offline validator (render, the operator) takes " + n.name());

    try {
      h.apply(OperatorHarness.instance(n.name(), RolloutStory.spec("2.11.5")));
    } catch (KubernetesClientException refusedByTheServer) {
      assertEquals(422, refusedByTheServer.getCode(), refusedByTheServer.getMessage());
      assertTrue(refusedByTheServer.getMessage().contains("metadata.name"), refusedByTheServer.getMessage());
      return;
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> h.conditionIs(n.name(), "Stalled", "True"));
    assertEquals("InvalidSpec", h.condition(n.name(), "Stalled").getReason());
    assertTrue(h.condition(n.name(), "Stalled").getMessage().contains("metadata.name"),
        h.condition(n.name(), "Stalled").getMessage());
    List<AuditLog.Entry> writes = server.audit().entries(e -> e.is(ControlPlane.User.OPERATOR) && e.isWrite()
        && !(e.resource().equals("ckaninstances") && e.subresource().equals("status"))
        && !e.resource().equals("events"));
    assertEquals(List.of(), writes, "the operator wrote more than the status and Events");
    assertEquals(List.of(), admin.apps().deployments().inNamespace(OperatorHarness.NS)
        .withLabel(Labels.INSTANCE, n.name()).list().getItems());
  }
}
