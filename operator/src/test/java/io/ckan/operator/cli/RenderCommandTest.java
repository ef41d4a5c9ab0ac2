package io.ckan.operator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
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
    assertEquals(List.of("ConfigMap/portal-r3", "Job/portal-r3-migrate", "Service/portal-r3", "Deployment/portal-r3",
        "Service/portal"), objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList());
    Deployment d = (Deployment) objects.get(3);
    String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    assertTrue(image.contains("@sha256:"), image);
    assertEquals("3", d.getSpec().getSelector().getMatchLabels().get("ckan.io/revision"));
    assertTrue(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot());
    assertEquals(List.of("ALL"), d.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext()
        .getCapabilities().getDrop());
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
    Deployment d = (Deployment) objects.get(5);
    assertTrue(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()
        .startsWith("registry.example.org/ckan/portal@sha256:<digest pushed by job/ckan-build-"));
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
