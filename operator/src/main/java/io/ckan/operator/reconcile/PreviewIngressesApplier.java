package io.ckan.operator.reconcile;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.contract.Names;
import io.ckan.operator.plan.ObservedRevision;
import io.ckan.operator.resources.DesiredState;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Every retained revision's preview Ingress ({@link DesiredState#preview}), kept as the spec says: created once the
 * revision's Service exists, updated when the preview host, its TLS Secret or the class change, deleted when the spec
 * no longer asks for previews. A pruned revision's preview goes with its other objects (the prune step).
 */
final class PreviewIngressesApplier {
  private PreviewIngressesApplier() {}

  /**
   * @param existing what the cluster holds under the wanted Ingress's name (the informer cache in the operator)
   */
  static void ensure(KubernetesClient client, StepApplier applier, Owner owner, CkanInstanceSpec spec,
      List<ObservedRevision> revisions, UnaryOperator<HasMetadata> existing, Consumer<String> journal) {
    for (ObservedRevision r : revisions) {
      if (r.leftover() || !r.hasService()) {
        continue;
      }
      Optional<Ingress> wanted = DesiredState.preview(owner, spec, r.number());
      HasMetadata current = existing.apply(wanted.map(HasMetadata.class::cast).orElseGet(() -> named(owner,
          r.number())));
      if (current != null && !NameGuard.mayWrite(owner, current)) {
        if (wanted.isEmpty()) {
          continue; // not ours and not wanted: left alone
        }
        throw new NameGuard.Conflict(NameGuard.describe(owner, current), null);
      }
      if (wanted.isPresent() && current == null) {
        applier.create(wanted.get());
        journal.accept(owner.namespace() + "/" + owner.name() + ": created preview Ingress "
            + wanted.get().getMetadata().getName() + " for " + wanted.get().getSpec().getRules().get(0).getHost());
      } else if (wanted.isPresent()) {
        if (InstanceObjectsApplier.updateSpec(client, (Ingress) current, wanted.get())) {
          journal.accept(owner.namespace() + "/" + owner.name() + ": updated preview Ingress "
              + current.getMetadata().getName());
        }
      } else if (wanted.isEmpty() && current != null) {
        client.resource(current).delete();
        journal.accept(owner.namespace() + "/" + owner.name() + ": deleted preview Ingress "
            + current.getMetadata().getName() + " (spec.ingress.previewHost is unset)");
      }
    }
  }

  /** A stand-in carrying only kind and name, to look up an Ingress the spec no longer wants. */
  private static Ingress named(Owner owner, int revision) {
    return new IngressBuilder().withNewMetadata().withName(Names.revision(owner.name(), revision))
        .withNamespace(owner.namespace()).endMetadata().build();
  }
}
