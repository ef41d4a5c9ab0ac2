package io.ckan.operator.reconcile;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.plan.ObservedRevision;
import io.ckan.operator.plan.Pointer;
import io.ckan.operator.plan.Verdict;
import io.ckan.operator.resources.CkanStart;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.contract.Names;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Pure: the owned objects of one instance -> revisions and pointer, as the planner sees them. */
public final class ClusterObserver {
  private ClusterObserver() {}

  public record Observed(List<ObservedRevision> revisions, Optional<Pointer> pointer) {}

  public static Observed observe(String instance, Collection<Deployment> deployments, Collection<Service> services,
      Collection<ConfigMap> configMaps) {
    return observe(instance, deployments, services, configMaps, List.of());
  }

  /** @param jobs the instance's Jobs: a migration Job alone still makes its revision known, so prune finds it */
  public static Observed observe(String instance, Collection<Deployment> deployments, Collection<Service> services,
      Collection<ConfigMap> configMaps, Collection<Job> jobs) {
    Map<Integer, Group> groups = new TreeMap<>();
    for (Job job : jobs) {
      if (Labels.MIGRATE.equals(labelsOf(job).get(Labels.COMPONENT))) {
        revisionOf(job).ifPresent(n -> groups.computeIfAbsent(n, Group::new).migration = job);
      }
    }
    for (Deployment d : deployments) {
      boolean worker = Labels.WORKER.equals(labelsOf(d).get(Labels.COMPONENT));
      revisionOf(d).ifPresent(n -> {
        Group g = groups.computeIfAbsent(n, Group::new);
        if (worker) {
          g.worker = d;
        } else {
          g.deployment = d;
        }
      });
    }
    configMaps.stream().filter(c -> !Labels.LOCK.equals(labelsOf(c).get(Labels.COMPONENT)))
        .forEach(c -> revisionOf(c).ifPresent(n -> groups.computeIfAbsent(n, Group::new).configMap = c));
    Optional<Pointer> pointer = Optional.empty();
    for (Service s : services) {
      if (Names.pointer(instance).equals(s.getMetadata().getName())) {
        pointer = pointerOf(instance, s);
      } else {
        revisionOf(s).ifPresent(n -> groups.computeIfAbsent(n, Group::new).service = s);
      }
    }
    List<ObservedRevision> revisions = new ArrayList<>();
    groups.values().forEach(g -> revisions.add(g.toRevision()));
    return new Observed(List.copyOf(revisions), pointer);
  }

  private static Map<String, String> labelsOf(HasMetadata object) {
    return object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels();
  }

  /** Whether {@code object} is instance {@code instance}'s object of that component (by its labels). */
  static boolean isComponentOf(HasMetadata object, String instance, String component) {
    Map<String, String> labels = labelsOf(object);
    return component.equals(labels.get(Labels.COMPONENT)) && instance.equals(labels.get(Labels.INSTANCE));
  }

  static Optional<Integer> revisionOf(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    String value = labels == null ? null : labels.get(Labels.REVISION);
    return parsePositive(value);
  }

  private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("[0-9]{1,9}");

  private static Optional<Integer> parsePositive(String value) {
    if (value == null || !NUMBER.matcher(value).matches()) {
      return Optional.empty();
    }
    int n = Integer.parseInt(value);
    return n > 0 ? Optional.of(n) : Optional.empty();
  }

  /**
   * The pointer by the operator's own record (the last move in its history, written in the same request as the
   * selector); the selector itself only when there is no history. A selector that differs from what the operator
   * writes for that revision was edited by hand and is reported as not intact.
   */
  static Optional<Pointer> pointerOf(String instance, Service service) {
    Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
    Map<String, String> annotations = annotations(service);
    List<HistoryEntry> history = history(annotations.get(Labels.HISTORY));
    Optional<Integer> recorded = history.isEmpty() ? Optional.empty()
        : Optional.ofNullable(history.get(history.size() - 1).to).filter(n -> n > 0);
    Optional<Integer> revision = recorded.or(() -> parsePositive(selector == null ? null
        : selector.get(Labels.REVISION)));
    if (revision.isEmpty()) {
      return Optional.empty();
    }
    boolean intact = Labels.webSelector(instance, revision.get()).equals(selector);
    Integer previous = parsePositive(annotations.get(Labels.PREVIOUS_REVISION)).orElse(null);
    Instant switchedAt = parseInstant(annotations.get(Labels.SWITCHED_AT));
    return Optional.of(new Pointer(revision.get(), previous, switchedAt, history,
        annotations.get(Labels.ROLLBACK_HANDLED), annotations.get(Labels.ROLLBACK_REJECTED),
        service.getMetadata().getResourceVersion(), intact, annotations.get(Labels.PROMOTE_HANDLED),
        annotations.get(Labels.PROMOTE_REJECTED)));
  }

