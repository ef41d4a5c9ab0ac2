package io.ckan.operator.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ImageSpec;
import io.ckan.operator.api.SecretKeyRef;
import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.api.WorkersSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The two fingerprints decide when a new revision is made (fingerprint: everything the pods run) and when an image is
 * built (imageFingerprint: base, CKAN version, extensions, recipe). They must move with what they cover and with
 * nothing else: a missed input leaves pods running the old thing, an extra one rolls every instance for nothing.
 */
class ReleaseFingerprintTest {

  static ResourceRequirements resources(String cpu, String memory) {
    return new ResourceRequirementsBuilder().addToLimits("cpu", new Quantity(cpu))
        .addToRequests("memory", new Quantity(memory)).build();
  }

  /** {@link SpecValidatorTest#valid()} with everything that has a place in the fingerprint set. */
  static CkanInstanceSpec full() {
    CkanInstanceSpec spec = SpecValidatorTest.valid();
    spec.resources = resources("1", "1Gi");
    spec.workers = new WorkersSpec();
    spec.workers.queues = new ArrayList<>(List.of("default", "harvest"));
    spec.workers.resources = resources("500m", "512Mi");
    spec.storage = new StorageSpec();
    spec.storage.size = "20Gi";
    spec.extensions.get(1).requirementsFile = "pip-requirements.txt";
    return spec;
  }

  static Stream<Arguments> changes() {
    return Stream.of(
        // what the pods run: a new revision
        Arguments.of("web cpu limit", (Consumer<CkanInstanceSpec>) s -> s.resources = resources("2", "1Gi"), true),
        Arguments.of("web memory request", (Consumer<CkanInstanceSpec>) s -> s.resources = resources("1", "2Gi"), true),
        Arguments.of("no web resources", (Consumer<CkanInstanceSpec>) s -> s.resources = null, true),
        Arguments.of("only web limits", (Consumer<CkanInstanceSpec>) s -> s.resources.setRequests(null), true),
        Arguments.of("worker queues", (Consumer<CkanInstanceSpec>) s -> s.workers.queues.remove("harvest"), true),
        Arguments.of("worker resources", (Consumer<CkanInstanceSpec>) s -> s.workers.resources =
            resources("1", "512Mi"), true),
        Arguments.of("no worker tier", (Consumer<CkanInstanceSpec>) s -> s.workers = null, true),
        Arguments.of("no uploads volume", (Consumer<CkanInstanceSpec>) s -> s.storage = null, true),
        Arguments.of("database from another Secret", (Consumer<CkanInstanceSpec>) s -> s.services.databaseUrl =
            new SecretKeyRef("other-db", "url"), true),
        Arguments.of("redis from another key", (Consumer<CkanInstanceSpec>) s -> s.services.redisUrl =
            new SecretKeyRef(s.services.redisUrl.name, "redis-url"), true),
        Arguments.of("base image", (Consumer<CkanInstanceSpec>) s -> s.image.base =
            "registry.example.org/mirror/ckan-base:2.11.5", true),
        Arguments.of("requirements file", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(1).requirementsFile =
            "requirements.txt", true),
        Arguments.of("no requirements file", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(1).requirementsFile =
            null, true),
        Arguments.of("floating ref allowed", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(1).git.allowFloatingRef =
            true, true),
        // changed in place, or not run by any pod: the same revision
        Arguments.of("worker replicas", (Consumer<CkanInstanceSpec>) s -> s.workers.replicas = 3, false),
        Arguments.of("uploads volume size", (Consumer<CkanInstanceSpec>) s -> s.storage.size = "50Gi", false),
        Arguments.of("floating ref explicitly refused", (Consumer<CkanInstanceSpec>) s ->
            s.extensions.get(1).git.allowFloatingRef = false, false),
        Arguments.of("constraints with a prebuilt image (the build is not ours)", (Consumer<CkanInstanceSpec>) s ->
            s.constraints = List.of("rdflib==7.1.4"), false),
        Arguments.of("plugins an extension declares", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(0).plugins =
            List.of("dcat"), false));
  }

  @ParameterizedTest(name = "{0} makes a new revision: {2}")
  @MethodSource("changes")
  void whatMakesANewRevision(String what, Consumer<CkanInstanceSpec> change, boolean newRevision) {
    CkanInstanceSpec after = full();
    change.accept(after);
    assertEquals(newRevision, !fingerprint(full()).equals(fingerprint(after)), what);
  }

