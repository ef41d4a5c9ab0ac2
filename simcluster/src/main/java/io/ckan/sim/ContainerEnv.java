package io.ckan.sim;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The environment a container would see, built like the kubelet does: {@code envFrom} ConfigMaps in order (later ones
 * win, with their prefix), then {@code env} entries (plain values and {@code configMapKeyRef}). Secrets are not read.
 */
final class ContainerEnv {

  private ContainerEnv() {
  }

  static Map<String, String> of(KubernetesClient client, String namespace, Container container) {
    return of(name -> client.configMaps().inNamespace(namespace).withName(name).get(), container);
  }

  /** As above, with the ConfigMaps of the container's namespace looked up by name (null: none of that name). */
  static Map<String, String> of(Function<String, ConfigMap> lookup, Container container) {
    Map<String, ConfigMap> configMaps = new HashMap<>();
    Map<String, String> env = new HashMap<>();
    for (EnvFromSource source : Optional.ofNullable(container.getEnvFrom()).orElse(List.of())) {
      if (source.getConfigMapRef() == null) {
        continue;
      }
      ConfigMap configMap = configMaps.computeIfAbsent(source.getConfigMapRef().getName(), lookup);
      if (configMap != null && configMap.getData() != null) {
        String prefix = Optional.ofNullable(source.getPrefix()).orElse("");
        configMap.getData().forEach((k, v) -> env.put(prefix + k, v));
      }
    }
    for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      } else if (var.getValueFrom() != null && var.getValueFrom().getConfigMapKeyRef() != null) {
        String name = var.getValueFrom().getConfigMapKeyRef().getName();
        ConfigMap configMap = configMaps.computeIfAbsent(name, lookup);
        String key = var.getValueFrom().getConfigMapKeyRef().getKey();
        if (configMap != null && configMap.getData() != null && configMap.getData().containsKey(key)) {
          env.put(var.getName(), configMap.getData().get(key));
        }
      } else if (var.getValueFrom() == null) {
        env.put(var.getName(), "");
      }
    }
    return env;
  }
}
