package io.ckan.operator.apiserver;

import io.ckan.operator.api.CkanInstance;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.CkanInstanceStatus;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.it.OperatorHarness;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.Behaviour;
import io.ckan.sim.Scenario;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * One story told to any {@link OperatorHarness} (the mock or a real API server), observed as a transcript that does
 * not depend on timing: a first rollout, an upgrade, a rollback by annotation, then an upgrade whose revision fails in
 * its bake window and is reverted automatically. After each step the transcript records, once the cluster is quiet,
 * the pointer, the status (revisions, conditions, history) and the operator's objects with their replicas.
 */
final class RolloutStory {
  static final String NAME = "portal";
  private static final Duration STEP = Duration.ofSeconds(90);
  private static final Duration QUIET = Duration.ofMillis(1500);

  private RolloutStory() {}

  /** The scenario both servers run: revision 3 loses its replicas 30 simulated seconds after it starts. */
  static Scenario scenario() {
    Scenario scenario = Scenario.create().timeScale(0.05);
    scenario.whenRevision(NAME, 3, Behaviour.becomesUnhealthyAfter(Duration.ofSeconds(30)));
    return scenario;
  }

  static CkanInstanceSpec spec(String version) {
    CkanInstanceSpec spec = new CkanInstanceSpec();
    spec.version = version;
    spec.plugins = new ArrayList<>(List.of("activity", "datatables_view"));
    spec.config = Map.of("ckan.site_url", "https://data.example.org");
    spec.services = io.ckan.operator.TestServices.external();
    spec.replicas = 2;
    spec.rollout = new RolloutSpec();
    spec.rollout.bakeSeconds = 1;
    spec.rollout.revisionHistoryLimit = 5;
    return spec;
  }

  /**
   * Tells the story; {@code duringUpgrade} runs (on this thread) right after the upgrade is applied, before the
   * upgrade is awaited, e.g. to provoke conflicts.
   */
  static List<String> tell(OperatorHarness h, Runnable duringUpgrade) {
    List<String> transcript = new ArrayList<>();
    h.apply(OperatorHarness.instance(NAME, spec("2.11.4")));
    step(h, transcript, "first rollout", x -> x.pointerIs(1) && x.ready() && x.replicas(1) == 2);

    h.edit(NAME, s -> s.version = "2.11.5");
    duringUpgrade.run();
    step(h, transcript, "upgrade", x -> x.pointerIs(2) && x.ready() && x.replicas(1) == 0);

    h.annotate(NAME, Labels.ROLLBACK_TO, "1");
    step(h, transcript, "rollback by annotation", x -> x.pointerIs(1) && x.conditionIs("RolledBack", "True")
        && x.replicas(2) == 0);

    h.edit(NAME, s -> {
      s.version = "2.11.6";
      s.rollout.bakeSeconds = 60;
    });
    step(h, transcript, "automatic revert", x -> x.pointerIs(1) && "RolledBack".equals(x.state(3))
        && x.conditionIs("RolledBack", "True") && x.replicas(3) == 0);
    return transcript;
  }

  private static void step(OperatorHarness h, List<String> transcript, String title, Predicate<View> done) {
    Awaitility.await(title).atMost(STEP).pollInterval(Duration.ofMillis(100))
        .until(() -> done.test(new View(h)));
    // quiet: the same observation twice, QUIET apart (scale-downs and status writes after the step have landed)
    String[] last = {observe(h)};
    Awaitility.await(title + " settles").atMost(STEP).pollDelay(QUIET).pollInterval(QUIET).until(() -> {
      String now = observe(h);
      boolean same = now.equals(last[0]);
      last[0] = now;
      return same;
    });
    transcript.add("== " + title + "\n" + last[0]);
  }

  /** What a person would compare: pointer, status, objects (names, revision, replicas); no times, uids or messages. */
  static String observe(OperatorHarness h) {
    CkanInstance ci = h.cr(NAME).get();
    CkanInstanceStatus s = ci.getStatus();
    StringBuilder out = new StringBuilder();
    out.append("pointer ").append(h.pointer(NAME)).append(", status current ").append(s.currentRevision)
        .append(" desired ").append(s.desiredRevision).append(", observedGeneration == generation: ")
        .append(Objects.equals(s.observedGeneration, ci.getMetadata().getGeneration())).append('\n');
    s.revisions.stream().sorted(Comparator.comparing(r -> r.number)).forEach(r -> out.append("revision ")
        .append(r.number).append(' ').append(r.state).append(r.reason == null ? "" : " (" + r.reason + ")")
        .append('\n'));
    s.conditions.stream().sorted(Comparator.comparing(c -> c.getType())).forEach(c -> out.append("condition ")
        .append(c.getType()).append('=').append(c.getStatus()).append(" ").append(c.getReason()).append('\n'));
    s.history.forEach(e -> out.append("history ").append(e.type).append(' ').append(e.from).append(" -> ")
        .append(e.to).append(' ').append(e.reason).append('\n'));
    out.append("deployments ").append(names(h.client.apps().deployments().inNamespace(OperatorHarness.NS)
        .withLabel(Labels.INSTANCE, NAME).list().getItems(), d -> d.getMetadata().getName() + "="
        + d.getSpec().getReplicas())).append('\n');
    out.append("services ").append(names(h.client.services().inNamespace(OperatorHarness.NS)
        .withLabel(Labels.INSTANCE, NAME).list().getItems(), d -> d.getMetadata().getName())).append('\n');
    out.append("configmaps ").append(names(h.client.configMaps().inNamespace(OperatorHarness.NS)
        .withLabel(Labels.INSTANCE, NAME).list().getItems(), d -> d.getMetadata().getName())).append('\n');
    out.append("jobs ").append(names(h.client.batch().v1().jobs().inNamespace(OperatorHarness.NS)
        .withLabel(Labels.INSTANCE, NAME).list().getItems(), d -> d.getMetadata().getName())).append('\n');
    return out.toString();
  }

  private static <T extends HasMetadata> String names(List<T> items, java.util.function.Function<T, String> show) {
    return items.stream().map(show).sorted().collect(Collectors.joining(" "));
  }

  /** Reads for the step predicates. */
  private record View(OperatorHarness h) {
    boolean pointerIs(int revision) {
      return Integer.valueOf(revision).equals(h.pointer(NAME));
    }

    boolean ready() {
      return h.conditionIs(NAME, "Ready", "True");
    }

    boolean conditionIs(String type, String status) {
      return h.conditionIs(NAME, type, status);
    }

    int replicas(int revision) {
      Map<Integer, Deployment> revisions = new TreeMap<>(h.revisions(NAME));
      Deployment d = revisions.get(revision);
      return d == null ? -1 : d.getSpec().getReplicas();
    }

    String state(int revision) {
      CkanInstanceStatus s = h.cr(NAME).get().getStatus();
      return s == null || s.revisions == null ? null : s.revisions.stream().filter(r -> r.number == revision)
          .map(r -> r.state).findFirst().orElse(null);
    }
  }
}
