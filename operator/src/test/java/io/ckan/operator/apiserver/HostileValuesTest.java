package io.ckan.operator.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The generator of {@link SchemaOnServerTest}, without a server: every constraint of the generated CRD is covered. */
class HostileValuesTest {
  @Test
  void everyConstraintOfTheGeneratedCrdHasHostileValues() throws Exception {
    HostileValues hostile = HostileValues.fromGeneratedCrd();
    assertEquals(List.of(), List.copyOf(hostile.uncovered()), "constraints without a hostile value");
    var valid = HostileValues.fullSpec();
    assertTrue(hostile.cases().stream().noneMatch(c -> c.spec().equals(valid)),
        "a hostile spec equal to the valid one");
    assertTrue(hostile.cases().size() > 50, "derived only " + hostile.cases().size() + " hostile specs");
  }

  @Test
  void aRuleWithoutAListedViolationIsReportedNotSkipped() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode schema = new com.fasterxml.jackson.databind.ObjectMapper()
        .createObjectNode();
    schema.putArray("x-kubernetes-validations").addObject().put("rule", "self.version != '0.0.0'");
    HostileValues h = HostileValues.derive(schema, HostileValues.fullSpec());
    assertEquals(List.of("spec (CEL rule without a hostile value in HostileValues.CEL: self.version != '0.0.0')"),
        List.copyOf(h.uncovered()));
  }
}
