package io.ckan.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The committed CRDs are the generated ones, and the schema rejects what the contract says it rejects. */
class CrdTest {
  static final Path GENERATED = Path.of("target/classes/META-INF/fabric8/ckaninstances.ckan.io-v1.yml");
  static final Path COMMITTED = Path.of("../crds/ckaninstances.ckan.io-v1.yml");
  static final Path CHART = Path.of("../helm/ckan-operator/crds/ckaninstances.ckan.io-v1.yml");
  static final String FIX = " differs from the CRD generated from the Java model; run "
      + "`mvn -B -pl operator -Pupdate-crds -DskipTests process-classes` and commit the result";

  @Test
  void committedCrdsMatchTheGeneratedOne() throws Exception {
    String generated = Files.readString(GENERATED);
    assertEquals(generated, Files.readString(COMMITTED), COMMITTED + FIX);
    assertEquals(generated, Files.readString(CHART), CHART + FIX);
  }

  static JsonNode spec() throws Exception {
    JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(GENERATED.toFile());
    return crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
  }

  @Test
  void contractBasics() throws Exception {
    JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(GENERATED.toFile());
    assertEquals("ckan.io", crd.at("/spec/group").asText());
    assertEquals("ckan", crd.at("/spec/names/shortNames/0").asText());
    assertEquals("Namespaced", crd.at("/spec/scope").asText());
    JsonNode version = crd.at("/spec/versions/0");
    assertEquals("v1alpha1", version.at("/name").asText());
    assertTrue(version.at("/subresources/status").isObject(), "status subresource");
    List<String> columns = new ArrayList<>();
    version.at("/additionalPrinterColumns").forEach(c -> columns.add(c.at("/name").asText().toUpperCase()));
    assertTrue(columns.containsAll(List.of("VERSION", "CURRENT", "DESIRED", "READY", "AGE")), columns.toString());
    assertEquals(0, spec().at("/properties/replicas/minimum").asInt());
    assertTrue(spec().at("/required").toString().contains("version"));
  }

  @Test
  void celRulesGuardUniquenessAndSources() throws Exception {
    JsonNode spec = spec();
    assertTrue(spec.at("/properties/extensions/x-kubernetes-validations/0/rule").asText().contains("exists_one"));
    assertEquals("has(self.pip) != has(self.git)",
        spec.at("/properties/extensions/items/x-kubernetes-validations/0/rule").asText());
    assertTrue(spec.at("/properties/config/x-kubernetes-validations/0/rule").asText().startsWith("self.all(k, k.matches("));
  }

  /** Schema patterns (RE2-compatible) evaluated as the API server would, on good and bad values. */
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "/properties/version | 2.11.5 | true",
      "/properties/version | 2.11 | false",
      "/properties/version | 2.11.5; rm -rf / | false",
      "/properties/version | latest | false",
      "/properties/extensions/items/properties/pip | ckanext-dcat==2.4.4 | true",
      "/properties/extensions/items/properties/pip | ckanext-dcat>=2.4 | false",
      "/properties/extensions/items/properties/pip | ckanext-dcat | false",
      "/properties/extensions/items/properties/pip | ckanext-dcat==2.* | false",
      "/properties/extensions/items/properties/pip | ckanext-dcat==2.4.4 && curl x | false",
      "/properties/extensions/items/properties/git/properties/url | https://github.com/ckan/ckanext-dcat.git | true",
      "/properties/extensions/items/properties/git/properties/url | http://github.com/ckan/ckanext-dcat | false",
      "/properties/extensions/items/properties/git/properties/url | git@github.com:ckan/ckanext-dcat | false",
      "/properties/extensions/items/properties/git/properties/url | https://user:pw@github.com/x/y | false",
      "/properties/extensions/items/properties/git/properties/ref | v2.4.4 | true",
      "/properties/extensions/items/properties/git/properties/ref | 0123456789abcdef0123456789abcdef01234567 | true",
      "/properties/extensions/items/properties/git/properties/ref | --upload-pack=evil | false",
      "/properties/extensions/items/properties/git/properties/ref | v1 $(id) | false",
      "/properties/image/properties/prebuilt | reg.example.org/ckan@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | true",
      "/properties/image/properties/prebuilt | reg.example.org/ckan:2.11.5 | false",
      "/properties/plugins/items | scheming_datasets | true",
      "/properties/plugins/items | dcat;rm | false",
  })
  void patterns(String pointer, String value, boolean accepted) throws Exception {
    String regex = spec().at(pointer + "/pattern").asText();
    assertFalse(regex.isEmpty(), "no pattern at " + pointer);
    assertEquals(accepted, Pattern.compile(regex).matcher(value).find(), regex);
  }

  /**
   * The API server refuses a CRD whose CEL rules might cost too much, estimating the cost from declared bounds only
   * (never from a pattern): under a rule every array needs maxItems, every map maxProperties and every string
   * maxLength or an enum. Without them the committed CRD was refused ("estimated rule cost exceeds budget").
   */
  @Test
  void celRulesOnlyReadBoundedValues() throws Exception {
    List<String> unbounded = new ArrayList<>();
    unboundedUnderRules(spec(), "spec", false, unbounded);
    assertEquals(List.of(), unbounded, "bound them with @Size so the API server accepts the CEL rules");
  }

  private static void unboundedUnderRules(JsonNode node, String path, boolean underRule, List<String> unbounded) {
    boolean ruled = underRule || node.has("x-kubernetes-validations");
    String type = node.path("type").asText();
    boolean map = node.path("additionalProperties").isObject();
    if (ruled && (type.equals("array") && !node.has("maxItems") || map && !node.has("maxProperties")
        || type.equals("string") && !node.has("maxLength") && !node.has("enum"))) {
      unbounded.add(path);
    }
    node.path("properties").fields().forEachRemaining(e ->
        unboundedUnderRules(e.getValue(), path + "." + e.getKey(), ruled, unbounded));
    if (node.has("items")) {
      unboundedUnderRules(node.get("items"), path + "[*]", ruled, unbounded);
    }
    if (map) {
      unboundedUnderRules(node.get("additionalProperties"), path + "[*]", ruled, unbounded);
    }
  }
}
