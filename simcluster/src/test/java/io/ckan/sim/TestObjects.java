package io.ckan.sim;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

import java.util.Map;

/** Objects shaped like the ones the operator writes (labels, envFrom ConfigMap, digest images). */
final class TestObjects {

  static final String GOOD_DIGEST = "sha256:" + "a".repeat(64);
  static final String BAD_DIGEST = "sha256:" + "b".repeat(64);

  private TestObjects() {
  }

  static Map<String, String> labels(String instance, String component, int revision) {
    return Map.of(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE, Labels.INSTANCE, instance, Labels.COMPONENT, component,
        Labels.REVISION, Integer.toString(revision), "app.kubernetes.io/name", "ckan");
  }

  static Deployment web(String instance, int revision, int replicas, String digest, String version) {
    String name = instance + "-r" + revision;
    Map<String, String> podLabels = Map.of(Labels.INSTANCE, instance, Labels.COMPONENT, "web", Labels.REVISION,
        Integer.toString(revision), Labels.VERSION, version);
    return new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace("default").withLabels(labels(instance, "web", revision))
        .endMetadata()
        .withNewSpec()
          .withReplicas(replicas)
          .withProgressDeadlineSeconds(600)
          .withNewSelector().withMatchLabels(Map.of(Labels.INSTANCE, instance, Labels.REVISION,
              Integer.toString(revision), Labels.COMPONENT, "web")).endSelector()
          .withNewTemplate()
            .withNewMetadata().withLabels(podLabels).endMetadata()
            .withNewSpec()
              .addNewContainer().withName("ckan").withImage("registry.example.org/ckan@" + digest)
                .addNewEnvFrom().withNewConfigMapRef().withName(name).endConfigMapRef().endEnvFrom()
              .endContainer()
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  static ConfigMap config(String instance, int revision, String plugins) {
    return new ConfigMapBuilder()
        .withNewMetadata().withName(instance + "-r" + revision).withNamespace("default")
        .withLabels(labels(instance, "web", revision)).endMetadata()
        .withData(Map.of("CKAN__PLUGINS", plugins, "CKAN_SITE_URL", "https://" + instance + ".example.org"))
        .build();
  }

  static Service revisionService(String instance, int revision) {
    return service(instance + "-r" + revision, instance, revision);
  }

  static Service service(String name, String instance, int revision) {
    return new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace("default").withLabels(labels(instance, "web", revision))
        .endMetadata()
        .withNewSpec().withSelector(Map.of(Labels.INSTANCE, instance, Labels.COMPONENT, "web", Labels.REVISION,
            Integer.toString(revision)))
          .addNewPort().withPort(5000).endPort()
        .endSpec()
        .build();
  }

  static Job job(String name, String instance, String component) {
    return new JobBuilder()
        .withNewMetadata().withName(name).withNamespace("default").withLabels(labels(instance, component, 1))
        .endMetadata()
        .withNewSpec()
          .withBackoffLimit(0)
          .withNewTemplate()
            .withNewMetadata().withLabels(labels(instance, component, 1)).endMetadata()
            .withNewSpec().withRestartPolicy("Never")
              .addNewContainer().withName(component).withImage("registry.example.org/builder:1").endContainer()
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }
}
