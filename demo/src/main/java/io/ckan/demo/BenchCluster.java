package io.ckan.demo;

import io.ckan.sim.Scenario;
import io.ckan.sim.SimulatedCluster;
import io.ckan.sim.SimulatedWorkloads;
import io.ckan.sim.apiserver.ControlPlane;
import io.ckan.sim.apiserver.KubeBinaries;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@link ScaleBenchmark} runs the operator: the fabric8 mock of {@link SimulatedCluster} (every request scans
 * its whole store, so it slows as the cluster grows), or a real kube-apiserver and etcd on loopback (the apiserver
 * tier's binaries), with the same simulated kubelet, Deployment and Job controllers and fake CKAN.
 */
interface BenchCluster extends AutoCloseable {
  KubernetesClient client();

  void applyCrd(InputStream crd);

  /** What the operator JVM is given to reach the API: a URL (no auth) or a kubeconfig file. */
  String operatorTarget();

  URI statusShowBase();

  long statusShowCount();

  @Override
  void close();

  static BenchCluster mock(Scenario scenario) {
    SimulatedCluster cluster = SimulatedCluster.start(scenario);
    return new BenchCluster() {
      @Override
      public KubernetesClient client() {
        return cluster.client();
      }

      @Override
      public void applyCrd(InputStream crd) {
        cluster.applyCrd(crd);
      }

      @Override
      public String operatorTarget() {
        return cluster.apiUrl();
      }

      @Override
      public URI statusShowBase() {
        return cluster.statusShowBase();
      }

      @Override
      public long statusShowCount() {
        return cluster.ckan().statusShowCount();
      }

      @Override
      public void close() {
        cluster.close();
      }
    };
  }

  static BenchCluster apiServer(Scenario scenario) {
    KubeBinaries binaries = KubeBinaries.find().orElseThrow(() -> new IllegalStateException(
        "--apiserver needs the pinned binaries: " + KubeBinaries.missingReason()));
    Path dir;
    try {
      dir = Files.createTempDirectory("ckan-bench-apiserver-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ControlPlane plane = ControlPlane.start(binaries, dir);
    SimulatedWorkloads workloads;
    try {
      workloads = SimulatedWorkloads.start(plane.client(ControlPlane.User.CONTROLLERS), scenario);
    } catch (RuntimeException e) {
      plane.close();
      throw e;
    }
    return new BenchCluster() {
      @Override
      public KubernetesClient client() {
        return plane.client(ControlPlane.User.ADMIN);
      }

      @Override
      public void applyCrd(InputStream crd) {
        plane.applyCrds(crd);
      }

      @Override
      public String operatorTarget() {
        return plane.kubeconfig(ControlPlane.User.OPERATOR).toString();
      }

      @Override
      public URI statusShowBase() {
        return workloads.statusShowBase();
      }

      @Override
      public long statusShowCount() {
        return workloads.ckan().statusShowCount();
      }

      @Override
      public void close() {
        workloads.close();
        plane.close();
        ApiServerDemoCluster.deleteTree(dir);
      }
    };
  }
}
