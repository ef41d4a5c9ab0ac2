package io.ckan.operator.apiserver;

import io.ckan.sim.apiserver.ControlPlane;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.conformance.Exec;
import io.ckan.operator.release.SpecValidator;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The generated CRD on a real API server: accepted (structural schema, CEL rules compiled within their cost budget),
 * served with its short name and printer columns, and every hostile value {@link HostileValues} derives from its schema
 * and CEL rules is refused by the server (422) and by the offline validator alike.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SchemaOnServerTest extends ApiServerTier {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theGeneratedCrdIsEstablishedAndDiscoverable() {
    CustomResourceDefinition crd = admin.apiextensions().v1().customResourceDefinitions()
        .withName("ckaninstances.ckan.io").get();
    assertTrue(crd.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("NamesAccepted")
        && c.getStatus().equals("True")), crd.getStatus().toString());
    assertEquals(List.of("v1alpha1"), crd.getStatus().getStoredVersions());
    Exec.Result resources = ApiServerTier.kubectl(server, ControlPlane.User.ADMIN, Duration.ofSeconds(30), "api-resources",
        "--api-group=ckan.io", "--no-headers");
    assertEquals(0, resources.exitCode(), resources.output());
    assertTrue(resources.output().matches("(?s)ckaninstances\\s+ckan\\s+ckan\\.io/v1alpha1\\s+true\\s+CkanInstance\\s*"),
        resources.output());
  }

  @Test
  void theFullSpecIsAcceptedByTheServerAndTheValidator() throws Exception {
    ObjectNode full = HostileValues.fullSpec();
    assertEquals(List.of(), SpecValidator.validate(JSON.treeToValue(full, CkanInstanceSpec.class)));
    admin.resource(instance("full", full)).dryRun().create();
  }

  @Test
  void everyHostileValueFromTheSchemaIsRejectedByTheServerAndTheValidator() throws Exception {
    HostileValues hostile = HostileValues.fromGeneratedCrd();
    assertEquals(List.of(), List.copyOf(hostile.uncovered()), "constraints without a hostile value");
    List<String> disagreements = new ArrayList<>();
    int n = 0;
    for (HostileValues.Case c : hostile.cases()) {
      String serverSays;
      try {
        admin.resource(instance("hostile-" + n++, c.spec())).dryRun().create();
        serverSays = "accepted";
      } catch (KubernetesClientException e) {
        serverSays = e.getCode() == 422 ? null : "answered " + e.getCode() + ": " + e.getMessage();
      }
      String validatorSays = HostileValues.validatorVerdict(c);
      if (serverSays != null || validatorSays != null) {
        disagreements.add(c + ": server " + (serverSays == null ? "rejected (422)" : serverSays) + ", validator "
            + (validatorSays == null ? "rejected it at the field" : validatorSays));
      }
    }
    System.out.println("[apiserver tier] " + hostile.cases().size() + " hostile specs derived from the CRD, "
        + disagreements.size() + " not rejected by both");
    assertEquals(List.of(), disagreements);
    assertTrue(hostile.cases().size() > 50, "derived only " + hostile.cases().size() + " hostile specs");
  }

  /** The spec exactly as derived (not through the Java model, which would drop or refuse some hostile values). */
  private static GenericKubernetesResource instance(String name, JsonNode spec) {
    GenericKubernetesResource ci = new GenericKubernetesResource();
    ci.setApiVersion("ckan.io/v1alpha1");
    ci.setKind("CkanInstance");
    ci.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    ci.setAdditionalProperty("spec", JSON.convertValue(spec, java.util.Map.class));
    return ci;
  }
}
