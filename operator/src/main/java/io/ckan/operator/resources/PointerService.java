package io.ckan.operator.resources;

import io.ckan.operator.contract.Names;
import io.ckan.operator.contract.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;

/** The stable Service `<instance>`: its selector names the current revision. Moving it is one write. */
public final class PointerService {
  private PointerService() {}

  public static Service build(Owner owner, int revision, Map<String, String> annotations) {
    return new ServiceBuilder()
        .withMetadata(owner.meta(Names.pointer(owner.name()), Labels.instance(owner.name(), Labels.POINTER),
            annotations))
        .withNewSpec()
          .withType("ClusterIP")
          .withSelector(Labels.webSelector(owner.name(), revision))
          .addNewPort().withName(RevisionObjects.PORT_NAME).withPort(RevisionObjects.SERVICE_PORT)
            .withTargetPort(new IntOrString(RevisionObjects.PORT_NAME)).withProtocol("TCP").endPort()
        .endSpec()
        .build();
  }
}
