package io.ckan.operator.reconcile;

import io.ckan.operator.contract.Labels;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Ownership at every write: an object is created without looking first (the API server refuses a name that is taken,
 * 409), and only then is the holder of a taken name read; one this instance may not write stops the pass where it
 * stands ({@link Conflict}: Stalled, reason NameConflict). What the pass created before it is the instance's own
 * (owned, collected with it); nothing serves it and nothing of the foreign object changes. Exceptions by design: a
 * build Job and its Dockerfile are shared by every instance that needs that image, and the uploads volume outlives
 * the instance that made it.
 */
final class NameGuard {
  private NameGuard() {}

  /** A name this instance wants is held by an object it may not write; the message is for a person. */
  static final class Conflict extends RuntimeException {
    Conflict(String message, Throwable cause) {
      super(message, cause);
    }
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
        + "CkanInstance " + owner.name() + " (held by: " + holder + "); it was not changed and nothing moved to the "
        + "revision that needs the name. Rename the instance, or delete or rename that " + existing.getKind();
  }
}
