package io.ckan.operator.cli.kubectl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What {@code kubectl ckan diff} reports between two revisions' config snapshots (pure). */
class RevisionDiffTest {
  private static ConfigMap snapshot(Consumer<Map<String, String>> annotations, Map<String, String> data) {
    Map<String, String> a = new HashMap<>(Map.of("ckan.io/version", "2.11.4", "ckan.io/plugins",
        "activity,dcat,envvars", "ckan.io/image", "ckan/ckan-base:2.11.4", "ckan.io/extensions",
        "{\"dcat\":\"pip ckanext-dcat==2.4.4\"}"));
    annotations.accept(a);
    return new ConfigMapBuilder().withNewMetadata().withName("portal-r1").withAnnotations(a).endMetadata()
        .withData(data).build();
  }

  private static final Map<String, String> CONFIG = Map.of("CKAN_SITE_URL", "https://data.example.org");

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(snapshot(a -> { }, CONFIG), List.of()),
        Arguments.of(snapshot(a -> a.put("ckan.io/version", "2.11.5"), CONFIG),
            List.of("version 2.11.4 -> 2.11.5")),
        Arguments.of(snapshot(a -> a.put("ckan.io/plugins", "dcat,activity,envvars"), CONFIG),
            List.of("plugins activity,dcat,envvars -> dcat,activity,envvars")),
        Arguments.of(snapshot(a -> a.put("ckan.io/extensions", "{\"dcat\":\"pip ckanext-dcat==2.4.5\","
            + "\"harvest\":\"git https://github.com/ckan/ckanext-harvest@v1.6.2\"}"), CONFIG),
            List.of("extension dcat pip ckanext-dcat==2.4.4 -> pip ckanext-dcat==2.4.5",
                "extension harvest null -> git https://github.com/ckan/ckanext-harvest@v1.6.2")),
        Arguments.of(snapshot(a -> a.remove("ckan.io/extensions"), CONFIG),
            List.of("extension dcat pip ckanext-dcat==2.4.4 -> null")),
        Arguments.of(snapshot(a -> { }, Map.of("CKAN_SITE_URL", "https://new.example.org", "CKAN__DATASETS__PER_PAGE",
            "50")), List.of("config CKAN_SITE_URL https://data.example.org -> https://new.example.org",
                "config CKAN__DATASETS__PER_PAGE null -> 50")),
        Arguments.of(snapshot(a -> a.put("ckan.io/schema-after", "4b6a3f2e1d0c"), CONFIG),
            List.of("schema null -> 4b6a3f2e1d0c")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void eachFieldThatDiffersIsOneChange(ConfigMap other, List<String> changes) {
    RevisionRecord a = RevisionRecord.of(1, snapshot(x -> { }, CONFIG), null);
    RevisionRecord b = RevisionRecord.of(2, other, null);
    assertEquals(changes, RevisionDiff.between(a, b).stream().map(c -> c.field() + " " + c.from() + " -> " + c.to())
        .toList());
  }

  @org.junit.jupiter.api.Test
  void theTableHasAColumnPerRevision() {
    assertEquals("""
        FIELD     REVISION 1   REVISION 2
        version   2.11.4       2.11.5
        plugins   a            -
        """, RevisionDiff.render(1, 2, List.of(new RevisionDiff.Change("version", "2.11.4", "2.11.5"),
        new RevisionDiff.Change("plugins", "a", null))));
    assertEquals("revisions 1 and 2 run the same release\n", RevisionDiff.render(1, 2, List.of()));
  }
}
