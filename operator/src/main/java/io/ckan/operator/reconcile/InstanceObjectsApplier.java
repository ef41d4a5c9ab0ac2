package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.resources.DesiredState;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Objects of the instance rather than of a revision: the Ingress to the pointer Service, the uploads volume and the
 * opt-in managed services. Created when missing; the Ingress follows spec changes; an existing uploads PVC is reused
 * as it is (never written). They are never deleted here: they belong to the instance (owner references) and go with
 * it, except the uploads PVC, which outlives the instance unless {@code spec.storage.deleteWithInstance}.
 */
final class InstanceObjectsApplier {
  private InstanceObjectsApplier() {}

  /** The instance's objects of the desired state; the pointer Service is created by the first pointer move. */
  static List<HasMetadata> desired(Owner owner, CkanInstanceSpec spec) {
    return DesiredState.instance(owner, spec).objects();
  }

  /**
   * @param existing what the cluster holds under the wanted object's name: the reconciler answers from its informer
   *                 caches where it has one (Deployments, Services, ConfigMaps), so a reconcile costs no extra reads
   */
  static void ensure(KubernetesClient client, StepApplier applier, Owner owner, CkanInstanceSpec spec,
      UnaryOperator<HasMetadata> existing, Consumer<String> journal) {
    for (HasMetadata wanted : desired(owner, spec)) {
      HasMetadata current = existing.apply(wanted);
      if (current != null && !NameGuard.mayWrite(owner, current)) {
        throw new NameGuard.Conflict(NameGuard.describe(owner, current), null);
      }
      if (current == null) {
        applier.create(wanted);
        journal.accept(owner.namespace() + "/" + owner.name() + ": created " + wanted.getKind() + " "
            + wanted.getMetadata().getName());
      } else if (wanted instanceof Ingress ingress && updateSpec(client, (Ingress) current, ingress)) {
        journal.accept(owner.namespace() + "/" + owner.name() + ": updated Ingress "
            + wanted.getMetadata().getName());
      }
    }
  }

  /**
   * Writes {@code wanted}'s spec over {@code current}'s when they differ (an update built on the cached version);
   * false when nothing was written: equal, or a conflict, which the next reconcile reads again.
   */
  static boolean updateSpec(KubernetesClient client, Ingress current, Ingress wanted) {
    if (Objects.equals(wanted.getSpec(), current.getSpec())) {
      return false;
    }
    try {
      current.setSpec(wanted.getSpec());
      client.resource(current).update();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return false;
    }
  }
}
