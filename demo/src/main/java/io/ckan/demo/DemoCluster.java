package io.ckan.demo;

import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.net.URI;
import java.util.function.Consumer;

/**
 * Where the demo runs: an API server (the embedded fabric8 mock, or a real kube-apiserver on loopback) with the
 * simulated cluster's controllers playing kubelet, Deployment and Job controllers and CKAN's {@code status_show}.
 */
interface DemoCluster extends AutoCloseable {
  /** What the demo (the person at the keyboard) uses: read everything, edit the instance. */
  KubernetesClient client();

  /** A fresh configuration for the operator's own client. */
  Config operatorConfig();

  /** Registers the CRDs and returns once instances can be created and watched. */
  void applyCrds(InputStream crdYaml);

  /** Where CKAN behind Service {@code service} answers. */
  URI serviceUrl(String namespace, String service);

  /** Called with every line the simulated controllers log. */
  void onEvent(Consumer<String> listener);

  /** One line naming the API server, for the timeline header. */
  String describe();

  /** The fake CKAN behind every Service (its base URL and request counts). */
  io.ckan.sim.FakeCkan ckan();

  /** How an operator in another JVM reaches the API server: its URL (the mock, no auth) or a kubeconfig file. */
  String operatorTarget();

  /** The scenario the simulated controllers follow. */
  Scenario scenario();

  @Override
  void close();
}
