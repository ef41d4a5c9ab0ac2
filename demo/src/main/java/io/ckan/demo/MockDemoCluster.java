package io.ckan.demo;

import io.ckan.sim.Scenario;
import io.ckan.sim.SimulatedCluster;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.net.URI;
import java.util.function.Consumer;

/** The default: the fabric8 mock API server in this JVM (nothing to install). */
final class MockDemoCluster implements DemoCluster {
  private final SimulatedCluster cluster;

  MockDemoCluster(Scenario scenario) {
    this.cluster = SimulatedCluster.start(scenario);
  }

  @Override
  public KubernetesClient client() {
    return cluster.client();
  }

  @Override
  public Config operatorConfig() {
    return cluster.clientConfig();
  }

  @Override
  public void applyCrds(InputStream crdYaml) {
    cluster.applyCrd(crdYaml);
  }

  @Override
  public io.ckan.sim.FakeCkan ckan() {
    return cluster.ckan();
  }

  @Override
  public String operatorTarget() {
    return cluster.apiUrl();
  }

  @Override
  public URI serviceUrl(String namespace, String service) {
    return cluster.serviceUrl(namespace, service);
  }

  @Override
  public void onEvent(Consumer<String> listener) {
    cluster.onEvent(listener);
  }

  @Override
  public String describe() {
    return "an in-process Kubernetes API (fabric8 mock) and a simulated cluster";
  }

  @Override
  public Scenario scenario() {
    return cluster.scenario();
  }

  @Override
  public void close() {
    cluster.close();
  }
}
