package io.ckan.operator.apiserver;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.it.OperatorHarness;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.awaitility.Awaitility;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real control plane per test class of the apiserver tier (etcd + kube-apiserver on loopback, see
 * {@link ControlPlane}) with the generated CRD applied and established. Skipped with one line when the pinned binaries
 * are not built ({@link KubeBinaries#require()}).
 */
abstract class ApiServerTier {
  static ControlPlane server;
  static KubernetesClient admin;
  /** etcd's data, the logs, the audit log, the kubeconfigs (about 60 MB); removed after the class. */
  @TempDir
  static Path workDir;

  @BeforeAll
  static void startControlPlane() throws Exception {
    KubeBinaries binaries = KubeBinaries.require();
    Path dir = workDir;
    server = ControlPlane.start(binaries, dir);
    System.out.println("[apiserver tier] kube-apiserver " + binaries.version() + " on " + server.url() + " started in "
        + server.startedIn().toMillis() + " ms (work dir " + dir + ")");
    admin = server.client(ControlPlane.User.ADMIN);
    applyCrd(admin);
  }

  @AfterAll
  static void stopControlPlane() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** Creates the generated CRD and waits until the server reports it Established (names accepted, schema valid). */
  static CustomResourceDefinition applyCrd(KubernetesClient client) throws java.io.IOException {
    CustomResourceDefinition crd = null;
    try (java.io.InputStream in = Files.newInputStream(OperatorHarness.CRD)) {
      for (HasMetadata item : client.load(in).items()) {
        crd = (CustomResourceDefinition) item;
      }
    }
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    CustomResourceDefinition established = client.apiextensions().v1().customResourceDefinitions()
        .withName(crd.getMetadata().getName())
        .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
            && c.getStatus().getConditions().stream()
            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())), 30, TimeUnit.SECONDS);
    // Established comes before the watch cache serves the new resource: a list from the cache (resourceVersion=0,
    // what informers send first) answers 429 "storage is (re)initializing" for a moment; wait until it does not
    Awaitility.await("the CkanInstance watch cache").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .ignoreException(KubernetesClientException.class)
        .until(() -> client.resources(CkanInstance.class).inAnyNamespace()
            .list(new ListOptionsBuilder().withResourceVersion("0").build()) != null);
    return established;
  }

  static final Duration T = Duration.ofSeconds(60);
}
