package io.ckan.operator.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.TestServices;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.release.Release;
import io.ckan.operator.release.ReleaseFactory;
import io.ckan.operator.release.ReleaseOutcome;
import io.ckan.operator.resources.DesiredState;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CachePruningTest {
  static final Owner OWNER = new Owner("portal", "data", "uid-1");

  static Release release(String version) {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = version;
    spec.plugins = new ArrayList<>(List.of("activity", "datatables_view"));
    spec.services = TestServices.external();
    spec.config = Map.of("ckan.site_url", "https://data.example.org");
    return ((ReleaseOutcome.Ready) ReleaseFactory.from(spec, "portal")).release();
  }

  /** Two revisions as the API server holds them: rendered objects with managedFields and a status. */
  static List<HasMetadata> cluster() {
    List<HasMetadata> objects = new ArrayList<>();
    objects.addAll(DesiredState.revision(OWNER, 1, release("2.11.4"), 2, 600, null));
    objects.addAll(DesiredState.revision(OWNER, 2, release("2.11.5"), 2, 600, null));
    objects.forEach(o -> {
      o.getMetadata().setManagedFields(List.of(new ManagedFieldsEntryBuilder().withManager("ckan-operator")
          .withOperation("Update").build()));
      o.getMetadata().setCreationTimestamp("2026-11-29T10:00:00Z");
      if (o instanceof Deployment d) {
        d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReplicas(2)
            .withAvailableReplicas(2).withUpdatedReplicas(2).build());
      }
    });
    return objects;
  }

  static List<HasMetadata> pruned(List<HasMetadata> objects) {
    return objects.stream().map(o -> (HasMetadata) prune(Serialization.clone(o))).toList();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static HasMetadata prune(HasMetadata o) {
    return (HasMetadata) CachePruning.forKind((Class) o.getClass()).apply(o);
  }

  static ClusterObserver.Observed observe(List<HasMetadata> objects) {
    return ClusterObserver.observe("portal", of(objects, Deployment.class), of(objects, Service.class),
        of(objects, ConfigMap.class), of(objects, Job.class));
  }

  static <T> List<T> of(List<HasMetadata> objects, Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  @Test
  void theObserverSeesThePrunedCachesAsTheFullObjects() {
    List<HasMetadata> full = cluster();
    ClusterObserver.Observed fromFull = observe(full);
    assertEquals(2, fromFull.revisions().size());
    assertTrue(fromFull.revisions().stream().allMatch(r -> r.runtime().startedByOperator()),
        "the start-command check reads the pod template");
    assertEquals(fromFull, observe(pruned(full)));
  }

  @Test
  void whatTheCachesDropAndShare() {
    List<HasMetadata> pruned = pruned(cluster());
    assertTrue(pruned.stream().allMatch(o -> o.getMetadata().getManagedFields() == null));
    List<ConfigMap> configMaps = of(pruned, ConfigMap.class);
    assertTrue(!configMaps.isEmpty() && configMaps.stream().allMatch(c -> c.getData() == null));
    List<Deployment> web = of(pruned, Deployment.class);
    var first = web.get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
    var second = web.get(1).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertTrue(first.getEnv().isEmpty() && first.getEnvFrom().isEmpty() && first.getVolumeMounts().isEmpty());
    assertTrue(first.getImage() != null && first.getCommand().size() >= 5);
    assertSame(first.getCommand().get(2), second.getCommand().get(2), "the start script is held once");
    assertEquals(web.get(0).getSpec().getTemplate().getMetadata().getLabels(),
        ((Deployment) cluster().stream().filter(Deployment.class::isInstance).findFirst().orElseThrow())
            .getSpec().getTemplate().getMetadata().getLabels(), "template labels are what the selector matches");
  }
}
