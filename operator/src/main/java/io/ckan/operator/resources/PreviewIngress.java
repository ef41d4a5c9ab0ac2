package io.ckan.operator.resources;

import io.ckan.operator.api.IngressSpec;
import io.ckan.operator.api.Patterns;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.contract.Names;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
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
    IngressBuilder ingress = new IngressBuilder()
        .withMetadata(owner.meta(name, Labels.revision(owner.name(), Labels.PREVIEW, revision), Map.of()));
    var body = ingress.withNewSpec();
    if (spec.className != null) {
      body.withIngressClassName(spec.className);
    }
    if (spec.previewTlsSecretName != null) {
      body.addNewTl().withHosts(host).withSecretName(spec.previewTlsSecretName).endTl();
    }
    body.addNewRule()
          .withHost(host)
          .withNewHttp()
            .addNewPath()
              .withPath("/")
              .withPathType("Prefix")
              .withNewBackend()
                .withNewService()
                  .withName(name)
                  .withNewPort().withNumber(RevisionObjects.SERVICE_PORT).endPort()
                .endService()
              .endBackend()
            .endPath()
          .endHttp()
        .endRule()
        .endSpec();
    return Optional.of(ingress.build());
  }
}