  private static List<HistoryEntry> history(String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    try {
      return List.copyOf(Serialization.jsonMapper().readValue(json, new TypeReference<List<HistoryEntry>>() {}));
    } catch (Exception e) {
      return List.of(); // a hand-edited, unreadable history is dropped rather than blocking the instance
    }
  }

  private static Instant parseInstant(String value) {
    try {
      return value == null ? null : Instant.parse(value);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Map<String, String> annotations(HasMetadata object) {
    Map<String, String> a = object.getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  private static final class Group {
    final int number;
    Deployment deployment;
    Deployment worker;
    Job migration;
    Service service;
    ConfigMap configMap;

    Group(int number) {
      this.number = number;
    }

    ObservedRevision toRevision() {
      HasMetadata anchor = deployment != null ? deployment : configMap != null ? configMap
          : service != null ? service : worker != null ? worker : migration;
      Map<String, String> a = annotations(anchor);
      int specReplicas = 0;
      int available = 0;
      int updated = 0;
      boolean rolledOut = false;
      boolean deadlineExceeded = false;
      Verdict verdict = null;
      String verdictReason = null;
      String retryHandled = null;
      Instant attemptStartedAt = null;
      if (deployment != null) {
        Integer replicas = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
        specReplicas = replicas == null ? 1 : replicas;
        DeploymentStatus st = deployment.getStatus();
        if (st != null) {
          available = nz(st.getAvailableReplicas());
          updated = nz(st.getUpdatedReplicas());
          Long generation = deployment.getMetadata().getGeneration();
          Long observedGeneration = st.getObservedGeneration();
          rolledOut = observedGeneration != null && (generation == null || observedGeneration >= generation);
          deadlineExceeded = st.getConditions() != null && st.getConditions().stream().anyMatch(ClusterObserver::deadline);
        }
        Map<String, String> da = annotations(deployment);
        verdict = Verdict.parse(da.get(Labels.VERDICT)).orElse(null);
        verdictReason = da.get(Labels.VERDICT_REASON);
        // a token handled while the revision had no Deployment (a retried build) is on its config snapshot: still
        // handled once the Deployment exists, or it would fire again when the revision is judged later
        retryHandled = da.getOrDefault(Labels.RETRY_HANDLED, configMap == null ? null
            : annotations(configMap).get(Labels.RETRY_HANDLED));
        attemptStartedAt = parseInstant(da.get(Labels.ATTEMPT_STARTED_AT));
      } else if (configMap != null) {
        // a revision whose image build failed has no Deployment: its verdict lives on the config snapshot
        Map<String, String> ca = annotations(configMap);
        verdict = Verdict.parse(ca.get(Labels.VERDICT)).orElse(null);
        verdictReason = ca.get(Labels.VERDICT_REASON);
        retryHandled = ca.get(Labels.RETRY_HANDLED);
      }
      String plugins = a.get(Labels.PLUGINS);
      Map<String, String> ca = configMap == null ? Map.of() : annotations(configMap);
      String schemaAfter = ca.get(Labels.SCHEMA_AFTER);
      ObservedRevision.Runtime runtime = new ObservedRevision.Runtime(ca.get(Labels.SCHEMA_BEFORE), schemaAfter,
          schemaAfter != null, worker != null, worker == null || worker.getSpec() == null
              || worker.getSpec().getReplicas() == null ? 0 : worker.getSpec().getReplicas(),
          deployment != null && startedByOperator(deployment), ca.get(Labels.BACKUP));
      return new ObservedRevision(number, a.get(Labels.FINGERPRINT), a.get(Labels.IMAGE), a.get(Labels.CKAN_VERSION),
          plugins == null || plugins.isBlank() ? List.of() : List.of(plugins.split(",")),
          parseInstant(anchor.getMetadata().getCreationTimestamp()), attemptStartedAt, deployment != null,
          service != null, configMap != null, specReplicas, available, updated, rolledOut, deadlineExceeded, verdict,
          verdictReason, retryHandled, runtime);
    }
  }

  /** Every container of the web pods' template runs the operator's start command. */
  private static boolean startedByOperator(Deployment deployment) {
    var template = deployment.getSpec() == null || deployment.getSpec().getTemplate() == null ? null
        : deployment.getSpec().getTemplate().getSpec();
    return template != null && template.getContainers() != null && !template.getContainers().isEmpty()
        && template.getContainers().stream().allMatch(c -> CkanStart.isOperatorStart(c.getCommand()));
  }

  private static boolean deadline(DeploymentCondition c) {
    return "Progressing".equals(c.getType()) && "False".equals(c.getStatus())
        && "ProgressDeadlineExceeded".equals(c.getReason());
  }

  private static int nz(Integer value) {
    return value == null ? 0 : value;
  }
}
