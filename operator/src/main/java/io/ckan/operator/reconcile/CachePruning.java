package io.ckan.operator.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Pure: what the informer caches keep of an object, so 1000 instances fit the operator's memory. A reconcile reads
 * metadata, replica counts and status, and of a pod template only each container's name, image and command (the
 * start-command check); writes name objects and send patches, never the cached copy. So the caches drop
 * {@code managedFields} everywhere, ConfigMap data (the config snapshots are written, never read back), and of pod
 * templates everything but the containers' name, image and command; the start script, the same text in every
 * revision of every instance, is held once.
 */
final class CachePruning {
  private CachePruning() {}

  private static final ConcurrentHashMap<String, String> SHARED_TEXT = new ConcurrentHashMap<>();

  /** The pruning for objects of this kind (managedFields only for kinds not listed). */
  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> UnaryOperator<T> forKind(Class<T> kind) {
    if (kind == Deployment.class) {
      return d -> (T) deployment((Deployment) d);
    }
    if (kind == Job.class) {
      return j -> (T) job((Job) j);
    }
    if (kind == ConfigMap.class) {
      return c -> (T) configMap((ConfigMap) c);
    }
    return CachePruning::metadata;
  }

  static <T extends HasMetadata> T metadata(T object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    return object;
  }

  static Deployment deployment(Deployment d) {
    metadata(d);
    if (d.getSpec() != null) {
      template(d.getSpec().getTemplate());
    }
    return d;
  }

  static Job job(Job j) {
    metadata(j);
    if (j.getSpec() != null) {
      template(j.getSpec().getTemplate());
    }
    return j;
  }

  static ConfigMap configMap(ConfigMap c) {
    metadata(c);
    c.setData(null);
    c.setBinaryData(null);
    return c;
  }

  private static void template(PodTemplateSpec template) {
    if (template == null || template.getSpec() == null) {
      return;
    }
    var spec = template.getSpec();
    List<Container> kept = new ArrayList<>();
    for (Container c : spec.getContainers() == null ? List.<Container>of() : spec.getContainers()) {
      Container slim = new Container();
      slim.setName(c.getName());
      slim.setImage(c.getImage());
      slim.setCommand(c.getCommand() == null ? null : c.getCommand().stream().map(CachePruning::shared).toList());
      kept.add(slim);
    }
    var pruned = new io.fabric8.kubernetes.api.model.PodSpec();
    pruned.setContainers(kept);
    template.setSpec(pruned);
  }

  /** One copy of a text many objects carry (the start script); other texts are kept as they are. */
  private static String shared(String text) {
    if (text == null || text.length() < 256) {
      return text;
    }
    return SHARED_TEXT.computeIfAbsent(text, t -> t);
  }
}
