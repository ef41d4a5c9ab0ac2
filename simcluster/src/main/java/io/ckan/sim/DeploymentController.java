package io.ckan.sim;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Plays the Deployment/ReplicaSet controllers and the kubelet for the operator's Deployments: on every event it works
 * out what the status should be under the scenario and writes it through the status subresource if the stored status
 * differs (a main PUT by the operator wipes status; this puts it back).
 */
final class DeploymentController implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentController.class);
  private static final Duration DEFAULT_PROGRESS_DEADLINE = Duration.ofSeconds(600);
  private static final Duration RETRY = Duration.ofMillis(100);

  private final KubernetesClient client;
  private final Scenario scenario;
  private final ControllerLoop loop;
  private final EventLog events;
  private final ManagedInformer<Deployment> informer;
  /** Loop-thread state per "namespace/name". */
  private final Map<String, SimulatedPods> pods = new HashMap<>();
  private final Map<String, String> lastSummary = new HashMap<>();

  DeploymentController(KubernetesClient client, Scenario scenario, ControllerLoop loop, EventLog events) {
    this.client = client;
    this.scenario = scenario;
    this.loop = loop;
    this.events = events;
    this.informer = new ManagedInformer<>(
        client.apps().deployments().inAnyNamespace().withLabel(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE),
        loop, this::reconcile, this::deleted);
  }

  void start() {
    informer.start();
  }

  /** Re-evaluates every Deployment (after a scenario change). */
  void resyncAll() {
    loop.submit(() -> informer.keys().forEach(this::reconcile));
  }

  private void reconcile(String key) {
    Deployment deployment = informer.get(key);
    if (deployment == null) {
      return;
    }
    Instant now = loop.clock().instant();
    Evaluation e = evaluate(client, scenario, pods.computeIfAbsent(key, k -> new SimulatedPods()), deployment, now);
    SimulatedPods.Snapshot snapshot = e.snapshot();
    if (snapshot.newRollout()) {
      events.record("deployment %s rollout started: %d replica(s), image %s, behaviour: %s", key,
          snapshot.desired(), shortImage(deployment), e.behaviour());
      e.startFailure().ifPresent(why -> events.record("deployment %s: [ckan-operator] web failed: %s", key, why));
    }
    // logged before the status write: the line's time is when the change becomes visible at the latest (benchmarks
    // and tests measure the operator's reaction from it)
    logTransition(key, snapshot);
    if (!Objects.equals(e.status(), deployment.getStatus())) {
      writeStatus(key, deployment, e.status());
    }
    if (snapshot.nextChange() != null) {
      loop.scheduleAt("deployment:" + key, snapshot.nextChange(), () -> reconcile(key));
    }
  }

  /** What the Deployment controller and the kubelet make of one Deployment at {@code now}. */
  record Evaluation(Behaviour behaviour, Optional<String> startFailure, SimulatedPods.Snapshot snapshot,
      DeploymentStatus status) {
  }

  /** The behaviour the scenario (and the start command) gives the pods, the pods brought in line, the status. */
  static Evaluation evaluate(KubernetesClient client, Scenario scenario, SimulatedPods pods, Deployment deployment,
      Instant now) {
    Optional<String> startFailure = CkanStartEmulation.failure(client, deployment, scenario);
    Behaviour behaviour = startFailure.isPresent() ? Behaviour.crashLoop() : scenario.behaviourFor(deployment);
    String templateHash = templateHash(deployment);
    SimulatedPods.Snapshot snapshot = pods.observe(templateHash, replicas(deployment), behaviour,
        scenario.timeScale(), progressDeadline(deployment), now);
    String replicaSet = deployment.getMetadata().getName() + "-" + templateHash;
    return new Evaluation(behaviour, startFailure, snapshot,
        DeploymentStatusFactory.build(deployment, snapshot, replicaSet, now));
  }

  private void writeStatus(String key, Deployment deployment, DeploymentStatus status) {
    Deployment updated = new DeploymentBuilder(deployment).withStatus(status).build();
    try {
      client.apps().deployments().inNamespace(deployment.getMetadata().getNamespace()).resource(updated)
          .updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return; // deleted meanwhile; the delete event cleans up
      }
      LOG.debug("status update of deployment {} failed ({}), retrying", key, e.getCode());
      loop.scheduleAt("deployment:" + key, loop.clock().instant().plus(RETRY), () -> reconcile(key));
    }
  }

  private void logTransition(String key, SimulatedPods.Snapshot s) {
    String summary;
    if (s.desired() == 0) {
      summary = "scaled to 0";
    } else if (s.complete() && s.available() >= s.desired()) {
      summary = "available " + s.available() + "/" + s.desired();
    } else if (s.complete()) {
      summary = "unhealthy, pods crash-looping: available " + s.available() + "/" + s.desired();
    } else if (s.deadlineExceeded()) {
      summary = "progress deadline exceeded: available " + s.available() + "/" + s.desired();
    } else {
      summary = "progressing: available " + s.available() + "/" + s.desired();
    }
    if (!summary.equals(lastSummary.put(key, summary))) {
      events.record("deployment %s %s", key, summary);
    }
  }

  private void deleted(Deployment deployment) {
    String key = deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
    pods.remove(key);
    lastSummary.remove(key);
    loop.cancel("deployment:" + key);
    events.record("deployment %s deleted", key);
  }

  private static int replicas(Deployment deployment) {
    Integer replicas = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
    return replicas == null ? 1 : Math.max(0, replicas);
  }

  private static Duration progressDeadline(Deployment deployment) {
    Integer seconds = deployment.getSpec() == null ? null : deployment.getSpec().getProgressDeadlineSeconds();
    return seconds == null ? DEFAULT_PROGRESS_DEADLINE : Duration.ofSeconds(seconds);
  }

  /** Stands in for pod-template-hash: identifies the pod template, so a change starts a new rollout. */
  static String templateHash(Deployment deployment) {
    String template = Serialization.asJson(deployment.getSpec() == null ? null : deployment.getSpec().getTemplate());
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(template.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String shortImage(Deployment deployment) {
    return Scenario.containers(deployment).stream().findFirst().map(c -> c.getImage())
        .map(i -> i.replaceAll("(sha256:[0-9a-f]{12})[0-9a-f]{52}", "$1…")).orElse("<none>");
  }

  @Override
  public void close() {
    informer.close();
  }
}
