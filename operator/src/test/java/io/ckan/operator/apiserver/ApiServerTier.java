package io.ckan.operator.apiserver;

import io.ckan.sim.apiserver.ControlPlane;
import io.ckan.sim.apiserver.KubeBinaries;
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
import io.ckan.operator.conformance.Exec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real control plane per test class of the apiserver tier (etcd + kube-apiserver on loopback, see
 * {@link ControlPlane}) with the generated CRD applied and established. Skipped with one line when the pinned binaries
 * are not built ({@link #requireBinaries()}).
 */
abstract class ApiServerTier {
  static ControlPlane server;
  static KubernetesClient admin;
  /** etcd's data, the logs, the audit log, the kubeconfigs (about 60 MB); removed after the class. */
  @TempDir
  static Path workDir;

  @BeforeAll
  static void startControlPlane() throws Exception {
    KubeBinaries binaries = requireBinaries();
    Path dir = workDir;
    server = ControlPlane.start(binaries, dir);
    System.out.println("[apiserver tier] kube-apiserver " + binaries.version() + " on " + server.url() + " started in "
        + server.startedIn().toMillis() + " ms (work dir " + dir + ")");
    admin = server.client(ControlPlane.User.ADMIN);
    applyCrd(server);
  }

  @AfterAll
  static void stopControlPlane() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** Creates the generated CRD and waits until the server reports it Established and its watch cache serves it. */
  static CustomResourceDefinition applyCrd(ControlPlane cp) throws java.io.IOException {
    try (java.io.InputStream in = Files.newInputStream(OperatorHarness.CRD)) {
      return cp.applyCrds(in).get(0);
    }
  }

  static final Duration T = Duration.ofSeconds(60);

  /** The pinned binaries, or a JUnit assumption failure with the one line that says why the tier is skipped. */
  static KubeBinaries requireBinaries() {
    java.util.Optional<KubeBinaries> found = KubeBinaries.find();
    Assumptions.assumeTrue(found.isPresent(), () -> "apiserver tier skipped: " + KubeBinaries.missingReason());
    return found.get();
  }

  /** Runs the pinned kubectl as {@code user} with a time limit; its output also goes to {@code kubectl.log}. */
  static Exec.Result kubectl(ControlPlane cp, ControlPlane.User user, Duration timeout, String... args) {
    return Exec.run(cp.kubectlCommand(user, args), cp.workDir(), cp.workDir().resolve("kubectl.log"), timeout,
        cp::kubectlEnvironment);
  }
}
