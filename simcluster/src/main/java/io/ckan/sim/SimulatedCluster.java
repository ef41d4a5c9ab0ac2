package io.ckan.sim;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Kubernetes API in this JVM (fabric8 mock server in CRUD mode, plain HTTP on 127.0.0.1) with simulated Deployment,
 * Job and kubelet behaviour and a fake CKAN {@code status_show}, all driven by a {@link Scenario}. The simulation
 * acts only on objects labelled {@code app.kubernetes.io/managed-by=ckan-operator}.
 *
 * <pre>{@code
 * try (SimulatedCluster cluster = SimulatedCluster.start(Scenario.create().timeScale(0.01))) {
 *   KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(cluster.clientConfig()).build();
 *   ...
 * }
 * }</pre>
 */
public final class SimulatedCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedCluster.class);
  public static final String NAMESPACE = "default";
  /** The mock logs every request at INFO through java.util.logging; held strongly so the level sticks. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger(MockWebServer.class.getName());

  static {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Scenario scenario;
  /** The threaded controllers and the fake CKAN; null in a {@link #stepped} cluster. */
  private final SimulatedWorkloads workloads;
  /** The controllers on demand; null in a threaded cluster. */
  private final SteppedSimulation stepper;

  private SimulatedCluster(Scenario scenario, boolean threaded) {
    this.scenario = scenario;
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    this.server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), expectations,
        new KubernetesMixedDispatcher(expectations), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient created = null;
    try {
      created = newClient();
      created.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
          .build()).create();
      this.client = created;
      this.workloads = threaded ? SimulatedWorkloads.start(client, scenario) : null;
      this.stepper = threaded ? null : new SteppedSimulation(client, scenario);
    } catch (RuntimeException e) {
      SimulatedWorkloads.closeQuietly(created);
      server.destroy();
      throw e;
    }
  }

  /** Starts a cluster; close it to stop every thread it started. */
  public static SimulatedCluster start(Scenario scenario) {
    SimulatedCluster cluster = new SimulatedCluster(scenario, true);
    cluster.workloads.record("cluster started: API %s, CKAN %s, time scale %s", cluster.apiUrl(),
        cluster.workloads.statusShowBase(), scenario.timeScale());
    return cluster;
  }

  /**
   * A cluster whose controllers never act by themselves: {@link #stepper()} plays them when the caller says, at the
   * instant the caller gives (model-based tests that drive reconciles directly, without threads or sleeps).
   */
  public static SimulatedCluster stepped(Scenario scenario) {
    return new SimulatedCluster(scenario, false);
  }

  /** The controllers on demand; only for a {@link #stepped} cluster (the threaded ones would race it). */
  public SteppedSimulation stepper() {
    return stepper;
  }

  /** A cluster where everything is healthy. */
  public static SimulatedCluster start() {
    return start(Scenario.create());
  }

  /** The admin client the simulation itself uses (JDK http client, namespace "default"). */
  public KubernetesClient client() {
    return client;
  }

  /** The mock API server's URL, {@code http://127.0.0.1:<port>/}. */
  public String apiUrl() {
    return "http://127.0.0.1:" + server.getPort() + "/";
  }

  /** A fresh Config for the mock API (namespace "default", plain HTTP), for components that build their own client. */
  public Config clientConfig() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(apiUrl())
        .withNamespace(NAMESPACE)
        .withTrustCerts(true)
        .withHttp2Disable(true)
        .withRequestRetryBackoffLimit(0)
        .build();
  }

  /** The mock server, e.g. to inject faults: {@code server().expect().put().withPath(...).andReturn(409, ...).once()}. */
  public KubernetesMockServer server() {
    return server;
  }

  /**
   * Registers a CustomResourceDefinition (YAML; several documents allowed) so custom resources of that kind can be
   * created, listed, watched and have their /status updated. Creates or replaces.
   */
  public void applyCrd(InputStream crdYaml) {
    List<HasMetadata> items = client.load(crdYaml).items();
    boolean any = false;
    for (HasMetadata item : items) {
      if (item instanceof CustomResourceDefinition crd) {
        client.apiextensions().v1().customResourceDefinitions().resource(crd)
            .createOr(NonDeletingOperation::update);
        if (workloads != null) {
          workloads.record("crd %s applied", crd.getMetadata().getName());
        }
        any = true;
      }
    }
    if (!any) {
      throw new IllegalArgumentException("no apiextensions.k8s.io/v1 CustomResourceDefinition in the given YAML");
    }
  }

  public void applyCrd(Path crdYaml) {
    try (InputStream in = Files.newInputStream(crdYaml)) {
      applyCrd(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Scenario scenario() {
    return scenario;
  }

  /** The controllers and the fake CKAN running against this mock. */
  public SimulatedWorkloads workloads() {
    return workloads;
  }

  /** {@code http://127.0.0.1:<port>}: CKAN of Service S in namespace N answers at {@code base/N/S/api/3/action/...}. */
  public URI statusShowBase() {
    return workloads.statusShowBase();
  }

  /** Where CKAN behind a Service answers, e.g. {@code http://127.0.0.1:1234/default/portal-r1}. */
  public URI serviceUrl(String namespace, String service) {
    return workloads.serviceUrl(namespace, service);
  }

  /** The fake CKAN, for its request counts. */
  public FakeCkan ckan() {
    return workloads.ckan();
  }

  /** What the simulated controllers did, oldest first, e.g. "12:00:01.234 deployment default/portal-r2 available 2/2". */
  public List<String> events() {
    return workloads.events();
  }

  /** Called with every new event line (from the controller thread), e.g. to print them in a demo. */
  public void onEvent(Consumer<String> listener) {
    workloads.onEvent(listener);
  }

  /** Drops the requests the mock server records (it keeps all of them otherwise); for long benchmarks. */
  public void discardRecordedRequests() {
    try {
      while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
        // drained
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    SimulatedWorkloads.closeQuietly(workloads);
    SimulatedWorkloads.closeQuietly(client);
    try {
      server.destroy();
    } catch (RuntimeException e) {
      LOG.warn("stopping the mock server failed", e);
    }
  }

  private KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(clientConfig()).withHttpClientFactory(new JdkHttpClientFactory())
        .build();
  }
}
