package io.ckan.operator.release;

import io.ckan.operator.api.IngressSpec;
import io.ckan.operator.api.StorageSpec;
import io.ckan.operator.api.WorkersSpec;
import java.util.List;

/** spec.workers, spec.ingress and spec.storage: what runs beside the web tier, and how it is reached and stored. */
final class WorkloadCheck {
  private WorkloadCheck() {}

  static void workers(WorkersSpec workers, List<FieldError> errors) {
    if (workers == null) {
      return;
    }
    Checks.range(errors, "spec.workers.replicas", workers.replicas, 0, WorkersSpec.MAX_REPLICAS);
    Checks.items(errors, "spec.workers.queues", workers.queues, WorkersSpec.MAX_QUEUES, "queues", (queue, at) ->
        Checks.text(errors, at, queue, Tokens.QUEUE,
            "is not a queue name (lowercase letters, digits, _ and -, at most 63 characters)"));
  }

  static void ingress(IngressSpec ingress, List<FieldError> errors) {
    if (ingress == null) {
      return;
    }
    Checks.requiredText(errors, "spec.ingress.host", ingress.host, Tokens.HOST,
        "is not a DNS host name such as data.example.org");
    Checks.text(errors, "spec.ingress.tlsSecretName", ingress.tlsSecretName, Tokens.OBJECT_NAME, "is not a Secret name");
    Checks.text(errors, "spec.ingress.className", ingress.className, Tokens.OBJECT_NAME,
        "is not an IngressClass name");
    Checks.text(errors, "spec.ingress.previewHost", ingress.previewHost, Tokens.PREVIEW_HOST,
        "is not a DNS host name with exactly one {revision} placeholder, such as r{revision}.preview.example.org");
    Checks.text(errors, "spec.ingress.previewTlsSecretName", ingress.previewTlsSecretName, Tokens.OBJECT_NAME,
        "is not a Secret name");
  }

  static void storage(StorageSpec storage, List<FieldError> errors) {
    if (storage == null) {
      return;
    }
    Checks.requiredText(errors, "spec.storage.size", storage.size, Tokens.QUANTITY, "is not a size such as 20Gi");
    Checks.text(errors, "spec.storage.storageClassName", storage.storageClassName, Tokens.OBJECT_NAME,
        "is not a StorageClass name");
  }
}
