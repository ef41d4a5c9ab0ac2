package io.ckan.operator.resources;

import io.ckan.operator.api.IngressSpec;
import io.ckan.operator.api.Patterns;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.contract.Names;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.Map;
import java.util.Optional;

/**
 * Pure: a revision's preview Ingress {@code <instance>-r<N>}: its own Service (never the pointer) at
 * {@code spec.ingress.previewHost} with {@code {revision}} replaced by N, so a person can look at a revision before,
 * while and after it takes traffic. One Ingress per revision, owned by the instance and pruned with the revision: a
 * preview never rewrites the production Ingress, and an ingress controller that rejects one preview host leaves the
 * production host and the other previews alone.
 */
public final class PreviewIngress {
  private PreviewIngress() {}

  /** The host revision {@code revision} is previewed at. */
  public static String host(String pattern, int revision) {
    return pattern.replace(Patterns.REVISION_PLACEHOLDER, Integer.toString(revision));
  }

  /** Revision {@code revision}'s preview Ingress, when the spec asks for previews. */
  public static Optional<Ingress> of(Owner owner, IngressSpec spec, int revision) {
    if (spec == null || spec.previewHost == null) {
      return Optional.empty();
    }
    String name = Names.revision(owner.name(), revision);
    String host = host(spec.previewHost, revision);
    return Optional.of(InstanceObjects.ingress(owner.meta(name, Labels.revision(owner.name(), Labels.PREVIEW, revision),
        Map.of()), spec.className, host, spec.previewTlsSecretName, name));
  }
}
