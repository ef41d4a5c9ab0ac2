package io.ckan.operator.apiserver;

import io.ckan.sim.apiserver.ControlPlane;
import io.ckan.sim.apiserver.KubeBinaries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.conformance.Exec;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fixture itself: the pinned control plane starts on loopback, authenticates by token, audits, and stops by PID. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ControlPlaneTest {
  @TempDir
  Path tmp;

  @Test
  void startsServesThePinnedVersionAuthenticatesAuditsAndStopsByPid() {
    KubeBinaries binaries = ApiServerTier.requireBinaries();
    List<ProcessHandle> children;
    try (ControlPlane cp = ControlPlane.start(binaries, tmp)) {
      KubernetesClient admin = cp.client(ControlPlane.User.ADMIN);
      assertEquals(binaries.version(), admin.getKubernetesVersion().getGitVersion());
      assertTrue(admin.namespaces().withName("default").get() != null);
      assertTrue(admin.serviceAccounts().inNamespace("default").withName("default").get() != null);

      // the kubeconfig works for kubectl too: it verifies the serving certificate against the CA file it names
      Exec.Result version = ApiServerTier.kubectl(cp, ControlPlane.User.ADMIN, Duration.ofSeconds(30), "version", "-o", "json");
      assertEquals(0, version.exitCode(), version.output());
      assertTrue(version.output().contains("\"gitVersion\": \"" + binaries.version() + "\""), version.output());

      // an unknown token is refused; a known one is named in the audit log
      Exec.Result refused = ApiServerTier.kubectl(cp, ControlPlane.User.ADMIN, Duration.ofSeconds(30), "--token=not-a-token",
          "get", "configmaps");
      assertEquals(1, refused.exitCode(), refused.output());
      assertTrue(refused.output().contains("the server has asked for the client to provide credentials"),
          refused.output());
      cp.client(ControlPlane.User.OPERATOR).configMaps().inNamespace("default").resource(new ConfigMapBuilder()
          .withNewMetadata().withName("audited").endMetadata().addToData("k", "v").build()).create();
      assertTrue(cp.audit().entries().stream().anyMatch(e -> e.is(ControlPlane.User.OPERATOR)
          && e.verb().equals("create") && e.resource().equals("configmaps") && e.name().equals("audited")
          && e.code() == 201), () -> cp.audit().entries().toString());

      children = ProcessHandle.current().children().filter(p -> p.info().command().map(c ->
          c.equals(binaries.apiserver().toString()) || c.equals(binaries.etcd().toString())).orElse(false)).toList();
      assertEquals(2, children.size(), "etcd and kube-apiserver run as children of this JVM");
    }
    children.forEach(p -> assertFalse(p.isAlive(), p.pid() + " still runs after close()"));
  }
}
