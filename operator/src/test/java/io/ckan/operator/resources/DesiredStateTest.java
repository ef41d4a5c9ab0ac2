package io.ckan.operator.resources;

import io.ckan.operator.contract.Names;
import io.ckan.operator.contract.Labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.TestServices;
import io.ckan.operator.api.BuildSpec;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.api.GitSource;
import io.ckan.operator.api.IngressSpec;
import io.ckan.operator.api.ServicesSpec;
import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.api.WorkersSpec;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseFactory;
import io.ckan.operator.release.ReleaseOutcome;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredStateTest {
  static final Owner OWNER = new Owner("portal", "data", "uid-1");
  static final String DIGEST = "registry.example.org/ckan/portal@sha256:" + "c".repeat(64);

  static CkanInstanceSpec spec() {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = "2.11.5";
    spec.plugins = new ArrayList<>(List.of("activity"));
    spec.services = TestServices.external();
    return spec;
  }

  static CkanInstanceSpec built() {
    CkanInstanceSpec spec = spec();
    ExtensionSpec harvest = new ExtensionSpec();
    harvest.name = "harvest";
    harvest.git = new GitSource();
    harvest.git.url = "https://github.com/ckan/ckanext-harvest";
    harvest.git.ref = "v1.6.2";
    harvest.plugins = List.of("harvest");
    spec.extensions = List.of(harvest);
    spec.plugins.add("harvest");
    spec.build = new BuildSpec();
    spec.build.registry = "registry.example.org/ckan/portal";
    return spec;
  }

  static Release release(CkanInstanceSpec spec) {
    return ((ReleaseOutcome.Ready) ReleaseFactory.from(spec, "portal")).release();
  }

  static List<String> names(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }

  @Test
  void aRevisionOfTheBaseImageWithoutWorkers() {
    List<HasMetadata> objects = DesiredState.revision(OWNER, 3, release(spec()), 2, 600, null);
    assertEquals(List.of("ConfigMap/portal-r3", "Service/portal-r3", "Job/portal-r3-migrate", "Deployment/portal-r3"),
        names(objects));
    Deployment web = DesiredState.pick(objects, Deployment.class, "portal-r3");
    assertEquals(2, web.getSpec().getReplicas());
    assertEquals(600, web.getSpec().getProgressDeadlineSeconds());
    assertEquals("ckan/ckan-base:2.11.5", web.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
  }

  @Test
  void aDatabaseOutageMakesWebPodsUnreadyNotRestarted() {
    Deployment web = DesiredState.pick(DesiredState.revision(OWNER, 3, release(spec()), 2, 600, null),
        Deployment.class, "portal-r3");
    var ckan = web.getSpec().getTemplate().getSpec().getContainers().get(0);
    // status_show answers 500 while PostgreSQL is down (the real CKAN 2.11.5 recording): readiness may say so
    assertEquals(RevisionObjects.STATUS_PATH, ckan.getReadinessProbe().getHttpGet().getPath());
    assertEquals(RevisionObjects.STATUS_PATH, ckan.getStartupProbe().getHttpGet().getPath());
    // liveness must not, or every web pod restarts during the outage
    assertNull(ckan.getLivenessProbe().getHttpGet());
    assertEquals("http", ckan.getLivenessProbe().getTcpSocket().getPort().getStrVal());
  }

  @Test
  void workersAreCreatedWithNoReplicasTheyFollowThePointer() {
    CkanInstanceSpec spec = spec();
    spec.workers = new WorkersSpec();
    spec.workers.replicas = 3;
    List<HasMetadata> objects = DesiredState.revision(OWNER, 1, release(spec), 2, 600, null);
    assertEquals("Deployment/portal-r1-worker", names(objects).get(names(objects).size() - 1));
    assertEquals(0, DesiredState.pick(objects, Deployment.class, "portal-r1-worker").getSpec().getReplicas());
  }

  @Test
  void whileItsImageIsBuiltARevisionIsItsBuildItsConfigAndItsService() {
    Release release = release(built());
    String build = Names.build(release.imageFingerprint());
    assertEquals(List.of("ConfigMap/" + build, "Job/" + build, "ConfigMap/portal-r1", "Service/portal-r1"),
        names(DesiredState.revision(OWNER, 1, release, 2, 600, null)));
    assertEquals(names(DesiredState.build(OWNER, release)), List.of("ConfigMap/" + build, "Job/" + build));
    assertEquals(List.of(), DesiredState.build(OWNER, release(spec())), "nothing to build for the base image");
  }

  @Test
  void aBuiltImageRunsByDigestAndRecordsItsCommitsOnTheDeployment() {
    Release release = release(built());
    List<HasMetadata> objects = DesiredState.revision(OWNER, 1, release, 2, 600,
        new DesiredState.BuiltImage(DIGEST, Map.of("harvest", "a".repeat(40))));
    Deployment web = DesiredState.pick(objects, Deployment.class, "portal-r1");
    assertEquals(DIGEST, web.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertEquals("{\"harvest\":\"" + "a".repeat(40) + "\"}",
        web.getMetadata().getAnnotations().get(Labels.RESOLVED_COMMITS));
    Job migrate = DesiredState.pick(objects, Job.class, "portal-r1-migrate");
    assertEquals(DIGEST, migrate.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    // the config snapshot is created before the build pushed anything: it never names the built image
    assertNull(DesiredState.pick(objects, ConfigMap.class, "portal-r1").getMetadata().getAnnotations()
        .get(Labels.IMAGE));
    assertEquals(DesiredState.pick(DesiredState.revision(OWNER, 1, release, 2, 600, null), ConfigMap.class,
        "portal-r1"), DesiredState.pick(objects, ConfigMap.class, "portal-r1"), "the same snapshot before and after");
  }

  @Test
  void aPendingBuildNamesTheJobThatReportsTheDigestAndTheCommits() {
    Release release = release(built());
    String job = Names.build(release.imageFingerprint());
    DesiredState.BuiltImage pending = DesiredState.BuiltImage.pending(release);
    assertEquals("registry.example.org/ckan/portal@sha256:<digest pushed by job/" + job + ">", pending.image());
    assertEquals(Map.of("harvest", "<commit resolved by job/" + job + ">"), pending.commits());
  }

  @Test
  void theInstanceObjectsFollowTheSpec() {
    CkanInstanceSpec spec = spec();
    DesiredState.Instance bare = DesiredState.instance(OWNER, spec);
    assertEquals(List.of(), bare.objects());
    assertEquals(List.of("Secret/portal-keys"), names(bare.generatedSecrets()), "no secretConfig: generated keys");
    assertEquals(Labels.webSelector("portal", 4), bare.pointer(4).getSpec().getSelector());

    spec.services = new ServicesSpec();
    spec.services.managed = true;
    spec.storage = new StorageSpec();
    spec.storage.size = "1Gi";
    spec.ingress = new IngressSpec();
    spec.ingress.host = "data.example.org";
    DesiredState.Instance full = DesiredState.instance(OWNER, spec);
    assertEquals(List.of("ConfigMap/portal-db-init", "Deployment/portal-db", "Service/portal-db",
        "Deployment/portal-solr", "Service/portal-solr", "Deployment/portal-redis", "Service/portal-redis",
        "PersistentVolumeClaim/portal-storage", "Ingress/portal"), names(full.objects()));
    assertEquals(List.of("Secret/portal-keys", "Secret/portal-services"), names(full.generatedSecrets()));
  }

  @Test
  void generatedSecretsShowPlaceholdersWhereTheOperatorPutsRandomValues() {
    CkanInstanceSpec spec = spec();
    spec.services = new ServicesSpec();
    spec.services.managed = true;
    for (Secret secret : DesiredState.instance(OWNER, spec).generatedSecrets()) {
      assertFalse(secret.getStringData().isEmpty());
      secret.getStringData().values().forEach(v -> assertTrue(v.contains(DesiredState.RANDOM_PLACEHOLDER), v));
      assertTrue(secret.getMetadata().getOwnerReferences() == null
          || secret.getMetadata().getOwnerReferences().isEmpty(), "kept with the instance gone");
    }
    List<Secret> real = DesiredState.generatedSecrets(OWNER, spec, () -> "x".repeat(43));
    assertEquals("postgresql://ckan:" + "x".repeat(43) + "@portal-db:5432/ckan",
        DesiredState.pick(real, Secret.class, "portal-services").getStringData().get("database-url"));
  }

  @Test
  void pickingAnObjectTheDesiredStateLacksIsABug() {
    List<HasMetadata> objects = DesiredState.revision(OWNER, 1, release(spec()), 1, 600, null);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DesiredState.pick(objects, Deployment.class, "portal-r1-worker"));
    assertEquals("the desired state has no Deployment portal-r1-worker", e.getMessage());
    assertThrows(IllegalStateException.class, () -> DesiredState.pick(objects, Job.class, "portal-r1"),
        "picked by kind and name");
  }
}
