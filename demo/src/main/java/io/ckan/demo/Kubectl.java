package io.ckan.demo;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.SimulatedCluster;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Consumer;

/** What a person does with kubectl in the demo and the benchmark, against the simulated cluster. */
final class Kubectl {
  private Kubectl() {}

  /** kubectl edit: read, change, write; on a conflict with the operator's status write, read again. */
  static CkanInstance edit(KubernetesClient client, String name, Consumer<CkanInstance> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.resources(CkanInstance.class).inNamespace(SimulatedCluster.NAMESPACE).withName(name)
            .edit(ci -> {
              change.accept(ci);
              return ci;
            });
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  /** The revision the pointer Service selects, or null before the first switch. */
  static Integer pointer(KubernetesClient client, String name) {
    Service svc = client.services().inNamespace(SimulatedCluster.NAMESPACE).withName(name).get();
    return svc == null ? null : Integer.valueOf(svc.getSpec().getSelector().get(Labels.REVISION));
  }
}
