package io.ckan.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int render(String... args) throws Exception {
    return Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void rendersTheRevisionObjectsOfAnExample() throws Exception {
    assertEquals(0, render("render", "-f", "../examples/prebuilt-image.yaml", "--revision", "3"));
    List<HasMetadata> objects = Serialization.unmarshal(out.toString(StandardCharsets.UTF_8));
    assertEquals(List.of("ConfigMap/portal-r3", "Service/portal-r3", "Job/portal-r3-migrate", "Deployment/portal-r3",
        "Service/portal", "ConfigMap/portal-db-init", "Deployment/portal-db", "Service/portal-db",
        "Deployment/portal-solr", "Service/portal-solr", "Deployment/portal-redis", "Service/portal-redis"),
        objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList());
    Deployment d = (Deployment) objects.get(3);
    String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    assertTrue(image.contains("@sha256:"), image);
    assertEquals("3", d.getSpec().getSelector().getMatchLabels().get("ckan.io/revision"));
    assertTrue(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot());
    assertEquals(List.of("ALL"), d.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext()
        .getCapabilities().getDrop());
  }

  @Test
  void aBackupIsShownCommentedOutWithTheNameTheOperatorGivesIt(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("backup.yaml");
    Files.writeString(file, Files.readString(Path.of("../examples/prebuilt-image.yaml"))
        + "\n  backup:\n    pvc:\n      claimName: portal-backups\n");
    assertEquals(0, render("render", "-f", file.toString(), "--revision", "3"), err.toString(StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("# Backup: when revision 3 changes the CKAN version, image or plugins"), text);
    assertTrue(text.contains(RenderCommand.SECRET_PREFIX + "kind: \"Job\"")
        || text.contains(RenderCommand.SECRET_PREFIX + "kind: Job"), text);
    assertTrue(text.contains("portal-r3-backup"), text);
    assertTrue(text.contains("pg_dump"), text);
    // commented out: applying the output never takes a backup
    assertTrue(Serialization.<List<HasMetadata>>unmarshal(text).stream()
        .noneMatch(o -> o.getMetadata().getName().equals("portal-r3-backup")));
  }

  @Test
  void theMinimalExampleRunsWithManagedServicesAndGeneratedKeys() throws Exception {
    assertEquals(0, render("render", "-f", "../examples/minimal.yaml"), err.toString(StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("# Secret portal-keys: created once by the operator with random values"), text);
    assertTrue(text.contains("# Secret portal-services: created once by the operator"), text);
    List<HasMetadata> objects = Serialization.unmarshal(text);
    Deployment web = (Deployment) objects.stream().filter(o -> o.getMetadata().getName().equals("portal-r1")
        && o instanceof Deployment).findFirst().orElseThrow();
    var env = web.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertTrue(env.stream().anyMatch(e -> e.getName().equals("CKAN_SQLALCHEMY_URL")
        && e.getValueFrom().getSecretKeyRef().getName().equals("portal-services")), "a database");
    assertTrue(env.stream().anyMatch(e -> e.getName().equals("CKAN___SECRET_KEY")
        && e.getValueFrom().getSecretKeyRef().getName().equals("portal-keys")), "a shared secret_key");
  }

  @Test
  void aBuiltReleaseShowsItsDockerfileAndBuildJob() throws Exception {
    assertEquals(0, render("render", "-f", "../examples/pinned-extensions.yaml"));
    List<HasMetadata> objects = Serialization.unmarshal(out.toString(StandardCharsets.UTF_8));
    io.fabric8.kubernetes.api.model.ConfigMap dockerfile = (io.fabric8.kubernetes.api.model.ConfigMap) objects.get(0);
    String text = dockerfile.getData().get("Dockerfile");
    assertTrue(text.startsWith("FROM ckan/ckan-base:2.11.5"), text);
    assertTrue(text.contains("'ckanext-dcat==2.4.4'"), text);
    assertTrue(text.contains("ckanext-harvest"), text);
    assertEquals("Job", objects.get(1).getKind());
    // the locked set: what the build will report, named as a placeholder
    io.fabric8.kubernetes.api.model.ConfigMap lock = (io.fabric8.kubernetes.api.model.ConfigMap) objects.get(5);
    assertEquals("portal-r1-lock", lock.getMetadata().getName());
    assertTrue(lock.getData().get("requirements.lock").startsWith("<pip freeze of the image pushed by job/ckan-build-"));
    Deployment d = (Deployment) objects.get(6);
    assertEquals("portal-r1", d.getMetadata().getName());
    assertTrue(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()
        .startsWith("registry.example.org/ckan/portal@sha256:<digest pushed by job/ckan-build-"));
  }

  /** Workers, Ingress, the revision's preview and the uploads PVC are part of what render prints. */
  @Test
  void productionShowsWorkersIngressAndTheKeptUploadsClaim() throws Exception {
    assertEquals(0, render("render", "-f", "../examples/production.yaml"), err.toString(StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    List<HasMetadata> objects = Serialization.unmarshal(text);
    List<String> names = objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
    String build = names.get(0).substring("ConfigMap/".length());
    assertEquals(List.of("ConfigMap/" + build, "Job/" + build, "ConfigMap/portal-r1", "Service/portal-r1",
        "Job/portal-r1-migrate", "ConfigMap/portal-r1-lock", "Deployment/portal-r1", "Deployment/portal-r1-worker",
        "Ingress/portal-r1", "Service/portal", "PersistentVolumeClaim/portal-storage", "Ingress/portal",
        "CronJob/portal-cron-harvest", "CronJob/portal-cron-orphans"), names);
    assertTrue(text.contains("# CronJobs portal-cron-harvest, portal-cron-orphans run the revision the pointer "
        + "selects (here 1)"), text);
    assertTrue(text.contains("# worker Deployment portal-r1-worker is created with 0 replicas and scaled to 2"), text);
    var preview = (io.fabric8.kubernetes.api.model.networking.v1.Ingress) objects.get(8);
    assertEquals("r1.preview.data.example.org", preview.getSpec().getRules().get(0).getHost(), "revision 1's preview");
    var pvc = (io.fabric8.kubernetes.api.model.PersistentVolumeClaim) objects.get(10);
    assertTrue(pvc.getMetadata().getOwnerReferences() == null || pvc.getMetadata().getOwnerReferences().isEmpty());
    assertEquals("{\"harvest\":\"<commit resolved by job/" + build + ">\"}",
        objects.get(6).getMetadata().getAnnotations().get("ckan.io/resolved-commits"));
    assertTrue(!text.contains("kind: Secret") && !text.contains("# Secret "), "production names all its Secrets");
  }

  @Test
  void generatedSecretsArePrintedAsCommentsWithPlaceholders() throws Exception {
    assertEquals(0, render("render", "-f", "../examples/minimal.yaml"));
    String text = out.toString(StandardCharsets.UTF_8);
    List<HasMetadata> applied = Serialization.unmarshal(text);
    assertTrue(applied.stream().noneMatch(o -> o instanceof Secret), "applying the output creates no Secret");
    StringBuilder commented = new StringBuilder();
    text.lines().filter(l -> l.startsWith(RenderCommand.SECRET_PREFIX))
        .forEach(l -> commented.append(l.substring(RenderCommand.SECRET_PREFIX.length())).append('\n'));
    List<HasMetadata> secrets = Serialization.unmarshal(commented.toString());
    assertEquals(List.of("portal-keys", "portal-services"), secrets.stream().map(o -> o.getMetadata().getName())
        .toList());
    Secret services = (Secret) secrets.get(1);
    assertEquals("postgresql://ckan:<random>@portal-db:5432/ckan", services.getStringData().get("database-url"));
  }

  @Test
  void invalidSpecNamesTheField(@TempDir Path dir) throws Exception {
    Path cr = dir.resolve("bad.yaml");
    Files.writeString(cr, Files.readString(Path.of("../examples/pinned-extensions.yaml"))
        .replace("ckanext-dcat==2.4.4", "ckanext-dcat>=2.4")
        .replace("https://github.com/ckan/ckanext-harvest", "http://github.com/ckan/ckanext-harvest"));
    assertEquals(1, render("render", "-f", cr.toString()));
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains("spec.extensions[0].pip"), message);
    assertTrue(message.contains("spec.extensions[2].git.url"), message);
    assertEquals("", out.toString(StandardCharsets.UTF_8), "nothing rendered for an invalid spec");
  }

  @Test
  void usageErrors() throws Exception {
    assertEquals(2, render("render"));
    assertEquals(2, render("frobnicate"));
  }

  /** Finding 1 of issue 9: render refuses a name no Service can carry, like the operator does. */
  @Test
  void refusesANameNoServiceCanCarry(@TempDir Path dir) throws Exception {
    Path cr = dir.resolve("dotted.yaml");
    Files.writeString(cr, Files.readString(Path.of("../examples/minimal.yaml")).replace("name: portal", "name: my.portal"));
    assertEquals(1, render("render", "-f", cr.toString()));
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains("metadata.name: 'my.portal' is not a DNS-1035 label"), message);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }
}
