package io.ckan.sim;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The simulated controllers without threads or timers, for tests that drive reconciles directly with a clock of their
 * own: {@link #step} plays the Deployment controller, the kubelet and the Job controller once for every managed
 * Deployment and Job of a namespace, as of the instant given, with the same rules as the threaded controllers;
 * {@link #statusShow} answers like the fake CKAN, without HTTP. Deterministic: what it writes depends only on the
 * objects, the scenario and the instants it is given. Not thread-safe.
 */
public final class SteppedSimulation {

  private final KubernetesClient client;
  private final Scenario scenario;
  private final CkanBackend backend;
  /** Per "namespace/uid": the pods of a Deployment, the run of a Job. */
  private final Map<String, SimulatedPods> pods = new HashMap<>();
  private final Map<String, JobRun> runs = new HashMap<>();

  SteppedSimulation(KubernetesClient client, Scenario scenario) {
    this.client = client;
    this.scenario = scenario;
    this.backend = CkanBackend.reading(client);
  }

  /**
   * Brings the status of every managed Deployment and Job in {@code namespace} to what it is at {@code now}.
   *
   * @return the managed Deployments as the step left them
   */
  public List<Deployment> step(String namespace, Instant now) {
    List<Deployment> deployments = client.apps().deployments().inNamespace(namespace)
        .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE).list().getItems();
    Set<String> seen = new HashSet<>();
    List<Deployment> after = new ArrayList<>();
    for (Deployment deployment : deployments) {
      String key = namespace + "/" + deployment.getMetadata().getUid();
      seen.add(key);
      DeploymentController.Evaluation e = DeploymentController.evaluate(client, scenario,
          pods.computeIfAbsent(key, k -> new SimulatedPods()), deployment, now);
      after.add(Objects.equals(e.status(), deployment.getStatus()) ? deployment : client.apps().deployments()
          .inNamespace(namespace).resource(new DeploymentBuilder(deployment).withStatus(e.status()).build())
          .updateStatus());
    }
    pods.keySet().removeIf(key -> key.startsWith(namespace + "/") && !seen.contains(key));
    List<Job> jobs = client.batch().v1().jobs().inNamespace(namespace)
        .withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE).list().getItems();
    for (Job job : jobs) {
      String key = namespace + "/" + job.getMetadata().getUid();
      seen.add(key);
      JobRun run = runs.computeIfAbsent(key, k -> new JobRun(scenario.jobBehaviourFor(job), now));
      run.advance(job, scenario.timeScale(), now);
      JobController.write(client, job, run);
    }
    for (String gone : runs.keySet().stream().filter(k -> k.startsWith(namespace + "/") && !seen.contains(k))
        .toList()) {
      runs.remove(gone);
      JobController.deletePods(client, namespace, gone.substring(namespace.length() + 1));
    }
    return after;
  }

  /** What CKAN behind {@code namespace/service} answers to status_show now (503 when nothing available serves it). */
  public FakeCkan.Answer statusShow(String namespace, String service) {
    return FakeCkan.answer(backend, scenario, namespace, service, "status_show");
  }
}
