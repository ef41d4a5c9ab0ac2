package io.ckan.operator.model;

import io.ckan.operator.TestServices;
import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.health.HttpStatusShowProbe;
import io.ckan.operator.health.StatusShow;
import io.ckan.operator.health.StatusShowProbe;
import io.ckan.operator.plan.Pointer;
import io.ckan.operator.reconcile.Reconciliation;
import io.ckan.operator.reconcile.StatusReport;
import io.ckan.operator.contract.Labels;
import io.ckan.operator.resources.Owner;
import io.ckan.sim.Behaviour;
import io.ckan.sim.CkanBehaviour;
import io.ckan.sim.CkanJobs;
import io.ckan.sim.FakeCkan;
import io.ckan.sim.ImageBuilds;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One try of the model: an instance in a namespace of its own on the shared stepped cluster, a clock the model
 * advances, and what the model remembers to judge the operator by. Every {@link Act} is followed by one round (the
 * simulated cluster ticks at the new instant, then one {@link Reconciliation#run} whose status is written as the
 * framework would), and every round by the invariant checks. {@link #settle} ends a run: no more faults, rounds until
 * a steady state.
 */
final class World implements AutoCloseable {
  static final String NAME = Releases.INSTANCE;
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final Duration ROUND = Duration.ofSeconds(5);
  private static final Duration SETTLE_ROUND = Duration.ofSeconds(20);
  private static final int SETTLE_ROUNDS = 40;
  private static final int ROLLOUT_ROUNDS = 8;
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  private final ModelCluster mc = ModelCluster.get();
  private final KubernetesClient admin = mc.admin;
  final String namespace = "model-" + RUNS.incrementAndGet();
  private final MovableClock clock = new MovableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final String uid;
  private final StatusShowProbe probe = this::statusShow;

  private int replicas = 1;
  private final Map<Integer, Act.Fault> broken = new HashMap<>();
  private int tokens;
  private int crashAfterWrite;
  private boolean crashed;
  private int injectedFailures;
  private final List<String> journal = new ArrayList<>();
  private final Deque<String> trace = new ArrayDeque<>();
  private CkanInstanceStatus lastStatus;
  /** The instance and the pointer Service as the model last wrote or saw them (nobody else writes them). */
  private CkanInstance instance;
  private Service pointer;
  /** uid -> the model's instant of the round that created the object (see {@link ListView}). */
  private final Map<String, String> born = new HashMap<>();

  // what the model remembers
  private final Set<Integer> verified = new HashSet<>();
  private final Map<String, Integer> rollbacksActedOn = new HashMap<>();
  private final Set<String> rejectedRollbacks = new HashSet<>();
  private final Map<String, String> foreign = new LinkedHashMap<>();
  private final Set<String> buildJobs = new HashSet<>();
  private final Set<String> imagesRequested = new HashSet<>();
  private int retries;

  World() {
    installFaults(mc.scenario().clearRules());
    admin.secrets().inNamespace(namespace).resource(TestServices.secret(namespace)).create();
    CkanInstance ci = new CkanInstance();
    ci.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(namespace).build());
    ci.setSpec(Releases.spec(0, replicas));
    instance = admin.resource(ci).create();
    uid = instance.getMetadata().getUid();
    requested(0);
  }

  /** Performs the acts, a round after each with the invariants checked, then settles. */
  void run(List<Act> acts) {
    for (Act act : acts) {
      perform(act);
    }
    settle();
  }

  /** Reconciles that threw because of a crash or an API fault the model injected. */
  int injectedFailures() {
    return injectedFailures;
  }

  void perform(Act act) {
    note("== " + act);
    Duration dt = ROUND;
    if (act instanceof Act.Apply a) {
      editSpec(spec -> Releases.spec(a.release(), replicas));
      requested(a.release());
    } else if (act instanceof Act.Replicas r) {
      replicas = r.replicas();
      editSpec(spec -> {
        spec.replicas = r.replicas();
        return spec;
      });
    } else if (act instanceof Act.Break b) {
      int release = b.release() == Act.LIVE ? liveRelease() : b.release();
      if (release >= 0) {
        broken.put(release, b.fault());
      }
    } else if (act instanceof Act.Repair r) {
      broken.remove(r.release());
    } else if (act instanceof Act.Rollback r) {
      annotate(Labels.ROLLBACK_TO, r.to() + "#r" + ++tokens);
    } else if (act instanceof Act.Retry) {
      retries++;
      annotate(Labels.RETRY, "t" + ++tokens);
    } else if (act instanceof Act.CrashAfterWrite c) {
      crashAfterWrite = c.write();
    } else if (act instanceof Act.ApiFault f) {
      mc.faults.arm(f.request(), f.code());
    } else if (act instanceof Act.EditPointer e) {
      if (pointer != null) {
        pointer = admin.services().inNamespace(namespace).withName(NAME).patch(MERGE, json(Map.of("spec",
            Map.of("selector", Map.of(Labels.REVISION, Integer.toString(e.revision()))))));
      }
    } else if (act instanceof Act.ScaleByHand s) {
      ownWeb(s.revision()).ifPresent(d -> admin.apps().deployments().inNamespace(namespace)
          .withName(d.getMetadata().getName()).patch(MERGE, json(Map.of("spec", Map.of("replicas", s.replicas())))));
    } else if (act instanceof Act.DeleteByHand d) {
      ownWeb(d.revision()).ifPresent(w -> admin.resource(w).delete());
    } else if (act instanceof Act.StripAnnotations s) {
      Map<String, Object> meta = new HashMap<>();
      meta.put("annotations", null);
      ownWeb(s.revision()).ifPresent(d -> admin.apps().deployments().inNamespace(namespace)
          .withName(d.getMetadata().getName()).patch(MERGE, json(Map.of("metadata", meta))));
    } else if (act instanceof Act.Squat q) {
      squat(q.kind(), q.revision());
    } else if (act instanceof Act.Wait w) {
      dt = Duration.ofSeconds(w.seconds());
    } else if (act instanceof Act.Rollout) {
      for (int i = 1; i < ROLLOUT_ROUNDS; i++) {
        List<String> before = history(pointer);
        round(dt);
        if (!history(pointer).equals(before) || conditionTrue("Stalled")) {
          return;
        }
      }
    }
    round(dt);
  }

  /** The release the pointer's revision runs, or -1. */
  private int liveRelease() {
    Integer live = selectedRevision(pointer);
    Deployment d = live == null ? null : ownWeb(live).orElse(null);
    return d == null ? -1 : templateRelease(d);
  }

  /** After the last act: no more faults; within a bounded number of rounds Ready or Stalled, and quiet. */
  void settle() {
    note("== settle");
    boolean steady = false;
    for (int i = 0; i < SETTLE_ROUNDS && !steady; i++) {
      round(SETTLE_ROUND);
      steady = journal.isEmpty() && (conditionTrue("Ready") || conditionTrue("Stalled"));
    }
    if (!steady) {
      violated("reaches a steady state", "after " + SETTLE_ROUNDS + " rounds of " + SETTLE_ROUND.toSeconds()
          + " s without faults neither Ready nor Stalled is True with no writes; conditions: " + conditions()
          + "; writes of the last round: " + journal);
    }
  }

  // ---- one round: tick, reconcile, write status, check -----------------------------------------------------

  private void round(Duration dt) {
    clock.advance(dt);
    Map<Integer, Deployment> webBefore = ownWeb(mc.sim().step(namespace, clock.instant()));
    CkanInstance cr = instance;
    Service pointerBefore = pointer;
    String request = annotations(cr).get(Labels.ROLLBACK_TO);
    Integer failingInBake = failingInBakeWindow(cr, pointerBefore, webBefore);
    journal.clear();
    crashed = false;
    try {
      Reconciliation.Outcome outcome = new Reconciliation(clock, probe, this::journal).run(cr,
          new ListView(mc.operator, cr, born, clock.instant()), mc.operator);
      writeStatus(cr, outcome.status());
    } catch (RuntimeException e) {
      boolean injected = crashed || mc.faults.fired();
      note("reconcile threw" + (injected ? " (injected)" : "") + ": " + e);
      if (injected) {
        injectedFailures++;
      } else {
        violated("keeps reconciling", "Reconciliation.run threw without an injected fault: " + e);
      }
      writeStatus(cr, StatusReport.failed(cr.getStatus(), generation(cr), String.valueOf(e.getMessage()),
          clock.instant()));
    } finally {
      crashAfterWrite = 0;
    }
    boolean faultFired = mc.faults.disarm();
    boolean injected = crashed || faultFired;
    Namespace now = check(webBefore, history(pointerBefore), request);
    pointer = now.find(now.services, NAME);
    if (failingInBake != null && !injected && failingInBake.equals(selectedRevision(pointer))) {
      violated("a failure in the bake window is reverted", "revision " + failingInBake + " has no available "
          + "replicas inside its bake window, the previous revision is warm and ready, and the pointer stays");
    }
  }

  private void journal(String line) {
    journal.add(line);
    note("  " + line.substring(line.indexOf(':') + 2));
    if (crashAfterWrite > 0 && journal.size() == crashAfterWrite) {
      crashed = true;
      throw new IllegalStateException("simulated crash after write " + crashAfterWrite);
    }
  }

  private void writeStatus(CkanInstance cr, CkanInstanceStatus status) {
    lastStatus = status;
    if (StatusReport.differs(cr.getStatus(), status)) {
      cr.setStatus(status);
      instance = admin.resource(cr).updateStatus();
    }
  }

  /** status_show as the simulated CKAN answers it now (from the recordings), read like the HTTP probe reads it. */
  private StatusShow statusShow(String namespace, String service) {
    FakeCkan.Answer answer = mc.sim().statusShow(namespace, service);
    return answer.status() == 200 ? HttpStatusShowProbe.parse(answer.body())
        : StatusShow.failed(StatusShow.Outcome.HTTP_ERROR, service + " answered HTTP " + answer.status());
  }

  /**
   * The live revision inside its bake window whose replicas all failed while the previous one is warm and ready
   * (what the design reverts at once), or null.
   */
  private Integer failingInBakeWindow(CkanInstance cr, Service pointer, Map<Integer, Deployment> web) {
    Integer live = selectedRevision(pointer);
    Map<String, String> a = pointer == null ? Map.of() : annotations(pointer);
    String switched = a.get(Labels.SWITCHED_AT);
    String previous = a.get(Labels.PREVIOUS_REVISION);
    if (live == null || switched == null || previous == null || !previous.matches("[0-9]{1,9}")
        || !clock.instant().isBefore(Instant.parse(switched).plusSeconds(Releases.BAKE_SECONDS))) {
      return null;
    }
    Deployment current = web.get(live);
    Deployment before = web.get(Integer.valueOf(previous));
    if (current == null || before == null || annotations(current).get(Labels.VERDICT) != null
        || (annotations(before).get(Labels.VERDICT) != null
            && !"Stable".equals(annotations(before).get(Labels.VERDICT)))) {
      return null;
    }
    boolean failing = cr.getSpec().replicas > 0 && replicas(current) > 0 && rolledOut(current)
        && available(current) == 0;
    boolean warm = replicas(before) > 0 && rolledOut(before) && available(before) >= replicas(before)
        && before.getStatus().getUpdatedReplicas() != null
        && before.getStatus().getUpdatedReplicas() >= replicas(before);
    return failing && warm ? live : null;
  }

  private static int replicas(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  private static boolean rolledOut(Deployment d) {
    return d.getStatus() != null && d.getStatus().getObservedGeneration() != null
        && d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration();
  }

  // ---- the invariants ------------------------------------------------------------------------------------

  private Namespace check(Map<Integer, Deployment> webBefore, List<String> historyBefore, String request) {
    Namespace now = new Namespace(admin, namespace);
    now.all().forEach(o -> born.putIfAbsent(o.getMetadata().getUid(), clock.instant().toString()));
    foreignObjectsUntouched(now);
    everyObjectOwned(now);
    noPartialRevisions(now);
    pointerOnlyOnVerified(now, webBefore, historyBefore, request);
    buildsAtMostImages(now);
    if (request != null && lastStatus != null && lastStatus.conditions.stream().anyMatch(c -> "RolledBack"
        .equals(c.getType()) && "RollbackRejected".equals(c.getReason()) && c.getMessage().contains("'" + request
        + "'"))) {
      rejectedRollbacks.add(request);
    }
    return now;
  }

  private void pointerOnlyOnVerified(Namespace now, Map<Integer, Deployment> webBefore, List<String> historyBefore,
      String request) {
    Service pointer = now.find(now.services, NAME);
    List<String> history = history(pointer);
    List<String> added = appended(historyBefore, history);
    if (added == null) {
      violated("history is append-only", "the pointer's history was " + historyBefore + " and is now " + history);
    }
    for (String json : added) {
      HistoryEntry entry = Serialization.unmarshal(json, HistoryEntry.class);
      Deployment target = webBefore.get(entry.to);
      if (target == null || available(target) == 0) {
        violated("pointer only on verified revisions", "the pointer moved to revision " + entry.to + " (" + entry.type
            + ") while it had no available replicas");
      } else if (mc.scenario().ckanBehaviourFor(target) != CkanBehaviour.normal()) {
        violated("pointer only on verified revisions", "the pointer moved to revision " + entry.to + " ("
            + entry.type + ") while its status_show showed the wrong plugins");
      }
      verified.add(entry.to);
      if ("Rollback".equals(entry.type)) {
        if (request == null) {
          violated("rollback at most once per request", "a Rollback entry without a request: " + json);
        }
        if (rejectedRollbacks.contains(request)) {
          violated("rollback at most once per request", "request '" + request + "' was rejected, and then acted on");
        }
        if (rollbacksActedOn.merge(request, 1, Integer::sum) > 1) {
          violated("rollback at most once per request", "request '" + request + "' was acted on twice");
        }
      }
    }
    Integer selected = selectedRevision(pointer);
    if (selected != null && !verified.contains(selected)) {
      violated("pointer only on verified revisions", "the pointer selects revision " + selected + ", which the "
          + "operator never moved it to after verifying it (verified: " + new java.util.TreeSet<>(verified) + ")");
    }
  }

  private void foreignObjectsUntouched(Namespace now) {
    foreign.forEach((key, before) -> {
      String[] kindName = key.split("/");
      HasMetadata object = now.find(now.byKind(kindName[0]), kindName[1]);
      if (!before.equals(fingerprint(object))) {
        violated("no foreign object touched", key + " belongs to someone else and was changed: was " + before
            + ", now " + fingerprint(object));
      }
    });
  }

  private void everyObjectOwned(Namespace now) {
    now.all().filter(o -> Labels.OPERATOR.equals(labels(o).get(Labels.MANAGED_BY)))
        .filter(o -> !foreign.containsKey(o.getKind() + "/" + o.getMetadata().getName()))
        .filter(o -> !Owner.owns(uid, o))
        .forEach(o -> violated("no orphans", o.getKind() + " " + o.getMetadata().getName()
            + " is labelled managed-by=ckan-operator but has no owner reference to the instance"));
  }

  /**
   * A revision whose ConfigMap name is held by a foreign object is left to the foreign-object and steady-state
   * invariants: that is a name conflict, not a prune leftover.
   */
  private void noPartialRevisions(Namespace now) {
    Set<Integer> configMaps = revisions(now.configMaps.stream(), null);
    foreign.keySet().stream().filter(k -> k.startsWith("ConfigMap/" + NAME + "-r"))
        .forEach(k -> configMaps.add(Integer.valueOf(k.substring(("ConfigMap/" + NAME + "-r").length()))));
    for (int n : revisions(now.deployments.stream(), Labels.WORKER)) {
      if (!configMaps.contains(n)) {
        violated("no partial revisions", "the worker Deployment of revision " + n + " is left without its revision "
            + "(no ConfigMap of the instance: pruned, or the name is held by another object)");
      }
    }
    for (int n : revisions(now.jobs.stream(), Labels.MIGRATE)) {
      if (!configMaps.contains(n)) {
        violated("no partial revisions", "the migration Job of revision " + n + " is left without its revision "
            + "(no ConfigMap of the instance: pruned, or the name is held by another object)");
      }
    }
  }

  private void buildsAtMostImages(Namespace now) {
    now.jobs.stream().filter(j -> Labels.BUILD.equals(labels(j).get(Labels.COMPONENT)))
        .forEach(j -> buildJobs.add(j.getMetadata().getUid()));
    if (buildJobs.size() > imagesRequested.size() + retries) {
      violated("builds <= distinct images", buildJobs.size() + " build Jobs for " + imagesRequested.size()
          + " distinct images and " + retries + " retry requests");
    }
  }

  /** The new history is the old one plus entries (the oldest dropped beyond the bound); null if it is not. */
  static List<String> appended(List<String> before, List<String> after) {
    for (int drop = 0; drop <= before.size(); drop++) {
      List<String> kept = before.subList(drop, before.size());
      boolean bounded = drop == 0 || after.size() == Pointer.HISTORY_LIMIT;
      if (bounded && after.size() >= kept.size() && after.subList(0, kept.size()).equals(kept)) {
        return after.subList(kept.size(), after.size());
      }
    }
    return null;
  }

  /** For exploring past a known finding: -Dmodel.ignore=<regex> lets violations whose message matches pass. */
  private static final java.util.regex.Pattern IGNORE = System.getProperty("model.ignore", "").isEmpty() ? null
      : java.util.regex.Pattern.compile(System.getProperty("model.ignore"));

  private void violated(String invariant, String detail) {
    if (IGNORE != null && IGNORE.matcher(invariant + ": " + detail).find()) {
      note("(ignored) " + invariant + ": " + detail);
      return;
    }
    throw new AssertionError("invariant '" + invariant + "' violated in " + namespace + ": " + detail
        + "\n--- last steps, newest last:\n" + String.join("\n", trace));
  }

  // ---- the scenario: which release is broken how ---------------------------------------------------------

  private void installFaults(Scenario scenario) {
    scenario.when(d -> fault(templateRelease(d)) == Act.Fault.NEVER_AVAILABLE, Behaviour.crashLoop());
    scenario.when(d -> fault(templateRelease(d)) == Act.Fault.CRASHES,
        Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(20)));
    scenario.ckanWhen(d -> fault(templateRelease(d)) == Act.Fault.WRONG_PLUGINS,
        CkanBehaviour.missingPlugins("datatables_view"));
    scenario.whenJob(j -> Labels.MIGRATE.equals(labels(j).get(Labels.COMPONENT))
            && fault(Releases.byFingerprint(annotations(j).get(Labels.FINGERPRINT))) == Act.Fault.MIGRATION_FAILS,
        CkanJobs.migrationFails(Duration.ofSeconds(1), "relation \"package\" does not exist"));
    scenario.whenJob(j -> Labels.BUILD.equals(labels(j).get(Labels.COMPONENT))
            && fault(Releases.byImage(annotations(j).get(Labels.IMAGE_FINGERPRINT))) == Act.Fault.BUILD_FAILS,
        ImageBuilds.failsWithConflict(Duration.ofSeconds(1)));
  }

  private Act.Fault fault(int release) {
    return broken.get(release);
  }

  /** The release a Deployment's pods run (their template's fingerprint: a hand edit of the metadata keeps it). */
  private static int templateRelease(Deployment d) {
    Map<String, String> a = d.getSpec() == null || d.getSpec().getTemplate().getMetadata() == null ? null
        : d.getSpec().getTemplate().getMetadata().getAnnotations();
    return a == null ? -1 : Releases.byFingerprint(a.get(Labels.FINGERPRINT));
  }

  // ---- objects someone else owns, under names the operator derives ---------------------------------------

  /** Someone else's object named like revision {@code revision}'s (unless the instance has one by then). */
  private void squat(String kind, int revision) {
    String name = NAME + "-r" + revision;
    HasMetadata object = switch (kind) {
      case "ConfigMap" -> new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace)
          .withLabels(Map.of("app", "reports")).endMetadata().withData(Map.of("owner", "the reports team")).build();
      // the pointer Service of another instance, named portal-rN
      case "Service" -> new ServiceBuilder().withMetadata(new ObjectMetaBuilder().withName(name)
              .withNamespace(namespace).withLabels(Labels.instance(name, Labels.POINTER))
              .addNewOwnerReference().withApiVersion("ckan.io/v1alpha1").withKind("CkanInstance").withName(name)
              .withUid(java.util.UUID.nameUUIDFromBytes(name.getBytes()).toString()).withController(true)
              .endOwnerReference().build())
          .withNewSpec().withSelector(Labels.webSelector(name, 1)).addNewPort().withPort(80).endPort().endSpec()
          .build();
      default -> new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(namespace)
          .withLabels(Map.of("app", "legacy-portal")).endMetadata()
          .withNewSpec().withReplicas(1).withNewSelector().withMatchLabels(Map.of("app", "legacy-portal"))
          .endSelector().withNewTemplate().withNewMetadata().withLabels(Map.of("app", "legacy-portal")).endMetadata()
          .withNewSpec().addNewContainer().withName("web").withImage("nginx:1.27").endContainer().endSpec()
          .endTemplate().endSpec().build();
    };
    try {
      HasMetadata created = admin.resource(object).create();
      foreign.put(created.getKind() + "/" + name, fingerprint(created));
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      note("  (the instance holds " + kind + " " + name + " already)");
    }
  }

  /** What must not change on a foreign object: its resourceVersion and everything but status. */
  private static String fingerprint(HasMetadata object) {
    if (object == null) {
      return "(deleted)";
    }
    Map<String, Object> json = Serialization.unmarshal(Serialization.asJson(object), Map.class);
    json.remove("status");
    return Serialization.asJson(json);
  }

  // ---- reading and editing ---------------------------------------------------------------------------------

  /** The instance's web Deployments among {@code deployments}, by revision. */
  private Map<Integer, Deployment> ownWeb(List<Deployment> deployments) {
    Map<Integer, Deployment> web = new TreeMap<>();
    deployments.stream().filter(d -> Owner.owns(uid, d) && Labels.WEB.equals(labels(d).get(Labels.COMPONENT)))
        .forEach(d -> revision(d).ifPresent(n -> web.put(n, d)));
    return web;
  }

  private java.util.Optional<Deployment> ownWeb(int revision) {
    return java.util.Optional.ofNullable(ownWeb(admin.apps().deployments().inNamespace(namespace).list().getItems())
        .get(revision));
  }

  private void editSpec(java.util.function.UnaryOperator<io.ckan.operator.api.CkanInstanceSpec> change) {
    instance = admin.resources(CkanInstance.class).inNamespace(namespace).withName(NAME).edit(ci -> {
      ci.setSpec(change.apply(ci.getSpec()));
      return ci;
    });
  }

  private void annotate(String key, String value) {
    instance = admin.resources(CkanInstance.class).inNamespace(namespace).withName(NAME).edit(ci -> {
      Map<String, String> a = new HashMap<>(annotations(ci));
      a.put(key, value);
      ci.getMetadata().setAnnotations(a);
      return ci;
    });
  }

  private void requested(int release) {
    String image = Releases.builtImage(release);
    if (image != null) {
      imagesRequested.add(image);
    }
  }

  private boolean conditionTrue(String type) {
    return lastStatus != null && lastStatus.conditions.stream().anyMatch(c -> type.equals(c.getType())
        && "True".equals(c.getStatus()) && c.getReason() != null && !c.getReason().isBlank());
  }

  private String conditions() {
    return lastStatus == null ? "none" : lastStatus.conditions.stream()
        .map(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason() + " (" + c.getMessage() + ")").toList()
        .toString();
  }

  private void note(String line) {
    trace.addLast(line);
    while (trace.size() > 80) {
      trace.removeFirst();
    }
  }

  private static List<String> history(Service pointer) {
    String json = pointer == null ? null : annotations(pointer).get(Labels.HISTORY);
    if (json == null || json.isBlank()) {
      return List.of();
    }
    List<?> entries = Serialization.unmarshal(json, List.class);
    return entries.stream().map(Serialization::asJson).toList();
  }

  private static Integer selectedRevision(Service pointer) {
    Map<String, String> selector = pointer == null ? null : pointer.getSpec().getSelector();
    String value = selector == null ? null : selector.get(Labels.REVISION);
    return value == null || !value.matches("[0-9]{1,9}") ? null : Integer.valueOf(value);
  }

  private static int available(Deployment d) {
    return d.getStatus() == null || d.getStatus().getAvailableReplicas() == null ? 0
        : d.getStatus().getAvailableReplicas();
  }

  private Set<Integer> revisions(Stream<? extends HasMetadata> objects, String component) {
    Set<Integer> result = new HashSet<>();
    objects.filter(o -> Owner.owns(uid, o))
        .filter(o -> component == null || component.equals(labels(o).get(Labels.COMPONENT)))
        .forEach(o -> revision(o).ifPresent(result::add));
    return result;
  }

  private static java.util.Optional<Integer> revision(HasMetadata o) {
    String value = labels(o).get(Labels.REVISION);
    return value == null ? java.util.Optional.empty() : java.util.Optional.of(Integer.valueOf(value));
  }

  private static Map<String, String> labels(HasMetadata o) {
    return o.getMetadata().getLabels() == null ? Map.of() : o.getMetadata().getLabels();
  }

  private static Map<String, String> annotations(HasMetadata o) {
    return o.getMetadata().getAnnotations() == null ? Map.of() : o.getMetadata().getAnnotations();
  }

  private static long generation(CkanInstance cr) {
    return cr.getMetadata().getGeneration() == null ? 0 : cr.getMetadata().getGeneration();
  }

  /** A JSON merge patch; null values are kept (they delete keys). */
  static String json(Map<String, ?> patch) {
    try {
      return PATCHES.writeValueAsString(patch);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper PATCHES =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** Deletes what the try left, so the shared server's lists stay short. */
  @Override
  public void close() {
    admin.apps().deployments().inNamespace(namespace).delete();
    admin.services().inNamespace(namespace).delete();
    admin.configMaps().inNamespace(namespace).delete();
    admin.batch().v1().jobs().inNamespace(namespace).delete();
    admin.pods().inNamespace(namespace).delete();
    admin.secrets().inNamespace(namespace).delete();
    admin.v1().events().inNamespace(namespace).delete();
    admin.resources(CkanInstance.class).inNamespace(namespace).delete();
    mc.sim().step(namespace, clock.instant());
    mc.faults.disarm();
    mc.cluster.discardRecordedRequests();
  }

  /** Everything in the namespace after a round, read once for all checks. */
  private static final class Namespace {
    final List<Deployment> deployments;
    final List<Service> services;
    final List<ConfigMap> configMaps;
    final List<Job> jobs;

    Namespace(KubernetesClient client, String ns) {
      deployments = client.apps().deployments().inNamespace(ns).list().getItems();
      services = client.services().inNamespace(ns).list().getItems();
      configMaps = client.configMaps().inNamespace(ns).list().getItems();
      jobs = client.batch().v1().jobs().inNamespace(ns).list().getItems();
    }

    List<? extends HasMetadata> byKind(String kind) {
      return switch (kind) {
        case "Deployment" -> deployments;
        case "Service" -> services;
        case "ConfigMap" -> configMaps;
        default -> throw new IllegalArgumentException(kind);
      };
    }

    <T extends HasMetadata> T find(List<T> objects, String name) {
      return objects.stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst().orElse(null);
    }

    /** Secrets are left out: the generated ones carry no owner reference on purpose (GeneratedSecrets). */
    Stream<HasMetadata> all() {
      return Stream.of(deployments, services, configMaps, jobs).flatMap(List::stream);
    }
  }

  /** The operator's and the simulation's clock: time passes only when the model says. */
  static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
