package io.ckan.operator.resources;

import io.ckan.operator.api.CkanInstance;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Map;

/** The CkanInstance that owns an object: deleting it deletes everything the operator made for it. */
public record Owner(String name, String namespace, String uid) {

  public static Owner of(CkanInstance instance) {
    return new Owner(instance.getMetadata().getName(), instance.getMetadata().getNamespace(),
        instance.getMetadata().getUid());
  }

  public OwnerReference reference() {
    return new OwnerReferenceBuilder()
        .withApiVersion(CkanInstance.GROUP + "/" + CkanInstance.VERSION)
        .withKind("CkanInstance")
        .withName(name)
        .withUid(uid)
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  public ObjectMeta meta(String objectName, Map<String, String> labels, Map<String, String> annotations) {
    return new ObjectMetaBuilder()
        .withName(objectName)
        .withNamespace(namespace)
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(reference())
        .build();
  }
}
