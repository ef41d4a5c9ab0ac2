package io.ckan.sim;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * The simulated cluster's controllers (kubelet, Deployment and Job controllers) and the fake CKAN {@code status_show},
 * driven by a {@link Scenario}, against whatever API server the given client talks to: the fabric8 mock inside
 * {@link SimulatedCluster}, or a real kube-apiserver that runs no controllers of its own. They only need a client that
 * may read Deployments, Jobs, Services, ConfigMaps and Secrets, write the status of Deployments and Jobs, and create
 * Pods and their status. The client stays the caller's: {@link #close()} stops the controllers, not the client.
 */
public final class SimulatedWorkloads implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedWorkloads.class);

  private final Scenario scenario;
  private final EventLog events;
  private final ControllerLoop loop;
  private final DeploymentController deployments;
  private final JobController jobs;
  private final FakeCkan ckan;
  private final Runnable onScenarioChange;

  private SimulatedWorkloads(KubernetesClient client, Scenario scenario) {
    this.scenario = scenario;
    Clock clock = Clock.systemUTC();
    this.events = new EventLog(clock);
    this.loop = new ControllerLoop(clock);
    this.deployments = new DeploymentController(client, scenario, loop, events);
    this.jobs = new JobController(client, scenario, loop, events);
    this.ckan = new FakeCkan(CkanBackend.cached(client), scenario);
    this.onScenarioChange = deployments::resyncAll;
  }

  /** Starts the controllers against {@code client}'s API server (their informers have listed once on return). */
  public static SimulatedWorkloads start(KubernetesClient client, Scenario scenario) {
    SimulatedWorkloads workloads = new SimulatedWorkloads(client, scenario);
    try {
      workloads.deployments.start();
      workloads.jobs.start();
      scenario.addChangeListener(workloads.onScenarioChange);
      return workloads;
    } catch (RuntimeException e) {
      workloads.close();
      throw e;
    }
  }

  public Scenario scenario() {
    return scenario;
  }

  /** {@code http://127.0.0.1:<port>}: CKAN of Service S in namespace N answers at {@code base/N/S/api/3/action/...}. */
  public URI statusShowBase() {
    return ckan.base();
  }

  /** Where CKAN behind a Service answers, e.g. {@code http://127.0.0.1:1234/default/portal-r1}. */
  public URI serviceUrl(String namespace, String service) {
    return URI.create(ckan.base() + "/" + namespace + "/" + service);
  }

  /** The fake CKAN, for its request counts. */
  public FakeCkan ckan() {
    return ckan;
  }

  /** What the controllers did, oldest first, e.g. "12:00:01.234 deployment default/portal-r2 available 2/2". */
  public List<String> events() {
    return events.entries();
  }

  /** Called with every new event line (from the controller thread). */
  public void onEvent(Consumer<String> listener) {
    events.addListener(listener);
  }

  void record(String format, Object... args) {
    events.record(format, args);
  }

  @Override
  public void close() {
    scenario.removeChangeListener(onScenarioChange);
    closeQuietly(ckan);
    closeQuietly(deployments);
    closeQuietly(jobs);
    closeQuietly(loop);
  }

  static void closeQuietly(AutoCloseable closeable) {
    try {
      if (closeable != null) {
        closeable.close();
      }
    } catch (Exception e) {
      LOG.warn("closing {} failed", closeable.getClass().getSimpleName(), e);
    }
  }
}
