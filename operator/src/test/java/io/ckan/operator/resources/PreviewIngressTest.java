package io.ckan.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.IngressSpec;
import io.ckan.operator.contract.Labels;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A revision's preview Ingress: its own Service (never the pointer) at its preview host. */
class PreviewIngressTest {
  static final Owner OWNER = new Owner("portal", "data", "uid-1");

  static CkanInstanceSpec spec(String previewHost, String tls, String className) {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.ingress = new IngressSpec();
    spec.ingress.host = "data.example.org";
    spec.ingress.tlsSecretName = "production-tls";
    spec.ingress.previewHost = previewHost;
    spec.ingress.previewTlsSecretName = tls;
    spec.ingress.className = className;
    return spec;
  }

  @Test
  void exposesTheRevisionsOwnServiceAtItsPreviewHost() {
    Ingress ingress = DesiredState.preview(OWNER, spec("r{revision}.preview.example.org", "preview-tls", "nginx"), 7)
        .orElseThrow();
    assertEquals("portal-r7", ingress.getMetadata().getName());
    assertEquals("data", ingress.getMetadata().getNamespace());
    assertEquals("uid-1", ingress.getMetadata().getOwnerReferences().get(0).getUid(), "owned by the instance");
    assertEquals("7", ingress.getMetadata().getLabels().get(Labels.REVISION), "pruned with its revision");
    assertEquals(Labels.PREVIEW, ingress.getMetadata().getLabels().get(Labels.COMPONENT));
    assertEquals(Labels.OPERATOR, ingress.getMetadata().getLabels().get(Labels.MANAGED_BY), "seen by the informer");
    assertEquals("nginx", ingress.getSpec().getIngressClassName());
    var rule = ingress.getSpec().getRules().get(0);
    assertEquals("r7.preview.example.org", rule.getHost());
    var backend = rule.getHttp().getPaths().get(0).getBackend().getService();
    assertEquals("portal-r7", backend.getName(), "the revision's Service, not the pointer");
    assertEquals(80, backend.getPort().getNumber());
    assertEquals(1, ingress.getSpec().getTls().size());
    assertEquals(List.of("r7.preview.example.org"), ingress.getSpec().getTls().get(0).getHosts());
    assertEquals("preview-tls", ingress.getSpec().getTls().get(0).getSecretName(), "never the production Secret");
  }

  @Test
  void withoutAPreviewTlsSecretThePreviewIsPlainHttp() {
    Ingress ingress = DesiredState.preview(OWNER, spec("{revision}.preview.example.org", null, null), 12)
        .orElseThrow();
    assertEquals("12.preview.example.org", ingress.getSpec().getRules().get(0).getHost());
    assertTrue(ingress.getSpec().getTls() == null || ingress.getSpec().getTls().isEmpty());
    assertEquals(null, ingress.getSpec().getIngressClassName());
  }

  @Test
  void noPreviewWithoutAPreviewHost() {
    assertTrue(DesiredState.preview(OWNER, spec(null, null, null), 1).isEmpty());
    assertTrue(DesiredState.preview(OWNER, new CkanInstanceSpec(), 1).isEmpty());
  }
}
