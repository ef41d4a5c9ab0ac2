package io.ckan.sim;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the ckan-operator's start command does in a pod, as recorded against a real CKAN 2.11.5 (see
 * {@link CkanRecordings}): with the image the scenario describes ({@link Scenario#image}), a pod whose container runs
 * the start command (recognised by its first line, {@value #MARKER}) exits before the server starts when the image runs
 * another CKAN version than {@code CKAN_EXPECTED_VERSION} or lacks a plugin of {@code CKAN__PLUGINS}: the Deployment
 * crash-loops. A container that does not run the start command (the image's own entrypoint) starts anyway, and
 * status_show echoes the configured plugins whether they loaded or not, as the real one does.
 */
final class CkanStartEmulation {
  private CkanStartEmulation() {}

  static final String MARKER = "# ckan-operator start v1";

  /** Why the start command would refuse this Deployment's pods, or empty when they start. */
  static Optional<String> failure(KubernetesClient client, Deployment deployment, Scenario scenario) {
    List<Container> containers = Scenario.containers(deployment);
    if (containers.isEmpty() || !runsStartCommand(containers.get(0))) {
      return Optional.empty();
    }
    Container container = containers.get(0);
    Scenario.Image image = scenario.image(container.getImage());
    if (image == null) {
      return Optional.empty();
    }
    Map<String, String> env = ContainerEnv.of(client, deployment.getMetadata().getNamespace(), container);
    String expected = env.getOrDefault("CKAN_EXPECTED_VERSION", "");
    if (image.version() != null && !expected.isEmpty() && !image.version().equals(expected)) {
      return Optional.of(CkanRecordings.wrongVersion(image.version(), expected));
    }
    List<String> plugins = Arrays.stream(env.getOrDefault("CKAN__PLUGINS", "").trim().split("\\s+"))
        .filter(p -> !p.isEmpty()).toList();
    return plugins.stream().filter(image.lacks()::contains).findFirst()
        .map(p -> CkanRecordings.pluginNotInstalled(image.version() == null ? expected : image.version(), plugins,
            p));
  }

  static boolean runsStartCommand(Container container) {
    List<String> command = container.getCommand();
    return command != null && command.size() >= 3 && command.get(2) != null
        && command.get(2).startsWith(MARKER + "\n");
  }
}
