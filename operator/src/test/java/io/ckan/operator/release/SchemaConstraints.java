package io.ckan.operator.release;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every constraint of a CRD's openAPIV3Schema, with the path of the property it constrains: field names, {@link #ITEM}
 * for an array's items and {@link #VALUE} for a map's values. The status (written by the operator only) is skipped.
 * A keyword this walker does not know fails the walk, so a new kind of constraint cannot slip past the parity test.
 */
final class SchemaConstraints {
  private SchemaConstraints() {}

  static final String ITEM = "[*]";
  static final String VALUE = "[value]";
  static final String RULES = "x-kubernetes-validations";

  /** Keywords that refuse values. */
  static final Set<String> CONSTRAINTS = Set.of("pattern", "minimum", "maximum", "minLength", "maxLength", "enum",
      "minItems", "maxItems", "minProperties", "maxProperties", "required", RULES);
  /** Keywords that describe structure and refuse nothing beyond the type. */
  private static final Set<String> STRUCTURE = Set.of("type", "description", "properties", "items",
      "additionalProperties", "anyOf", "x-kubernetes-int-or-string");

  /**
   * One constraint: {@code keyword} at {@code path}; {@code value} is the keyword's value (for a CEL rule, the rule's
   * text; for required, the property's name, which is also the path's last element).
   */
  record Constraint(String keyword, List<String> path, JsonNode schema, String value) {
    @Override
    public String toString() {
      return keyword + " " + String.join(".", path).replace(".[", "[") + (keyword.equals("pattern")
          || keyword.equals(RULES) ? " " + value : "");
    }
  }

  static List<Constraint> of(JsonNode openApiV3Schema) {
    List<Constraint> found = new ArrayList<>();
    walk(openApiV3Schema, List.of(), found);
    return found;
  }

  private static void walk(JsonNode node, List<String> path, List<Constraint> found) {
    node.fieldNames().forEachRemaining(keyword -> {
      if (!CONSTRAINTS.contains(keyword) && !STRUCTURE.contains(keyword)) {
        throw new AssertionError("schema keyword '" + keyword + "' at " + path + " is unknown to the parity test: "
            + "teach SchemaConstraints and ValidatorParityTest what it refuses");
      }
    });
    if (node.has("anyOf") && !node.path("x-kubernetes-int-or-string").asBoolean()) {
      throw new AssertionError("anyOf at " + path + " outside an int-or-string: teach the parity test about it");
    }
    for (String keyword : CONSTRAINTS) {
      if (keyword.equals("required")) {
        node.path("required").forEach(p -> found.add(new Constraint(keyword, append(path, p.asText()), node,
            p.asText())));
      } else if (keyword.equals(RULES)) {
        node.path(RULES).forEach(r -> found.add(new Constraint(keyword, path, node, r.path("rule").asText())));
      } else if (node.has(keyword)) {
        found.add(new Constraint(keyword, path, node, node.get(keyword).toString()));
      }
    }
    node.path("properties").fields().forEachRemaining(e -> {
      if (!(path.isEmpty() && e.getKey().equals("status"))) {
        walk(e.getValue(), append(path, e.getKey()), found);
      }
    });
    if (node.has("items")) {
      walk(node.get("items"), append(path, ITEM), found);
    }
    if (node.path("additionalProperties").isObject()) {
      walk(node.get("additionalProperties"), append(path, VALUE), found);
    }
  }

  private static List<String> append(List<String> path, String element) {
    List<String> longer = new ArrayList<>(path);
    longer.add(element);
    return List.copyOf(longer);
  }
}
