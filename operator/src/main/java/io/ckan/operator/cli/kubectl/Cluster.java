package io.ckan.operator.cli.kubectl;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.contract.Names;
import io.ckan.operator.resources.LockObjects;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the plugin reads and writes through the user's kubeconfig. It reads the instance, its Events and a revision's
 * objects; it writes only the instance's {@code metadata.annotations}, with the JSON merge patch
 * {@code kubectl annotate} sends, never the status.
 */
final class Cluster {
  private final KubernetesClient client;

  Cluster(KubernetesClient client) {
    this.client = client;
  }

  Optional<CkanInstance> instance(String namespace, String name) {
    return Optional.ofNullable(client.resources(CkanInstance.class).inNamespace(namespace).withName(name).get());
  }

  /**
   * The instance's Events (this instance: same name and, when the Event has one, same uid), filtered here: the
   * fabric8 mock the tests run against answers no field selector.
   */
  List<Event> events(CkanInstance ci) {
    String name = ci.getMetadata().getName();
    String uid = ci.getMetadata().getUid();
    return client.v1().events().inNamespace(ci.getMetadata().getNamespace())
        .list().getItems().stream()
        .filter(e -> e.getInvolvedObject() != null && "CkanInstance".equals(e.getInvolvedObject().getKind())
            && name.equals(e.getInvolvedObject().getName())
            && (e.getInvolvedObject().getUid() == null || e.getInvolvedObject().getUid().equals(uid)))
        .toList();
  }

  /** What the cluster records of revision {@code n} of the instance, if its config snapshot is still there. */
  Optional<RevisionRecord> revision(CkanInstance ci, int n) {
    String namespace = ci.getMetadata().getNamespace();
    String object = Names.revision(ci.getMetadata().getName(), n);
    String uid = ci.getMetadata().getUid();
    ConfigMap snapshot = client.configMaps().inNamespace(namespace).withName(object).get();
    if (snapshot == null || !Owner.owns(uid, snapshot)) {
      return Optional.empty();
    }
    Deployment web = client.apps().deployments().inNamespace(namespace).withName(object).get();
    ConfigMap lock = client.configMaps().inNamespace(namespace)
        .withName(LockObjects.name(ci.getMetadata().getName(), n)).get();
    return Optional.of(RevisionRecord.of(n, snapshot, web != null && Owner.owns(uid, web) ? web : null,
        lock != null && Owner.owns(uid, lock) ? lock : null));
  }

  /**
   * Sets (or, for a null value, removes) annotations of the instance: {@code kubectl annotate --overwrite} (a JSON
   * merge patch of {@code metadata.annotations}, no resourceVersion: it cannot conflict with the operator).
   */
  void annotate(CkanInstance ci, Map<String, String> annotations) {
    Map<String, Object> patch = Map.of("metadata", Map.of("annotations", new LinkedHashMap<>(annotations)));
    client.resources(CkanInstance.class).inNamespace(ci.getMetadata().getNamespace())
        .withName(ci.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE), asJson(patch));
  }

  /** Creates a Job (a restore): refused with 409 when one of that name exists. */
  io.fabric8.kubernetes.api.model.batch.v1.Job create(io.fabric8.kubernetes.api.model.batch.v1.Job job) {
    return client.resource(job).create();
  }

  /** Serialises with nulls kept: a null annotation in a merge patch removes it. */
  private static String asJson(Map<String, Object> patch) {
    try {
      return Serialization.jsonMapper().copy()
          .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.ALWAYS)
          .writeValueAsString(patch);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
