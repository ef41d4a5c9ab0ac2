package io.ckan.demo;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.HistoryEntry;
import io.ckan.operator.api.RevisionStatus;
import io.ckan.operator.health.HttpStatusShowProbe;
import io.ckan.operator.reconcile.OperatorRunner;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.Behaviour;
import io.ckan.sim.CkanJobs;
import io.ckan.sim.JobBehaviour;
import io.ckan.sim.Scenario;
import io.ckan.sim.SimulatedCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The demo: the real operator, the YAML from examples/, and an API server with the simulated cluster's controllers:
 * by default the in-process fabric8 mock (no cluster needed); with {@code --apiserver} a real kube-apiserver on
 * loopback built by {@code scripts/build-apiserver.sh}, which a person can watch and drive with kubectl meanwhile.
 * Prints a timeline; exits 0 when every step converged, 1 with the reason otherwise, 64 on a wrong option.
 */
public final class Demo {
  static final String NAME = "portal";
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
  static final String USAGE = "usage: java -jar demo/target/ckan-operator-demo.jar [--apiserver [--hold]]\n"
      + "  --apiserver  run on a real kube-apiserver + etcd on loopback (bash scripts/build-apiserver.sh builds them)\n"
      + "               and print the kubectl commands to watch and drive it from a second terminal\n"
      + "  --hold       with --apiserver: keep the server running after the last step until Enter or Ctrl-C";

  private final Timeline timeline;
  private final Options options;
  private final InputStream stdin;
  private KubernetesClient client;
  private Scenario scenario;

  /** The command line: which API server, and whether to keep it after the last step. */
  record Options(boolean apiserver, boolean hold) {
    static final Options DEFAULT = new Options(false, false);

