package io.ckan.operator.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ckan.operator.release.SchemaConstraints.Constraint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SpecValidator refuses what the API server refuses through the generated CRD: for every constraint of the schema
 * (walked, not listed) hostile values are set into a valid document that has every field, and the validator must
 * name the constrained field. CEL rules, which Java cannot evaluate, come with their breaking specs from
 * {@link CelRuleCases}.
 */
class ValidatorParityTest {
  static final Path CRD = Path.of("../crds/ckaninstances.ckan.io-v1.yml");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static JsonNode schema() throws IOException {
    return YAML.readTree(CRD.toFile()).at("/spec/versions/0/schema/openAPIV3Schema");
  }

  /** A fresh copy of parity/every-field.yaml. */
  static ObjectNode everyField() {
    try (InputStream in = ValidatorParityTest.class.getResourceAsStream("/parity/every-field.yaml")) {
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theDocumentWithEveryFieldIsValid() {
    assertEquals(List.of(), Admission.errors(everyField()));
  }

  @TestFactory
  Stream<DynamicTest> everyConstraintOfTheCrdHasAMatchingValidatorCheck() throws IOException {
    List<Constraint> constraints = SchemaConstraints.of(schema());
    assertTrue(constraints.size() > 50, "the walk found only " + constraints.size() + " constraints");
    return constraints.stream().flatMap(ValidatorParityTest::cases);
  }

  @Test
  void everyCelCaseBelongsToARuleOfTheCrd() throws IOException {
    Set<String> rules = SchemaConstraints.of(schema()).stream().filter(c -> c.keyword().equals(SchemaConstraints.RULES))
        .map(ValidatorParityTest::ruleKey).collect(Collectors.toSet());
    Set<String> stale = new java.util.TreeSet<>(CelRuleCases.BY_RULE.keySet());
    stale.removeAll(rules);
    assertEquals(Set.of(), stale, "CelRuleCases names rules the CRD no longer has");
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../examples"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExamplePassesTheValidator(Path example) throws IOException {
    JsonNode cr = YAML.readTree(example.toFile());
    assertEquals("CkanInstance", cr.path("kind").asText(), example + " is not a CkanInstance");
    assertEquals(List.of(), Admission.errors(cr), example.toString());
  }

  static String ruleKey(Constraint c) {
    return String.join(".", c.path()).replace(".[", "[") + " | " + c.value();
  }

  private static Stream<DynamicTest> cases(Constraint c) {
    if (c.keyword().equals(SchemaConstraints.RULES)) {
      List<CelRuleCases.Case> table = CelRuleCases.BY_RULE.get(ruleKey(c));
      if (table == null) {
        return Stream.of(DynamicTest.dynamicTest(c.toString(), () -> fail("no entry in CelRuleCases for the CRD's "
            + "rule '" + ruleKey(c) + "': add specs that break it and the field SpecValidator must name")));
      }
      return table.stream().map(k -> refused(c + ": " + k.breaks(), k.change(), k.field()));
    }
    Optional<SpecTree> found = SpecTree.find(everyField(), c.path());
    if (found.isEmpty()) {
      return Stream.of(DynamicTest.dynamicTest(c.toString(), () -> fail("parity/every-field.yaml has no value at "
          + c.path() + ": add a valid one")));
    }
    SpecTree at = found.get();
    JsonNode valid = at.get(everyField());
    JsonNode schema = c.schema();
    return switch (c.keyword()) {
      case "pattern" -> patternCases(c, at, valid.asText());
      case "enum" -> enumCases(c, at);
      case "required" -> Stream.of(refused(c.toString(), cr -> at.remove(cr), at.field()));
      case "minimum" -> bound(c, at, new IntNode(schema.get("minimum").asInt() - 1),
          new IntNode(schema.get("minimum").asInt()));
      case "maximum" -> bound(c, at, new IntNode(schema.get("maximum").asInt() + 1),
          new IntNode(schema.get("maximum").asInt()));
      case "minLength" -> schema.get("minLength").asInt() == 0 ? Stream.of() : Stream.of(refused(c + " - 1",
          cr -> at.set(cr, new TextNode(valid.asText().substring(0, schema.get("minLength").asInt() - 1))),
          at.field()));
      case "maxLength" -> maxLengthCases(c, at, valid.asText(), schema.get("maxLength").asInt());
      case "minItems" -> schema.get("minItems").asInt() == 0 ? Stream.of() : bound(c, at, items(valid, schema.get("minItems").asInt() - 1),
          items(valid, schema.get("minItems").asInt()));
      case "maxItems" -> bound(c, at, items(valid, schema.get("maxItems").asInt() + 1),
          items(valid, schema.get("maxItems").asInt()));
      case "minProperties" -> schema.get("minProperties").asInt() == 0 ? Stream.of() : bound(c, at, properties(valid, schema.get("minProperties").asInt() - 1),
          properties(valid, schema.get("minProperties").asInt()));
      case "maxProperties" -> bound(c, at, properties(valid, schema.get("maxProperties").asInt() + 1),
          properties(valid, schema.get("maxProperties").asInt()));
      default -> throw new AssertionError("no hostile values for " + c.keyword());
    };
  }

  /** The refused value beyond the bound, and the bound itself, which the validator must not refuse. */
  private static Stream<DynamicTest> bound(Constraint c, SpecTree at, JsonNode beyond, JsonNode onBound) {
    return Stream.of(
        refused(c + " = " + brief(beyond), cr -> at.set(cr, beyond), at.field()),
        DynamicTest.dynamicTest(c + " accepts " + brief(onBound), () -> {
          ObjectNode cr = everyField();
          at.set(cr, onBound);
          List<FieldError> errors = Admission.errors(cr);
          assertTrue(errors.stream().noneMatch(e -> e.field().equals(at.field())), errors.toString());
        }));
  }

  private static Stream<DynamicTest> patternCases(Constraint c, SpecTree at, String valid) {
    String regex = c.schema().get("pattern").asText();
    // anchored, RE2's search and Java's whole-string match agree
    assertTrue(regex.startsWith("^") && regex.endsWith("$"), "unanchored pattern at " + c.path() + ": " + regex);
    Pattern pattern = Pattern.compile(regex);
    List<String> hostile = HostileText.near(valid).stream().filter(v -> !pattern.matcher(v).matches()).toList();
    assertFalse(hostile.isEmpty(), "no hostile value for " + c);
    return hostile.stream().map(v -> refused(c.path() + " = " + brief(new TextNode(v)),
        cr -> at.set(cr, new TextNode(v)), at.field()));
  }

  private static Stream<DynamicTest> enumCases(Constraint c, SpecTree at) {
    List<String> allowed = new ArrayList<>();
    c.schema().get("enum").forEach(v -> allowed.add(v.asText()));
    String first = allowed.get(0);
    return Stream.of("", "invalid", first.toLowerCase(Locale.ROOT), first.toUpperCase(Locale.ROOT), first + " ")
        .filter(v -> !allowed.contains(v)).distinct()
        .map(v -> refused(c.path() + " = '" + v + "'", cr -> at.set(cr, new TextNode(v)), at.field()));
  }

  private static Stream<DynamicTest> maxLengthCases(Constraint c, SpecTree at, String valid, int max) {
    JsonNode beyond = new TextNode(padded(valid, max + 1));
    if (c.schema().has("pattern")) {
      // a padded value may break the pattern before the length; PatternsTest shows each maxLength admits its pattern
      return Stream.of(refused(c + " + 1", cr -> at.set(cr, beyond), at.field()));
    }
    return bound(c, at, beyond, new TextNode(padded(valid, max)));
  }

  private static String padded(String valid, int length) {
    String seed = valid.isEmpty() ? "a" : valid;
    return seed + String.valueOf(seed.charAt(seed.length() - 1)).repeat(Math.max(0, length - seed.length()));
  }

  /** {@code count} items, the valid document's items repeated. */
  private static JsonNode items(JsonNode valid, int count) {
    ArrayNode array = YAML.createArrayNode();
    for (int i = 0; i < count; i++) {
      array.add(valid.get(i % valid.size()).deepCopy());
    }
    return array;
  }

  /** The valid document's entries and more, {@code count} in all (keys are valid CKAN option names). */
  private static JsonNode properties(JsonNode valid, int count) {
    ObjectNode map = YAML.createObjectNode();
    valid.fields().forEachRemaining(e -> {
      if (map.size() < count) {
        map.set(e.getKey(), e.getValue().deepCopy());
      }
    });
    for (int i = 0; map.size() < count; i++) {
      map.put("parity.option_" + i, "x");
    }
    return map;
  }

  private static DynamicTest refused(String name, Consumer<ObjectNode> change, String field) {
    return DynamicTest.dynamicTest(name, () -> {
      ObjectNode cr = everyField();
      change.accept(cr);
      List<FieldError> errors = Admission.errors(cr);
      assertTrue(errors.stream().anyMatch(e -> e.field().equals(field)), name + ": the validator does not refuse " + field
          + " as the CRD does; it reports: " + errors);
    });
  }

  private static String brief(JsonNode value) {
    String text = value.toString();
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }
}
