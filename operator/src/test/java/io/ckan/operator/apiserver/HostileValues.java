package io.ckan.operator.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.it.OperatorHarness;
import io.ckan.operator.release.FieldError;
import io.ckan.operator.release.SpecValidator;
import java.io.IOException;
import java.io.InputStream;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Derives hostile specs from the CRD's own schema: for every constrained field of a full valid spec one spec per
 * constraint that breaks exactly that constraint — a value outside its {@code pattern} (checked against the pattern
 * itself), one past {@code minimum}/{@code maximum}, a value outside its {@code enum}, one item more than
 * {@code maxItems}, a {@code required} field left out — and, for every CEL rule ({@code x-kubernetes-validations}), the
 * violations listed in {@link #CEL}. A rule without a listed violation, or a constrained field the full spec does not
 * set, is reported by {@link #uncovered()}, so a new constraint cannot go untested.
 */
final class HostileValues {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  /** One hostile spec: which field, which constraint, what value. */
  record Case(String path, String constraint, ObjectNode spec) {
    @Override
    public String toString() {
      return path + " [" + constraint + "]";
    }
  }

  /** For each CEL rule of the CRD: how to break it, given the node the rule sits on (inside a copy of the spec). */
  static final Map<String, List<Consumer<JsonNode>>> CEL = new LinkedHashMap<>();

  static {
    CEL.put("self.all(k, k.matches('^[a-z0-9_]{1,64}(\\\\.[a-z0-9_]{1,64}){0,8}$'))", List.of(
        config -> ((ObjectNode) config).put("Ckan.Site_Title", "x"),
        config -> ((ObjectNode) config).put("ckan..site_title", "x")));
    CEL.put("self.all(k, !self[k].matches('://[^/?#@]*:[^/?#@]*@'))", List.of(
        config -> ((ObjectNode) config).put("ckan.site_url", "https://admin:secret@data.example.org")));
    CEL.put("!self.ref.contains('..')", List.of(git -> ((ObjectNode) git).put("ref", "v1..2")));
    CEL.put("has(self.pip) != has(self.git)", List.of(
        ext -> {
          if (ext.has("pip")) {
            ((ObjectNode) ext).set("git", JsonNodeFactory.instance.objectNode()
                .put("url", "https://github.com/ckan/ckanext-dcat.git").put("ref", "v2.4.4"));
          } else {
            ((ObjectNode) ext).put("pip", "ckanext-scheming==3.0.0");
          }
        },
        ext -> ((ObjectNode) ext).remove(List.of("pip", "git"))));
    CEL.put("self.all(x, self.exists_one(y, y.name == x.name))", List.of(
        extensions -> ((ArrayNode) extensions).add(extensions.get(0).deepCopy())));
    CEL.put("self.all(x, self.exists_one(y, y == x))", List.of(
        plugins -> ((ArrayNode) plugins).add(plugins.get(0).deepCopy())));
    CEL.put("self.all(x, self.exists_one(y, y.option == x.option))", List.of(
        options -> ((ArrayNode) options).add(options.get(0).deepCopy())));
    CEL.put("(has(self.managed) && self.managed) || (has(self.databaseUrl) && has(self.solrUrl) && has(self.redisUrl))",
        List.of(services -> ((ObjectNode) services).remove("redisUrl"),
            services -> ((ObjectNode) services).put("managed", false).remove("databaseUrl")));
    CEL.put("has(self.pvc) || has(self.s3)", List.of(backup -> ((ObjectNode) backup).remove(List.of("pvc", "s3"))));
    CEL.put("!self.path.matches('(?i)[?&][a-z0-9_.-]*(key|token|password|passwd|secret|auth|session)[a-z0-9_.-]*=')",
        List.of(check -> ((ObjectNode) check).put("path", "/api/3/action/package_search?api_key=abc"),
            check -> ((ObjectNode) check).put("path", "/dataset?rows=1&Session_Id=x")));
    CEL.put("!has(self.jsonValue) || has(self.jsonField)", List.of(check -> ((ObjectNode) check).remove("jsonField")));
  }

  /** null when the offline validator rejects the spec with an error at the case's field (or under it). */
  static String validatorVerdict(HostileValues.Case c) {
    CkanInstanceSpec spec;
    try {
      spec = JSON.treeToValue(c.spec(), CkanInstanceSpec.class);
    } catch (Exception e) {
      return null; // not even readable as a spec: render and the operator refuse it before validating
    }
    List<FieldError> errors = SpecValidator.validate(spec);
    String field = withoutIndices(c.path());
    if (errors.stream().anyMatch(e -> withoutIndices(e.field()).startsWith(field)
        || field.startsWith(withoutIndices(e.field())))) {
      return null;
    }
    return errors.isEmpty() ? "accepted" : "rejected it elsewhere: " + errors;
  }

  private static String withoutIndices(String path) {
    return path.replaceAll("\\[\\d+]", "");
  }

  static ObjectNode fullSpec() throws IOException {
    try (InputStream in = HostileValues.class.getResourceAsStream("full-spec.yaml")) {
      return (ObjectNode) YAML.readTree(in);
    }
  }

  /** The hostile specs of the CRD the build generated (target/classes), from {@link #fullSpec()}. */
  static HostileValues fromGeneratedCrd() throws IOException {
    JsonNode schema = YAML.readTree(OperatorHarness.CRD.toFile())
        .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
    return derive(schema, fullSpec());
  }

  private final ObjectNode full;
  private final List<Case> cases = new ArrayList<>();
  private final Set<String> uncovered = new LinkedHashSet<>();
  private final Set<String> missing = new LinkedHashSet<>();
  private final Set<String> present = new LinkedHashSet<>();

  private HostileValues(ObjectNode full) {
    this.full = full;
  }

  /** @param specSchema the CRD's {@code openAPIV3Schema.properties.spec}; @param full a valid spec setting every field */
  static HostileValues derive(JsonNode specSchema, ObjectNode full) {
    HostileValues h = new HostileValues(full);
    h.walk(specSchema, "spec", "");
    return h;
  }

  List<Case> cases() {
    return cases;
  }

  /** Constraints without a hostile value: fields the full spec lacks, CEL rules missing from {@link #CEL}. */
  Set<String> uncovered() {
    Set<String> all = new LinkedHashSet<>(uncovered);
    missing.stream().filter(f -> !present.contains(f)).forEach(f -> all.add(f + " (not set in the full spec)"));
    return all;
  }

  /** Visits every schema node; array items at every index of the full spec, so each item shape is covered once. */
  private void walk(JsonNode schema, String path, String pointer) {
    JsonNode value = full.at(pointer);
    String field = withoutIndices(path);
    if (value.isMissingNode()) {
      if (isConstrained(schema)) {
        missing.add(field);
      }
    } else {
      present.add(field);
      derive(schema, path, pointer, value);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      walk(p.getValue(), path + "." + p.getKey(), pointer + "/" + p.getKey());
    }
    if (schema.has("items")) {
      for (int i = 0; i < Math.max(1, value.size()); i++) {
        walk(schema.get("items"), path + "[" + i + "]", pointer + "/" + i);
      }
    }
  }

  private static boolean isConstrained(JsonNode schema) {
    for (String k : List.of("pattern", "minimum", "maximum", "enum", "maxItems", "required",
        "x-kubernetes-validations")) {
      if (schema.has(k)) {
        return true;
      }
    }
    return false;
  }

  private void derive(JsonNode schema, String path, String pointer, JsonNode value) {
    if (schema.has("pattern") && value.isTextual()) {
      Pattern pattern = Pattern.compile(schema.get("pattern").asText());
      int found = 0;
      for (String candidate : List.of(value.asText() + " $(id)", "-" + value.asText(), "", value.asText() + "\n",
          value.asText() + ";rm", "../" + value.asText())) {
        if (found < 3 && !pattern.matcher(candidate).find()) {
          add(path, "pattern: " + quoted(candidate), pointer, TextNode.valueOf(candidate));
          found++;
        }
      }
      if (found == 0) {
        uncovered.add(path + " (no candidate breaks pattern " + pattern + ")");
      }
    }
    if (schema.has("minimum")) {
      int min = schema.get("minimum").asInt();
      add(path, "minimum " + min + ": " + (min - 1), pointer, IntNode.valueOf(min - 1));
    }
    if (schema.has("maximum")) {
      int max = schema.get("maximum").asInt();
      add(path, "maximum " + max + ": " + (max + 1), pointer, IntNode.valueOf(max + 1));
    }
    if (schema.has("enum")) {
      add(path, "enum: \"Bogus\"", pointer, TextNode.valueOf("Bogus"));
    }
    if (schema.has("maxItems") && value.isArray() && !value.isEmpty()) {
      int max = schema.get("maxItems").asInt();
      ArrayNode many = JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i <= max; i++) {
        many.add(distinctCopy(value.get(0), i));
      }
      add(path, "maxItems " + max + ": " + (max + 1) + " items", pointer, many);
    }
    for (JsonNode required : schema.path("required")) {
      ObjectNode spec = full.deepCopy();
      ((ObjectNode) spec.at(pointer)).remove(required.asText());
      cases.add(new Case(path + "." + required.asText(), "required", spec));
    }
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      List<Consumer<JsonNode>> breakers = CEL.get(rule.path("rule").asText());
      if (breakers == null) {
        uncovered.add(path + " (CEL rule without a hostile value in HostileValues.CEL: " + rule.path("rule").asText()
            + ")");
        continue;
      }
      for (int i = 0; i < breakers.size(); i++) {
        ObjectNode spec = full.deepCopy();
        breakers.get(i).accept(spec.at(pointer));
        cases.add(new Case(path, "CEL #" + (i + 1) + ": " + rule.path("rule").asText(), spec));
      }
    }
  }

  /** The i-th item of an over-long list: strings and names made distinct, so only the count breaks a rule. */
  private static JsonNode distinctCopy(JsonNode item, int i) {
    if (item.isTextual()) {
      return TextNode.valueOf(item.asText() + "x" + i);
    }
    JsonNode copy = item.deepCopy();
    if (copy.has("name")) {
      ((ObjectNode) copy).put("name", copy.get("name").asText() + "x" + i);
    }
    if (copy.has("option")) {
      ((ObjectNode) copy).put("option", copy.get("option").asText() + "x" + i);
    }
    return copy;
  }

  private void add(String path, String constraint, String pointer, JsonNode hostile) {
    ObjectNode spec = full.deepCopy();
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = spec.at(pointer.substring(0, slash));
    String last = pointer.substring(slash + 1);
    if (parent.isArray()) {
      ((ArrayNode) parent).set(Integer.parseInt(last), hostile);
    } else {
      ((ObjectNode) parent).set(last, hostile);
    }
    cases.add(new Case(path, constraint, spec));
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\n", "\\n") + "\"";
  }
}