    static Options parse(String... args) {
      boolean apiserver = false;
      boolean hold = false;
      for (String arg : args) {
        switch (arg) {
          case "--apiserver" -> apiserver = true;
          case "--hold" -> hold = true;
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      if (hold && !apiserver) {
        throw new IllegalArgumentException("--hold needs --apiserver");
      }
      return new Options(apiserver, hold);
    }
  }

  Demo(PrintStream out) {
    this(out, Options.DEFAULT, InputStream.nullInputStream());
  }

  Demo(PrintStream out, Options options, InputStream stdin) {
    this.timeline = new Timeline(out);
    this.options = options;
    this.stdin = stdin;
  }

  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", "error");
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + USAGE);
      System.exit(64);
      return;
    }
    int code = new Demo(System.out, options, System.in).run();
    System.exit(code);
  }

  int run() {
    scenario = Scenario.create().timeScale(0.05).defaultJobBehaviour(CkanJobs.succeed(Duration.ofSeconds(30)));
    try (DemoCluster cluster = options.apiserver()
        ? ApiServerDemoCluster.start(scenario, false) : new MockDemoCluster(scenario)) {
      timeline.raw("ckan-operator demo: the real operator against " + cluster.describe());
      timeline.raw("(simulated time runs 20x faster; bakeSeconds is shortened to 2 s for the demo; every revision runs "
          + "its ckan db upgrade Job before its web pods exist)");
      if (cluster instanceof ApiServerDemoCluster real) {
        timeline.raw("\n" + real.playground());
      }
      cluster.onEvent(line -> timeline.line("cluster", line.replaceFirst("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ", "")));
      try (InputStream crd = resource("META-INF/fabric8/ckaninstances.ckan.io-v1.yml")) {
        cluster.applyCrds(crd);
      }
      client = cluster.client();
      try (KubernetesClient operatorClient = new KubernetesClientBuilder().withConfig(cluster.operatorConfig()).build();
           OperatorRunner ignored = OperatorRunner.start(operatorClient, Set.of(), Clock.systemUTC(),
               new HttpStatusShowProbe(cluster::serviceUrl, Duration.ofSeconds(2)),
               line -> timeline.line("operator", line))) {
        scenarioSteps();
        printFinalState();
        timeline.raw("  image builds: " + builds() + " (none for the scale, the fix, the revert or the rollback)");
        timeline.raw("\nDEMO OK: every step converged.");
        if (options.hold()) {
          timeline.raw("The operator and the API server keep running (kubectl commands above); press Enter or Ctrl-C "
              + "to stop them.");
          stdin.read();
        }
      }
      return 0;
    } catch (DemoFailure e) {
      timeline.raw("\nDEMO FAILED: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      timeline.raw("\nDEMO FAILED: " + e);
      return 1;
    }
  }

  private void scenarioSteps() throws Exception {
    timeline.step("1. kubectl apply -f examples/minimal.yaml, with spec.version 2.11.4  (a patch behind 2.11's "
        + "latest, 2 replicas)");
    CkanInstance minimal = example("examples/minimal.yaml");
    minimal.getSpec().version = "2.11.4";
    client.resource(minimal).create();
    awaitState("revision 1 live and Ready", s -> ready(s, 1));
    printCondition("PatchCurrent");

    timeline.step("2. kubectl apply -f examples/pinned-extensions.yaml  (2.11.5, the latest patch; adds dcat, scheming, harvest: the operator "
        + "builds the release image)");
    applyExample("examples/pinned-extensions.yaml");
    awaitState("revision 2 live and Ready", s -> ready(s, 2));
    printCondition("PatchCurrent");
    awaitState("revision 1 scaled down after the bake window",
        s -> s.revisions.stream().anyMatch(r -> r.number == 1 && "Superseded".equals(r.state) && r.replicas == 0));

    timeline.step("3. kubectl patch ckan portal --type merge -p '{\"spec\":{\"replicas\":3}}'  (scale in place)");
    edit(ci -> ci.getSpec().replicas = 3);
    awaitState("revision 2 serving 3 replicas, no revision 3", s -> ready(s, 2) && s.revisions.size() == 2
        && s.revisions.stream().anyMatch(r -> r.number == 2 && r.availableReplicas == 3));

    timeline.step("4. bad input: an unpinned extension (pip ckanext-dcat>=2.4) is rejected, revision 2 keeps serving");
    try {
      edit(ci -> ci.getSpec().extensions.get(0).pip = "ckanext-dcat>=2.4");
      // the mock enforces no CRD schema: the operator's own validator refuses the spec
      awaitState("Stalled=True InvalidSpec while Available=True", s -> is(s, "Stalled", "True", "InvalidSpec")
          && is(s, "Available", "True", null) && Integer.valueOf(2).equals(s.currentRevision));
      timeline.line("status", "Stalled: " + condition(status(), "Stalled").getMessage());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 422 || e.getStatus() == null || e.getStatus().getDetails() == null) {
        throw e;
      }
      // a real API server enforces the CRD's schema: the edit never gets stored
      e.getStatus().getDetails().getCauses().forEach(c -> timeline.line("apiserver", "refused (422 Invalid): "
          + c.getField() + ": " + c.getMessage().replaceFirst(" in body should match.*", " (not pinned with ==)")));
      awaitState("nothing stored, revision 2 still Ready", s -> ready(s, 2));
    }

    timeline.step("5. fix it: kubectl apply -f examples/pinned-extensions.yaml again (revision 2's release, 2 replicas)");
    CkanInstance applied = applyExample("examples/pinned-extensions.yaml");
    awaitState("back to Ready on revision 2 without a new revision",
        s -> ready(s, 2) && s.revisions.size() == 2 && s.observedGeneration.equals(applied.getMetadata().getGeneration()));

    timeline.line("check", "image builds so far: " + builds() + " (one per distinct image)");

    timeline.step("6. spec.image.prebuilt: CI ships image " + shortDigest(3) + ", built without ckanext-dcat: the "
        + "operator's start command refuses to serve (\"Plugin 'dcat' not found\"), its pods never get ready");
    scenario.imageLacksPlugins(image(3), "dcat", "structured_data");
    edit(ci -> prebuilt(ci, image(3)));
    awaitState("revision 3 Failed before the switch; the pointer stays on revision 2",
        s -> state(s, 3, "Failed") && Integer.valueOf(2).equals(s.currentRevision) && is(s, "Available", "True", null));
    timeline.line("status", "Stalled: " + condition(status(), "Stalled").getMessage());

    timeline.step("7. spec.image.prebuilt: CI ships image " + shortDigest(4) + ": it verifies, goes live, then crashes inside the bake window");
    scenario.whenRevision(NAME, 4, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(20)));
    edit(ci -> prebuilt(ci, image(4)));
    awaitState("automatic revert: pointer back on revision 2, revision 4 RolledBack",
        s -> state(s, 4, "RolledBack") && Integer.valueOf(2).equals(pointer()) && is(s, "RolledBack", "True", null)
            && is(s, "Available", "True", null) && is(s, "Stalled", "True", null));

    timeline.step("8. kubectl annotate ckan portal ckan.io/rollback-to=1 --overwrite  (manual rollback)");
    edit(ci -> {
      java.util.Map<String, String> annotations = new java.util.HashMap<>();
      if (ci.getMetadata().getAnnotations() != null) {
        annotations.putAll(ci.getMetadata().getAnnotations());
      }
      annotations.put(Labels.ROLLBACK_TO, "1");
      ci.getMetadata().setAnnotations(annotations);
    });
    awaitState("revision 1 brought back up, verified, and the pointer moved to it",
        s -> Integer.valueOf(1).equals(s.currentRevision) && Integer.valueOf(1).equals(pointer())
            && is(s, "Available", "True", null));
    awaitState("the rollback on record: revision 1 serving, nothing left to do",
        s -> Integer.valueOf(1).equals(s.currentRevision) && (state(s, 1, "Live") || state(s, 1, "Stable"))
            && is(s, "Reconciling", "False", null));
    kubectlCkan("status", NAME);
    kubectlCkan("history", NAME);

    timeline.step("9. spec.image.prebuilt: image " + shortDigest(5) + " whose migration changes the database schema, "
        + "then crashes in the bake window");
    scenario.whenJob("portal-r5-migrate", JobBehaviour.succeed(Duration.ofSeconds(20),
        "{\"before\":\"" + CkanJobs.STABLE_HEAD + "\",\"after\":\"" + NEW_SCHEMA + "\"}"));
    scenario.whenRevision(NAME, 5, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(20)));
    edit(ci -> prebuilt(ci, image(5)));
    awaitState("the automatic revert to revision 1 is refused: RollbackBlockedBySchema, pointer stays on 5",
        s -> is(s, "Stalled", "True", "RollbackBlockedBySchema") && Integer.valueOf(5).equals(pointer()));
    timeline.line("status", "Stalled: " + condition(status(), "Stalled").getMessage());

    timeline.step("10. roll forward: spec.image.prebuilt " + shortDigest(6) + " (the fix); its migration is a no-op");
    scenario.whenJob("portal-r6-migrate", JobBehaviour.succeed(Duration.ofSeconds(20),
        "{\"before\":\"" + NEW_SCHEMA + "\",\"after\":\"" + NEW_SCHEMA + "\"}"));
    edit(ci -> prebuilt(ci, image(6)));
    awaitState("revision 6 live and Ready", s -> ready(s, 6));

    timeline.step("11. a dependency outage: image " + shortDigest(7) + " goes live (bakeSeconds 15), then Solr goes "
        + "down inside its bake window; revision 6 uses the same Solr, so a revert would not help");
    edit(ci -> {
      prebuilt(ci, image(7));
      ci.getSpec().rollout.bakeSeconds = 15;
    });
    awaitState("revision 7 live, baking", s -> Integer.valueOf(7).equals(pointer()) && state(s, 7, "Live"));
    scenario.solrDown(true);
    awaitState("DependencyUnavailable: the pointer stays on revision 7, no revert",
        s -> is(s, "Stalled", "True", "DependencyUnavailable") && Integer.valueOf(7).equals(pointer()));
    timeline.line("status", "Stalled: " + condition(status(), "Stalled").getMessage());
    scenario.solrDown(false);
    awaitState("Solr back: revision 7 bakes out and is Ready, never reverted", s -> ready(s, 7));

    timeline.step("12. preview and manual promotion: spec.ingress.previewHost r{revision}.preview.example.org, "
        + "spec.rollout.promotion manual, and CI ships image " + shortDigest(8));
    scenario.whenJob("portal-r8-migrate", JobBehaviour.succeed(Duration.ofSeconds(20),
        "{\"before\":\"" + NEW_SCHEMA + "\",\"after\":\"" + NEW_SCHEMA + "\"}"));
    edit(ci -> {
      ci.getSpec().ingress = new io.ckan.operator.api.IngressSpec();
      ci.getSpec().ingress.host = "data.example.org";
      ci.getSpec().ingress.previewHost = "r{revision}.preview.example.org";
      ci.getSpec().rollout.promotion = io.ckan.operator.api.RolloutSpec.Promotion.manual;
      prebuilt(ci, image(8));
    });
    awaitState("revision 8 verified and waiting (Ready=False, AwaitingPromotion); the pointer stays on revision 7",
        s -> is(s, "Ready", "False", "AwaitingPromotion") && Integer.valueOf(7).equals(pointer()));
    var preview = client.network().v1().ingresses().inNamespace(SimulatedCluster.NAMESPACE).withName("portal-r8")
        .get();
    timeline.line("check", "preview: http://" + preview.getSpec().getRules().get(0).getHost() + "/ -> Service "
        + preview.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().getName()
        + " (Ingress portal-r8; production stays on Ingress portal -> the pointer)");
    timeline.line("status", "Ready: " + condition(status(), "Ready").getMessage());
    kubectlCkan("promote", NAME);
    awaitState("promoted once: revision 8 live and Ready", s -> ready(s, 8));
  }

  /** What {@code kubectl ckan ...} prints at this point (the plugin's code, through the demo's client). */
  private void kubectlCkan(String... args) {
    java.io.ByteArrayOutputStream shown = new java.io.ByteArrayOutputStream();
    java.io.PrintStream print = new java.io.PrintStream(shown, true, java.nio.charset.StandardCharsets.UTF_8);
    int code = io.ckan.operator.cli.kubectl.KubectlCkan.execute(args, client, SimulatedCluster.NAMESPACE, print,
        print, Clock.systemUTC());
    timeline.raw("\n$ kubectl ckan " + String.join(" ", args) + (code == 0 ? "" : "   (exit " + code + ")"));
    shown.toString(java.nio.charset.StandardCharsets.UTF_8).lines().forEach(l -> timeline.raw("  " + l));
  }

  /** The schema head the demo's revision 5 migrates the database to. */
  static final String NEW_SCHEMA = "9c1e5a7b3d2f";

  private static void prebuilt(CkanInstance ci, String image) {
    if (ci.getSpec().image == null) {
      ci.getSpec().image = new io.ckan.operator.api.ImageSpec();
    }
    ci.getSpec().image.prebuilt = image;
  }

  private int builds() {
    return client.batch().v1().jobs().inNamespace(SimulatedCluster.NAMESPACE)
        .withLabel(Labels.COMPONENT, Labels.BUILD).list().getItems().size();
  }

  /** A release image "built by CI" for demo revision n: the same repository, a new digest. */
  private static String image(int n) {
    return "registry.example.org/ckan/portal@" + JobBehaviour.fakeDigest("portal-demo-" + n);
  }

  private static String shortDigest(int n) {
    return "@" + JobBehaviour.fakeDigest("portal-demo-" + n).substring(0, 19) + "…";
  }

  private static boolean state(CkanInstanceStatus s, int revision, String state) {
    return s.revisions.stream().anyMatch(r -> r.number == revision && state.equals(r.state));
  }

  private CkanInstance applyExample(String path) throws Exception {
    CkanInstance desired = example(path);
    return edit(ci -> ci.setSpec(desired.getSpec()));
  }

  private CkanInstance edit(java.util.function.Consumer<CkanInstance> change) {
    return Kubectl.edit(client, NAME, change);
  }

  /** Reads an example; the demo shortens the bake window so the timeline stays short. */
  private CkanInstance example(String path) throws Exception {
    try (InputStream in = resource(path)) {
      CkanInstance ci = Serialization.unmarshal(in, CkanInstance.class);
      ci.getMetadata().setNamespace(SimulatedCluster.NAMESPACE);
      if (ci.getSpec().rollout == null) {
        ci.getSpec().rollout = new io.ckan.operator.api.RolloutSpec();
      }
      ci.getSpec().rollout.bakeSeconds = 2;
      return ci;
    }
  }

  private static InputStream resource(String path) {
    InputStream in = Demo.class.getClassLoader().getResourceAsStream(path);
    if (in == null) {
      throw new DemoFailure("missing resource " + path + " (build with mvn package first)");
    }
    return in;
  }

  private CkanInstanceStatus status() {
    CkanInstance ci = client.resources(CkanInstance.class).inNamespace(SimulatedCluster.NAMESPACE).withName(NAME).get();
    return ci == null ? null : ci.getStatus();
  }

  private void awaitState(String what, Predicate<CkanInstanceStatus> done) throws InterruptedException {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      CkanInstanceStatus s = status();
      if (s != null && s.conditions != null && done.test(s)) {
        timeline.line("check", "OK: " + what + " (pointer -> revision " + pointer() + ")");
        return;
      }
      Thread.sleep(50);
    }
    CkanInstanceStatus s = status();
    throw new DemoFailure("the operator did not converge within " + STEP_TIMEOUT.toSeconds() + "s: expected " + what
        + "; status is " + (s == null ? "empty" : Serialization.asJson(s)));
  }

  private Integer pointer() {
    return Kubectl.pointer(client, NAME);
  }

  private boolean ready(CkanInstanceStatus s, int revision) {
    return Integer.valueOf(revision).equals(s.currentRevision) && Integer.valueOf(revision).equals(s.desiredRevision)
        && is(s, "Ready", "True", null) && Integer.valueOf(revision).equals(pointer());
  }

  private static boolean is(CkanInstanceStatus s, String type, String status, String reason) {
    Condition c = condition(s, type);
    return c != null && status.equals(c.getStatus()) && (reason == null || reason.equals(c.getReason()));
  }

  /** Patch currency: the condition as {@code kubectl get ckan portal -o yaml} shows it (it never blocks a rollout). */
  private void printCondition(String type) {
    Condition c = condition(status(), type);
    timeline.line("status", type + "=" + c.getStatus() + " (" + c.getReason() + "): " + c.getMessage());
  }

  private static Condition condition(CkanInstanceStatus s, String type) {
    return s.conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  private void printFinalState() {
    CkanInstanceStatus s = status();
    timeline.raw("\nFinal state of ckan/" + NAME + ":");
    timeline.raw("  pointer Service '" + NAME + "' selects revision " + pointer()
        + "   (status.currentRevision=" + s.currentRevision + ", desiredRevision=" + s.desiredRevision + ")");
    timeline.raw("  revisions:");
    for (RevisionStatus r : s.revisions) {
      timeline.raw(String.format("    r%-3d %-11s %-20s replicas %d/%d  version %s  image %s", r.number, r.state,
          "(" + r.reason + ")", r.availableReplicas, r.replicas, r.version, r.image));
    }
    timeline.raw("  conditions:");
    for (Condition c : s.conditions) {
      timeline.raw(String.format("    %-12s %-6s %-16s %s", c.getType(), c.getStatus(), c.getReason(), c.getMessage()));
    }
    timeline.raw("  history:");
    for (HistoryEntry h : s.history) {
      timeline.raw("    " + h.time + "  " + h.type + "  " + (h.from == null ? "-" : "r" + h.from) + " -> r" + h.to
          + "  (" + h.reason + ")");
    }
  }

  static final class DemoFailure extends RuntimeException {
    DemoFailure(String message) {
      super(message);
    }
  }
}
