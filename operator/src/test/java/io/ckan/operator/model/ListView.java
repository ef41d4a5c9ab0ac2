package io.ckan.operator.model;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.reconcile.ClusterView;
import io.ckan.operator.reconcile.StepApplier;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.resources.Owner;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the operator's informers hold, read with plain list calls (label selector managed-by=ckan-operator, then the
 * instance's owner uid, as {@code CkanInstanceReconciler#view} filters), once per reconcile. The mock API server
 * stamps creationTimestamp from the wall clock, but the operator and the simulation run on the model's clock: each
 * object is shown with the model's instant of the round that created it ({@code born}, by uid).
 */
final class ListView implements ClusterView {
  private final KubernetesClient client;
  private final String namespace;
  private final String uid;
  private final Map<String, String> born;
  private final String now;
  private List<Deployment> deployments;

  ListView(KubernetesClient client, CkanInstance instance, Map<String, String> born, Instant now) {
    this.client = client;
    this.namespace = instance.getMetadata().getNamespace();
    this.uid = instance.getMetadata().getUid();
    this.born = born;
    this.now = now.toString();
  }

  @Override
  public List<Deployment> deployments() {
    return owned(namespaceDeployments());
  }

  @Override
  public List<Service> services() {
    return owned(client.services().inNamespace(namespace).withLabel(Labels.MANAGED_BY, Labels.OPERATOR).list()
        .getItems());
  }

  @Override
  public List<ConfigMap> configMaps() {
    return owned(client.configMaps().inNamespace(namespace).withLabel(Labels.MANAGED_BY, Labels.OPERATOR).list()
        .getItems());
  }

  /** As the operator's index: owned by the instance, or building the wanted image. */
  @Override
  public List<Job> jobs(String wantedImage) {
    return onModelClock(client.batch().v1().jobs().inNamespace(namespace).withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
        .list().getItems()).stream().filter(j -> Owner.owns(uid, j) || wantedImage != null && j.getMetadata().getAnnotations() != null
            && wantedImage.equals(j.getMetadata().getAnnotations().get(Labels.IMAGE_FINGERPRINT))).toList();
  }

  @Override
  public List<io.fabric8.kubernetes.api.model.batch.v1.CronJob> cronJobs() {
    return owned(client.batch().v1().cronjobs().inNamespace(namespace).withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
        .list().getItems());
  }

  @Override
  public List<Deployment> deploymentsWithImage(String imageFingerprint) {
    return namespaceDeployments().stream().filter(d -> d.getMetadata().getAnnotations() != null
        && imageFingerprint.equals(d.getMetadata().getAnnotations().get(Labels.IMAGE_FINGERPRINT))
        && "build".equals(d.getMetadata().getAnnotations().get(Labels.IMAGE_SOURCE))).toList();
  }

  private List<Deployment> namespaceDeployments() {
    if (deployments == null) {
      deployments = onModelClock(client.apps().deployments().inNamespace(namespace)
          .withLabel(Labels.MANAGED_BY, Labels.OPERATOR).list().getItems());
    }
    return deployments;
  }

  @Override
  public HasMetadata current(HasMetadata wanted) {
    return client.resource(wanted).get();
  }

  @Override
  public StepApplier.WriteListener listener() {
    return StepApplier.WriteListener.NONE;
  }

  private <R extends HasMetadata> List<R> owned(List<R> objects) {
    return onModelClock(objects).stream().filter(o -> Owner.owns(uid, o)).toList();
  }

  private <R extends HasMetadata> List<R> onModelClock(List<R> objects) {
    objects.forEach(o -> o.getMetadata().setCreationTimestamp(born.getOrDefault(o.getMetadata().getUid(), now)));
    return objects;
  }
}
