package io.ckan.operator.reconcile;

import io.ckan.operator.plan.Step;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.resources.MigrationObjects;
import io.ckan.operator.contract.Names;
import io.ckan.operator.resources.Owner;
import io.ckan.operator.resources.WorkerObjects;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Ownership before every write: the names a plan is about to create are looked up first, and a name held by an object
 * this instance does not own stops the whole plan before anything is written (Stalled, reason NameConflict).
 * Exceptions by design: a build Job and its Dockerfile are shared by every instance that needs that image, and the
 * uploads volume outlives the instance that made it.
 */
final class NameGuard {
  private NameGuard() {}

  record Wanted(Class<? extends HasMetadata> kind, String name) {}

  /** The objects the steps create, by kind and name. */
  static List<Wanted> created(Owner owner, List<Step> steps) {
    List<Wanted> wanted = new ArrayList<>();
    String instance = owner.name();
    for (Step step : steps) {
      if (step instanceof Step.CreateRevision c) {
        String name = Names.revision(instance, c.revision());
        for (Step.ObjectKind kind : c.missing()) {
          wanted.add(switch (kind) {
            case CONFIG_MAP -> new Wanted(ConfigMap.class, name);
            case SERVICE -> new Wanted(Service.class, name);
            case DEPLOYMENT -> new Wanted(Deployment.class, name);
            case WORKER -> new Wanted(Deployment.class, WorkerObjects.name(instance, c.revision()));
          });
        }
      } else if (step instanceof Step.StartMigration m) {
        wanted.add(new Wanted(Job.class, MigrationObjects.name(instance, m.revision())));
      } else if (step instanceof Step.StartBuild b) {
        wanted.add(new Wanted(Job.class, Names.build(b.imageFingerprint())));
        wanted.add(new Wanted(ConfigMap.class, Names.build(b.imageFingerprint())));
      } else if (step instanceof Step.MovePointer m && m.expectedVersion() == null) {
        wanted.add(new Wanted(Service.class, Names.pointer(instance)));
      }
    }
    return wanted;
  }

  /** The first wanted name held by an object this instance may not write, described for a person. */
  static Optional<String> conflict(KubernetesClient client, Owner owner, List<Wanted> wanted) {
    for (Wanted w : wanted) {
      HasMetadata existing = client.resources(w.kind()).inNamespace(owner.namespace()).withName(w.name()).get();
      if (existing != null && !mayWrite(owner, existing)) {
        return Optional.of(describe(owner, existing));
      }
    }
    return Optional.empty();
  }

  static boolean mayWrite(Owner owner, HasMetadata existing) {
    Map<String, String> labels = existing.getMetadata().getLabels() == null ? Map.of()
        : existing.getMetadata().getLabels();
    boolean managed = Labels.OPERATOR.equals(labels.get(Labels.MANAGED_BY));
    if (owner.owns(existing)) {
      return true;
    }
    if (managed && Labels.BUILD.equals(labels.get(Labels.COMPONENT))) {
      return true; // one build per image in the namespace: joined, never taken over
    }
    return managed && existing instanceof PersistentVolumeClaim && owner.name().equals(labels.get(Labels.INSTANCE))
        && !hasController(existing); // the uploads of an earlier instance of this name: kept for it
  }

  private static boolean hasController(HasMetadata object) {
    return object.getMetadata().getOwnerReferences() != null && object.getMetadata().getOwnerReferences().stream()
        .anyMatch(r -> Boolean.TRUE.equals(r.getController()));
  }

  static String describe(Owner owner, HasMetadata existing) {
    List<OwnerReference> refs = existing.getMetadata().getOwnerReferences();
    String holder = refs == null || refs.isEmpty() ? "no owner"
        : refs.stream().map(r -> r.getKind() + " " + r.getName()).collect(Collectors.joining(", "));
    return existing.getKind() + " " + existing.getMetadata().getName() + " already exists and is not owned by "
        + "CkanInstance " + owner.name() + " (held by: " + holder + "); nothing was written. Rename the instance, or "
        + "delete or rename that " + existing.getKind();
  }
}
