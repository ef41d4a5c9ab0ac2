package io.ckan.sim;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the Deployment that would answer a request to a Service, and what CKAN in it would report. With a Service:
 * the available Deployments whose pod template matches its selector (so the pointer Service works too); without one:
 * the Deployment of the same name. {@link #reading} reads from the API server every time (the stepped simulation);
 * {@link #cached} answers from its own informers of the operator's Services and Deployments (an index by instance), so
 * a health check costs the simulator no API request: on the fabric8 mock every GET and LIST scans the whole store, and
 * at 1000 instances the scheduled health checks alone kept a core busy. A cached lookup that finds no serving
 * Deployment is confirmed with a read, so a lagging cache never reports an outage the cluster does not have.
 */
class CkanBackend {

  /** What CKAN in a Deployment reports by default. */
  record Site(Deployment deployment, String version, List<String> plugins, String siteUrl, String siteTitle,
      boolean redisSessions) {
  }

  final KubernetesClient client;

  CkanBackend(KubernetesClient client) {
    this.client = client;
  }

  /** A backend that reads the API server on every request. */
  static CkanBackend reading(KubernetesClient client) {
    return new CkanBackend(client);
  }

  /** A backend that answers from informers (started on return; {@link #close()} stops them). */
  static CkanBackend cached(KubernetesClient client) {
    return new CachedCkanBackend(client);
  }

  void close() {
  }

  /** The Deployment serving {@code namespace/service} with at least one available replica, if any. */
  Optional<Deployment> servingDeployment(String namespace, String service) {
    return serving(service, candidates(namespace, service));
  }

  /** The Deployments that may back the Service, read from the API server. */
  private List<Deployment> candidates(String namespace, String service) {
    Service svc = client.services().inNamespace(namespace).withName(service).get();
    Map<String, String> selector = svc == null || svc.getSpec() == null ? null : svc.getSpec().getSelector();
    List<Deployment> candidates;
    if (selector == null || selector.isEmpty()) {
      Deployment same = client.apps().deployments().inNamespace(namespace).withName(service).get();
      candidates = same == null ? List.of() : List.of(same);
    } else {
      // narrowed on the server by the instance label (every operator Deployment carries it), so an answer costs
      // the instance's Deployments, not the namespace's: O(1) per request, not O(N)
      var deployments = client.apps().deployments().inNamespace(namespace);
      String instance = selector.get(Labels.INSTANCE);
      candidates = (instance == null ? deployments.list() : deployments.withLabel(Labels.INSTANCE, instance).list())
          .getItems().stream().filter(d -> selects(selector, d)).toList();
    }
    return candidates;
  }

  static boolean selects(Map<String, String> selector, Deployment d) {
    return templateLabels(d).entrySet().containsAll(selector.entrySet());
  }

  static Optional<Deployment> serving(String service, List<Deployment> candidates) {
    return candidates.stream().filter(d -> available(d) > 0)
        .max(Comparator.<Deployment>comparingInt(d -> service.equals(d.getMetadata().getName()) ? 1 : 0)
            .thenComparingInt(d -> Labels.has(d, Labels.COMPONENT, "web") ? 1 : 0)
            .thenComparingInt(CkanBackend::available));
  }

  Site site(Deployment deployment, String namespace, String service) {
    Map<String, String> env = ContainerEnv.of(client, namespace, ckanContainer(deployment));
    return site(deployment, namespace, service, env);
  }

  static Site site(Deployment deployment, String namespace, String service, Map<String, String> env) {
    String version = Optional.ofNullable(templateLabels(deployment).get(Labels.VERSION))
        .orElse(env.getOrDefault("CKAN_VERSION", "unknown"));
    List<String> plugins = Arrays.stream(env.getOrDefault("CKAN__PLUGINS", "").trim().split("\\s+"))
        .filter(p -> !p.isEmpty()).toList();
    String siteUrl = env.getOrDefault("CKAN_SITE_URL",
        env.getOrDefault("CKAN__SITE_URL", "http://" + service + "." + namespace + ".svc.cluster.local"));
    // CKAN's default title when ckan.site_title is not configured
    return new Site(deployment, version, plugins, siteUrl, env.getOrDefault("CKAN__SITE_TITLE", "CKAN"),
        "redis".equals(env.get("CKAN___SESSION_TYPE")));
  }

  static Container ckanContainer(Deployment deployment) {
    return Scenario.containers(deployment).stream().filter(c -> "ckan".equals(c.getName())).findFirst()
        .orElse(Scenario.containers(deployment).stream().findFirst().orElse(new Container()));
  }

  private static Map<String, String> templateLabels(Deployment d) {
    return Optional.ofNullable(d.getSpec()).map(s -> s.getTemplate()).map(t -> t.getMetadata())
        .map(m -> m.getLabels()).orElse(Map.of());
  }

  private static int available(Deployment d) {
    return d.getStatus() == null || d.getStatus().getAvailableReplicas() == null ? 0
        : d.getStatus().getAvailableReplicas();
  }
}
