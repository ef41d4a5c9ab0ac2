package io.ckan.demo;

import io.ckan.sim.Scenario;
import io.ckan.sim.SimulatedWorkloads;
import io.ckan.sim.apiserver.ControlPlane;
import io.ckan.sim.apiserver.KubeBinaries;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real kube-apiserver and etcd on loopback (the apiserver tier's binaries) with kube-controller-manager's garbage
 * collector; the simulated controllers play kubelet, Deployment and Job controllers. A person can drive and watch it
 * with the pinned kubectl while the demo runs ({@link #playground()}).
 */
final class ApiServerDemoCluster implements DemoCluster {
  private final Scenario scenario;
  private final Path workDir;
  private final boolean keepWorkDir;
  private final ControlPlane controlPlane;
  private final KubernetesClient client;
  private final SimulatedWorkloads workloads;
  /** Stops the control plane by PID when the JVM is interrupted (Ctrl-C) before {@link #close()}. */
  private final Thread shutdownHook = new Thread(this::stop, "stop-control-plane");

  private ApiServerDemoCluster(Scenario scenario, KubeBinaries binaries, Path workDir, boolean keepWorkDir) {
    this.scenario = scenario;
    this.workDir = workDir;
    this.keepWorkDir = keepWorkDir;
    this.controlPlane = ControlPlane.start(binaries, workDir);
    try {
      controlPlane.startGarbageCollector();
      this.client = controlPlane.client(ControlPlane.User.ADMIN);
      this.workloads = SimulatedWorkloads.start(controlPlane.client(ControlPlane.User.CONTROLLERS), scenario);
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } catch (RuntimeException e) {
      controlPlane.close();
      throw e;
    }
  }

  /** Starts the control plane in a fresh directory under the system temp dir (removed on close unless kept). */
  static ApiServerDemoCluster start(Scenario scenario, boolean keepWorkDir) {
    KubeBinaries binaries = KubeBinaries.find().orElseThrow(() -> new Demo.DemoFailure(
        "--apiserver needs the pinned binaries: " + KubeBinaries.missingReason()));
    try {
      return new ApiServerDemoCluster(scenario, binaries, Files.createTempDirectory("ckan-demo-apiserver-"),
          keepWorkDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public Config operatorConfig() {
    return controlPlane.config(ControlPlane.User.OPERATOR);
  }

  @Override
  public void applyCrds(InputStream crdYaml) {
    controlPlane.applyCrds(crdYaml);
  }

  @Override
  public io.ckan.sim.FakeCkan ckan() {
    return workloads.ckan();
  }

  @Override
  public String operatorTarget() {
    return controlPlane.kubeconfig(ControlPlane.User.OPERATOR).toString();
  }

  @Override
  public URI serviceUrl(String namespace, String service) {
    return workloads.serviceUrl(namespace, service);
  }

  @Override
  public void onEvent(Consumer<String> listener) {
    workloads.onEvent(listener);
  }

  @Override
  public String describe() {
    return "a real kube-apiserver " + controlPlane.binaries().version() + " on " + controlPlane.url()
        + " (etcd, the garbage collector of kube-controller-manager) and the simulated cluster's controllers";
  }

  @Override
  public Scenario scenario() {
    return scenario;
  }

  /** What a person types in a second terminal to watch and drive the demo (the pinned kubectl, this server). */
  String playground() {
    String kubectl = controlPlane.binaries().kubectl().toString();
    String kubeconfig = controlPlane.kubeconfig(ControlPlane.User.ADMIN).toString();
    return String.join("\n",
        "Playground: in a second terminal, while the demo runs (the server stops when it ends; --hold keeps it up):",
        "  export KUBECONFIG=" + kubeconfig,
        "  alias kubectl=" + kubectl,
        "  kubectl get ckan -w                    # printer columns: version, Ready, current and desired revision",
        "  kubectl get deploy,svc,job,cm,pvc,secret -l app.kubernetes.io/managed-by=ckan-operator",
        "  kubectl describe ckan " + Demo.NAME + "                             # conditions, history and Events",
        "  kubectl get events --field-selector involvedObject.name=" + Demo.NAME,
        "  kubectl get svc " + Demo.NAME + " -o jsonpath='{.spec.selector}'   # the current pointer",
        "  kubectl annotate ckan " + Demo.NAME + " ckan.io/rollback-to=2 --overwrite   # roll back by hand",
        "  kubectl wait ckan/" + Demo.NAME + " --for=condition=Ready --timeout=60s",
        "  kubectl delete ckan " + Demo.NAME + "      # the garbage collector removes what it owns; the uploads PVC stays",
        "Server logs, audit log and etcd data: " + workDir);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      return; // the hook stops it
    }
    stop();
  }

  private synchronized void stop() {
    workloads.close();
    controlPlane.close();
    if (!keepWorkDir) {
      deleteTree(workDir);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp dir is harmless
    }
  }
}
