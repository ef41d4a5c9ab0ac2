package io.ckan.operator.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.conformance.Exec;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.it.OperatorHarness;
import io.ckan.sim.Scenario;
import io.ckan.sim.apiserver.AuditLog;
import io.ckan.sim.apiserver.ControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the mock cannot show: with kube-controller-manager's garbage collector running, deleting a CkanInstance deletes
 * everything the operator made for it (through the owner references it set), keeps the uploads volume unless
 * {@code spec.storage.deleteWithInstance}, keeps the generated Secrets (no owner: a re-created instance gets the same
 * keys), and the operator re-creates nothing after the instance is gone.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class GarbageCollectionOnServerTest extends ApiServerTier {
  private static final Duration GC = Duration.ofSeconds(90);

  @Test
  void deletingAnInstanceDeletesWhatItOwnsAndKeepsTheUploadsAndTheGeneratedSecrets() throws Exception {
    server.startGarbageCollector();
    try (OperatorHarness h = OperatorHarness.onServer(Scenario.create().timeScale(0.05), admin,
        server.client(ControlPlane.User.CONTROLLERS), () -> server.config(ControlPlane.User.OPERATOR))) {
      CkanInstance portal = example("portal", false);
      CkanInstance scratch = example("scratch", true);
      h.apply(portal);
      h.apply(scratch);
      h.awaitCondition("portal", "Ready", "True", T);
      h.awaitCondition("scratch", "Ready", "True", T);

      Set<String> portalOwned = owned("portal");
      Set<String> scratchOwned = owned("scratch");
      for (String kind : List.of("Deployment/portal-r1", "Service/portal", "Service/portal-r1", "ConfigMap/portal-r1",
          "Job/portal-r1-migrate", "Deployment/portal-db", "Service/portal-db")) {
        assertTrue(portalOwned.contains(kind), kind + " not owned by portal: " + portalOwned);
      }
      assertFalse(portalOwned.contains("PersistentVolumeClaim/portal-storage"), "the uploads outlive the instance");
      assertTrue(scratchOwned.contains("PersistentVolumeClaim/scratch-storage"), scratchOwned.toString());

      int auditBefore = server.audit().entries().size();
      Exec.Result deleted = ApiServerTier.kubectl(server, ControlPlane.User.ADMIN, Duration.ofSeconds(60), "delete",
          "ckan", "portal", "scratch");
      assertEquals(0, deleted.exitCode(), deleted.output());

      try {
        Awaitility.await("the garbage collector").atMost(GC).pollInterval(Duration.ofMillis(500))
            .until(() -> remaining(portalOwned).isEmpty() && remaining(scratchOwned).isEmpty());
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("not collected: " + remaining(portalOwned) + " " + remaining(scratchOwned) + "\n"
            + server.logTail("kube-controller-manager", 40), e);
      }

      PersistentVolumeClaim uploads = admin.persistentVolumeClaims().inNamespace(OperatorHarness.NS)
          .withName("portal-storage").get();
      assertNotNull(uploads, "portal's uploads volume was deleted with the instance");
      assertTrue(uploads.getMetadata().getOwnerReferences() == null
          || uploads.getMetadata().getOwnerReferences().isEmpty(), "portal-storage has an owner");
      for (String secret : List.of("portal-keys", "portal-services", "scratch-keys", "scratch-services")) {
        assertNotNull(admin.secrets().inNamespace(OperatorHarness.NS).withName(secret).get(), secret + " deleted");
      }

      // the operator saw the deletions (its informers) and wrote nothing back: no create, no update of the objects
      List<AuditLog.Entry> after = server.audit().entries();
      List<AuditLog.Entry> recreated = after.subList(Math.min(auditBefore, after.size()), after.size()).stream()
          .filter(e -> e.is(ControlPlane.User.OPERATOR) && e.isWrite() && !e.verb().equals("delete")
              && !e.resource().equals("events") && e.code() < 300)
          .toList();
      assertEquals(List.of(), recreated, "the operator wrote after the instances were deleted");
      System.out.println("[apiserver tier] garbage collector deleted " + (portalOwned.size() + scratchOwned.size())
          + " owned objects; kept portal-storage and the generated Secrets");
    }
  }

  /** One of the examples under two names; the second lets its uploads volume go with it. */
  private static CkanInstance example(String name, boolean deleteWithInstance) throws Exception {
    CkanInstance ci = Serialization.unmarshal(Files.readString(io.ckan.operator.conformance.CkanKit.repoRoot().resolve(
        "examples/minimal.yaml")), CkanInstance.class);
    ci.getMetadata().setName(name);
    ci.getSpec().config.put("ckan.site_url", "https://" + name + ".example.org");
    ci.getSpec().rollout.bakeSeconds = 1;
    ci.getSpec().storage = new StorageSpec();
    ci.getSpec().storage.size = "1Gi";
    ci.getSpec().storage.deleteWithInstance = deleteWithInstance;
    return ci;
  }

  /** "Kind/name" of every object in the namespace whose controller reference names the instance. */
  private static Set<String> owned(String instance) {
    String uid = admin.resources(CkanInstance.class).inNamespace(OperatorHarness.NS).withName(instance).get()
        .getMetadata().getUid();
    Set<String> owned = new TreeSet<>();
    for (HasMetadata o : everything()) {
      if (o.getMetadata().getOwnerReferences() != null && o.getMetadata().getOwnerReferences().stream()
          .anyMatch(r -> uid.equals(r.getUid()) && Boolean.TRUE.equals(r.getController()))) {
        owned.add(kind(o) + "/" + o.getMetadata().getName());
      }
    }
    return owned;
  }

  private static Set<String> remaining(Set<String> objects) {
    Set<String> left = new TreeSet<>();
    for (HasMetadata o : everything()) {
      String key = kind(o) + "/" + o.getMetadata().getName();
      if (objects.contains(key)) {
        left.add(key);
      }
    }
    return left;
  }

  /** Lists leave {@code kind} empty on their items: the model class names it. */
  private static String kind(HasMetadata o) {
    return o.getClass().getSimpleName();
  }

  private static List<HasMetadata> everything() {
    String ns = OperatorHarness.NS;
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(admin.apps().deployments().inNamespace(ns).withLabel(Labels.MANAGED_BY, Labels.OPERATOR).list()
        .getItems());
    all.addAll(admin.services().inNamespace(ns).list().getItems());
    all.addAll(admin.configMaps().inNamespace(ns).list().getItems());
    all.addAll(admin.batch().v1().jobs().inNamespace(ns).list().getItems());
    all.addAll(admin.persistentVolumeClaims().inNamespace(ns).list().getItems());
    all.addAll(admin.network().v1().ingresses().inNamespace(ns).list().getItems());
    all.addAll(admin.secrets().inNamespace(ns).list().getItems());
    return all;
  }
}