  @Test
  void resourcesAreComparedByValueNotByMapOrder() {
    CkanInstanceSpec a = full();
    a.resources = new ResourceRequirementsBuilder().addToLimits("cpu", new Quantity("1"))
        .addToLimits("memory", new Quantity("2Gi")).build();
    CkanInstanceSpec b = full();
    b.resources = new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("2Gi"))
        .addToLimits("cpu", new Quantity("1")).build();
    assertEquals(fingerprint(a), fingerprint(b));
  }

  @Test
  void aQuantityWithoutValueIsAValueOfItsOwn() {
    CkanInstanceSpec empty = full();
    Map<String, Quantity> limits = new HashMap<>();
    limits.put("cpu", null);
    empty.resources.setLimits(limits);
    CkanInstanceSpec none = full();
    none.resources.setLimits(Map.of());
    // no crash on `cpu: ~`, and not the same as no cpu limit at all
    assertNotEquals(fingerprint(none), fingerprint(empty));
  }

  /**
   * The image fingerprint is pinned: it names the pushed tag ({@code <registry>:<version>-<fp12>}), so any change to
   * its canonical form rebuilds every instance's image on upgrade; bump {@link ImageBuild#RECIPE_VERSION} instead.
   * Each row is the canonical JSON the operator must hash for that spec (sorted keys, extensions by name, absent
   * fields left out).
   */
  static Stream<Arguments> imageInputs() {
    String harvest = "\"gitRef\":\"v1.6.3\",\"gitUrl\":\"https://github.com/ckan/ckanext-harvest\",\"name\":\"harvest\"";
    String dcat = "{\"name\":\"dcat\",\"pip\":\"ckanext-dcat==2.4.4\"}";
    return Stream.of(
        Arguments.of("pip and git, default base", (Consumer<CkanInstanceSpec>) s -> { },
            "{\"base\":\"ckan/ckan-base:2.11.5\",\"extensions\":[" + dcat + ",{" + harvest + "}],\"recipe\":\"1\","
                + "\"version\":\"2.11.5\"}"),
        Arguments.of("floating ref and requirements file", (Consumer<CkanInstanceSpec>) s -> {
          s.extensions.get(1).git.allowFloatingRef = true;
          s.extensions.get(1).requirementsFile = "pip-requirements.txt";
        }, "{\"base\":\"ckan/ckan-base:2.11.5\",\"extensions\":[" + dcat + ",{\"allowFloatingRef\":true," + harvest
            + ",\"requirementsFile\":\"pip-requirements.txt\"}],\"recipe\":\"1\",\"version\":\"2.11.5\"}"),
        Arguments.of("own base, git extension listed first", (Consumer<CkanInstanceSpec>) s -> {
          s.image.base = "registry.example.org/mirror/ckan-base:2.10.10";
          s.version = "2.10.10";
          Collections.reverse(s.extensions);
        }, "{\"base\":\"registry.example.org/mirror/ckan-base:2.10.10\",\"extensions\":[" + dcat + ",{" + harvest
            + "}],\"recipe\":\"1\",\"version\":\"2.10.10\"}"),
        Arguments.of("constraints, by project name whatever their order", (Consumer<CkanInstanceSpec>) s ->
            s.constraints = List.of("rdflib==7.1.4", "PyLD==2.0.4"),
            "{\"base\":\"ckan/ckan-base:2.11.5\",\"constraints\":[\"PyLD==2.0.4\",\"rdflib==7.1.4\"],"
                + "\"extensions\":[" + dcat + ",{" + harvest + "}],\"recipe\":\"1\",\"version\":\"2.11.5\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("imageInputs")
  void imageFingerprintIsTheHashOfItsCanonicalInputs(String what, Consumer<CkanInstanceSpec> change, String json)
      throws Exception {
    CkanInstanceSpec spec = ReleaseFactoryTest.toBuild();
    spec.image = new ImageSpec();
    change.accept(spec);
    Release release = ReleaseFactoryTest.release(spec);
    String sha256 = HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
    assertEquals(sha256, release.imageFingerprint());
    assertEquals("registry.example.org/ckan/portal:" + spec.version + "-" + sha256.substring(0, 12),
        release.build().tag());
  }

  static String fingerprint(CkanInstanceSpec spec) {
    return ReleaseFactoryTest.release(spec).fingerprint();
  }
}
