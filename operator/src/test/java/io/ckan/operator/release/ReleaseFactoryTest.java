package io.ckan.operator.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.BuildSpec;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ImageSpec;
import io.ckan.operator.api.RolloutSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReleaseFactoryTest {

  static Release release(CkanInstanceSpec spec) {
    return assertInstanceOf(ReleaseOutcome.Ready.class, ReleaseFactory.from(spec)).release();
  }

  @Test
  void fingerprintIgnoresFieldAndMapOrder() {
    CkanInstanceSpec a = SpecValidatorTest.valid();
    a.config.put("ckan.site_title", "Data");
    CkanInstanceSpec b = SpecValidatorTest.valid();
    Collections.reverse(b.extensions);
    Map<String, String> reversed = new LinkedHashMap<>();
    reversed.put("ckan.site_title", "Data");
    reversed.put("ckan.site_url", "https://data.example.org");
    b.config = reversed;
    assertEquals(release(a).fingerprint(), release(b).fingerprint());
    assertEquals(release(a).imageFingerprint(), release(b).imageFingerprint());
  }

  @Test
  void fingerprintIsStableAcrossRuns() {
    // pinned value: a change here means every running instance would roll out a new revision on upgrade
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = "2.11.5";
    spec.plugins = List.of("activity");
    spec.services = io.ckan.operator.TestServices.external();
    assertEquals(release(spec).fingerprint(), release(spec).fingerprint());
    assertEquals(64, release(spec).fingerprint().length());
    assertEquals("ckan/ckan-base:2.11.5", release(spec).image());
    assertFalse(release(spec).imagePinned());
  }

  static Stream<Arguments> changes() {
    return Stream.of(
        Arguments.of("version", (Consumer<CkanInstanceSpec>) s -> s.version = "2.11.6", true),
        Arguments.of("pip pin", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(0).pip = "ckanext-dcat==2.4.5", true),
        Arguments.of("git ref", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(1).git.ref = "v1.6.4", true),
        Arguments.of("prebuilt digest", (Consumer<CkanInstanceSpec>) s -> s.image.prebuilt =
            "registry.example.org/ckan@sha256:" + "b".repeat(64), true),
        Arguments.of("plugin order", (Consumer<CkanInstanceSpec>) s -> Collections.reverse(s.plugins), true),
        Arguments.of("config value", (Consumer<CkanInstanceSpec>) s -> s.config.put("ckan.site_url", "https://x.org"), true),
        Arguments.of("replicas", (Consumer<CkanInstanceSpec>) s -> s.replicas = 7, false),
        Arguments.of("rollout", (Consumer<CkanInstanceSpec>) s -> s.rollout = new RolloutSpec(), false),
        Arguments.of("paused", (Consumer<CkanInstanceSpec>) s -> s.paused = true, false));
  }

  @ParameterizedTest(name = "{0} changes the revision: {2}")
  @MethodSource("changes")
  void whatMakesANewRevision(String what, Consumer<CkanInstanceSpec> change, boolean newRevision) {
    CkanInstanceSpec before = SpecValidatorTest.valid();
    CkanInstanceSpec after = SpecValidatorTest.valid();
    change.accept(after);
    assertEquals(newRevision, !release(before).fingerprint().equals(release(after).fingerprint()), what);
  }

  @Test
  void imageFingerprintChangesWithAnyPinButNotWithConfig() {
    CkanInstanceSpec a = SpecValidatorTest.valid();
    CkanInstanceSpec b = SpecValidatorTest.valid();
    b.extensions.get(0).pip = "ckanext-dcat==2.4.5";
    assertNotEquals(release(a).imageFingerprint(), release(b).imageFingerprint());
    CkanInstanceSpec c = SpecValidatorTest.valid();
    c.config.put("ckan.site_title", "other");
    assertEquals(release(a).imageFingerprint(), release(c).imageFingerprint());
  }

  @Test
  void envvarsIsLoadedLastExactlyOnce() {
    CkanInstanceSpec spec = SpecValidatorTest.valid();
    spec.plugins = new ArrayList<>(List.of("envvars", "activity", "dcat"));
    Release r = release(spec);
    assertEquals(List.of("activity", "dcat", "envvars"), r.plugins());
    assertEquals("activity dcat envvars", r.env().get("CKAN__PLUGINS"));
  }

  @Test
  void configBecomesCkanEnvironment() {
    CkanInstanceSpec spec = SpecValidatorTest.valid();
    spec.config.put("ckan.auth.public_user_details", "false");
    spec.config.put("scheming.dataset_schemas", "ckanext.scheming:ckan_dataset.yaml");
    Map<String, String> env = new TreeMap<>(release(spec).env());
    assertEquals("https://data.example.org", env.get("CKAN_SITE_URL"));
    assertEquals("false", env.get("CKAN__AUTH__PUBLIC_USER_DETAILS"));
    assertEquals("ckanext.scheming:ckan_dataset.yaml", env.get("CKAN___SCHEMING__DATASET_SCHEMAS"));
  }

  @Test
  void instanceNamesMustLeaveRoomForObjectNames() {
    ReleaseOutcome.Invalid invalid = assertInstanceOf(ReleaseOutcome.Invalid.class,
        ReleaseFactory.from(SpecValidatorTest.valid(), "a".repeat(41)));
    assertEquals("metadata.name", invalid.errors().get(0).field());
    assertInstanceOf(ReleaseOutcome.Ready.class, ReleaseFactory.from(SpecValidatorTest.valid(), "a".repeat(40)));
  }

  @Test
  void extensionsWithoutAPrebuiltImageNeedABuildRegistry() {
    CkanInstanceSpec spec = SpecValidatorTest.valid();
    spec.image = null;
    ReleaseOutcome.Blocked blocked = assertInstanceOf(ReleaseOutcome.Blocked.class, ReleaseFactory.from(spec));
    assertEquals("BuildRegistryMissing", blocked.reason());
    assertTrue(blocked.message().contains("spec.build.registry"));
    assertTrue(blocked.message().contains("spec.image.prebuilt"));
  }

  @Test
  void extensionsWithARegistryAreBuiltAndTaggedByImageFingerprint() {
    CkanInstanceSpec spec = SpecValidatorTest.valid();
    spec.image = null;
    spec.build = new io.ckan.operator.api.BuildSpec();
    spec.build.registry = "registry.example.org:5000/ckan/portal";
    Release r = release(spec);
    assertEquals(null, r.image(), "known only once the build pushed it");
    assertEquals("registry.example.org:5000/ckan/portal:2.11.5-" + r.imageFingerprint().substring(0, 12),
        r.build().tag());
    assertEquals(List.of("dcat", "harvest"), r.build().extensions().stream().map(e -> e.name).toList());
    CkanInstanceSpec sameAgain = SpecValidatorTest.valid();
    sameAgain.image = null;
    sameAgain.build = spec.build;
    Collections.reverse(sameAgain.extensions);
    assertEquals(r.fingerprint(), release(sameAgain).fingerprint(), "same inputs, same release, any order");
  }

  /** valid() with its extensions built by the operator instead of prebuilt by CI. */
  static CkanInstanceSpec toBuild() {
    CkanInstanceSpec spec = SpecValidatorTest.valid();
    spec.image = null;
    spec.build = new BuildSpec();
    spec.build.registry = "registry.example.org/ckan/portal";
    return spec;
  }

  /** valid() without extensions: the image needs no build. */
  static CkanInstanceSpec noExtensions(Consumer<CkanInstanceSpec> change) {
    CkanInstanceSpec spec = SpecValidatorTest.valid();
    spec.extensions = null;
    spec.plugins = new ArrayList<>(List.of("activity"));
    spec.image = null;
    change.accept(spec);
    return spec;
  }

  static final String DIGEST = "@sha256:" + "c".repeat(64);
  static final String MIRROR = "registry.example.org/mirror/ckan-base:2.11.5";

  static Stream<Arguments> images() {
    return Stream.of(
        Arguments.of("no image section", noExtensions(s -> { }), "ckan/ckan-base:2.11.5", false),
        Arguments.of("an empty image section", noExtensions(s -> s.image = new ImageSpec()), "ckan/ckan-base:2.11.5",
            false),
        Arguments.of("own base by tag", noExtensions(s -> {
          s.image = new ImageSpec();
          s.image.base = MIRROR;
        }), MIRROR, false),
        Arguments.of("own base by digest", noExtensions(s -> {
          s.image = new ImageSpec();
          s.image.base = MIRROR + DIGEST;
        }), MIRROR + DIGEST, true),
        Arguments.of("prebuilt by CI, base ignored", noExtensions(s -> {
          s.image = new ImageSpec();
          s.image.base = MIRROR;
          s.image.prebuilt = "registry.example.org/ckan/portal" + DIGEST;
        }), "registry.example.org/ckan/portal" + DIGEST, true),
        Arguments.of("extensions in a prebuilt image", SpecValidatorTest.valid(),
            "registry.example.org/ckan" + "@sha256:" + "a".repeat(64), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("images")
  void theImageThePodsRun(String what, CkanInstanceSpec spec, String image, boolean pinned) {
    Release r = release(spec);
    assertEquals(image, r.image());
    assertEquals(pinned, r.imagePinned());
    assertEquals(null, r.build(), "nothing to build");
  }

  @Test
  void aBuildStartsFromTheOwnBase() {
    CkanInstanceSpec spec = toBuild();
    spec.image = new ImageSpec();
    spec.image.base = MIRROR + DIGEST;
    ImageBuild build = release(spec).build();
    assertEquals(MIRROR + DIGEST, build.baseImage());
    assertEquals("2.11.5", build.ckanVersion());
    assertEquals(spec.build, build.spec());
  }

  @Test
  void aBuildSectionWithoutRegistryCannotBuild() {
    CkanInstanceSpec spec = toBuild();
    spec.build.registry = null;
    spec.build.pushSecret = "push";
    ReleaseOutcome.Blocked blocked = assertInstanceOf(ReleaseOutcome.Blocked.class, ReleaseFactory.from(spec));
    assertEquals("BuildRegistryMissing", blocked.reason());
  }

  @Test
  void extensionsAreBuiltInNameOrder() {
    CkanInstanceSpec spec = toBuild();
    Collections.reverse(spec.extensions);
    assertEquals(List.of("harvest", "dcat"), spec.extensions.stream().map(e -> e.name).toList());
    assertEquals(List.of("dcat", "harvest"), release(spec).build().extensions().stream().map(e -> e.name).toList());
  }

  @Test
  void theBuiltImageReplacesNothingButTheImage() {
    CkanInstanceSpec spec = toBuild();
    Release built = release(spec);
    Release pushed = built.withImage("registry.example.org/ckan/portal" + DIGEST);
    assertEquals("registry.example.org/ckan/portal" + DIGEST, pushed.image());
    assertTrue(pushed.imagePinned());
    assertEquals(new Release(built.fingerprint(), built.imageFingerprint(), built.version(), pushed.image(), true,
        built.plugins(), built.env(), built.resources(), built.secretEnv(), built.workers(), built.storage(),
        built.build()), pushed);
    assertFalse(built.withImage("registry.example.org/ckan/portal:2.11.5").imagePinned());
  }

  @Test
  void theShortFingerprintIsItsFirstTwelveCharacters() {
    Release r = release(SpecValidatorTest.valid());
    assertEquals(12, r.shortFingerprint().length());
    assertTrue(r.fingerprint().startsWith(r.shortFingerprint()));
  }

  @Test
  void withoutPluginsOnlyEnvvarsIsLoaded() {
    Release r = release(noExtensions(s -> s.plugins = null));
    assertEquals(List.of("envvars"), r.plugins());
    assertEquals("envvars", r.env().get(ReleaseFactory.PLUGINS_ENV));
  }

  @Test
  void theRuntimeEnvironmentIsPartOfTheRelease() {
    // the Solr URL of spec.services reaches the pods through the revision's env (its ConfigMap)
    assertEquals(io.ckan.operator.TestServices.SOLR_URL, release(SpecValidatorTest.valid()).env().get("CKAN_SOLR_URL"));
  }
}
