package io.ckan.operator.resources;

import io.ckan.operator.api.CkanInstance;
import io.fabric8.kubernetes.api.model.HasMetadata;
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

  /** True when {@code object} carries an owner reference with this uid: the only objects the operator writes. */
  public static boolean owns(String uid, HasMetadata object) {
    return uid != null && object.getMetadata().getOwnerReferences() != null && object.getMetadata()
        .getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()));
  }

  public boolean owns(HasMetadata object) {
    return owns(uid, object);
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
