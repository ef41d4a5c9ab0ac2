package io.ckan.operator.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ckan.operator.cli.kubectl.ExitCodes;
import io.ckan.operator.cli.kubectl.KubectlCkan;
import io.ckan.operator.contract.Labels;
import io.ckan.sim.RequestLog;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl ckan} against the simulated cluster's API, through a kubeconfig file as kubectl would use it: what it
 * shows after real rollouts, the requests it sends (annotations by merge patch on the instance, never its status),
 * and its exit codes.
 */
class KubectlPluginIntegrationTest extends IntegrationTest {
  @TempDir
  Path dir;
  private Path kubeconfig;
  private final RequestLog requests = new RequestLog();

  /** What one run of the plugin printed and returned. */
  record Run(int code, String out, String err) {}

  private Run ckan(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] argv = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--kubeconfig", kubeconfig.toString())).toArray(String[]::new);
    int code = KubectlCkan.execute(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Clock.systemUTC(),
        b -> b.withHttpClientBuilderConsumer(c -> c.addOrReplaceInterceptor("log", requests)));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Two contexts on the mock API: "sim" defaults to the test namespace, the current one to another namespace. */
  private void writeKubeconfig() throws IOException {
    kubeconfig = dir.resolve("config");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: sim
          cluster:
            server: %s
        users:
        - name: tester
          user:
            token: not-checked-by-the-mock
        contexts:
        - name: sim
          context: {cluster: sim, user: tester, namespace: %s}
        - name: elsewhere
          context: {cluster: sim, user: tester, namespace: nobody-here}
        current-context: elsewhere
        """.formatted(h.cluster.apiUrl(), OperatorHarness.NS));
  }

  private List<String> writes(long since) {
    return requests.since(since).stream().filter(RequestLog.Request::isWrite).map(Object::toString).toList();
  }

  private String annotation(String key) {
    Map<String, String> a = h.cr("portal").get().getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  @Test
  void showsARealRolloutAndWritesRequestsAsKubectlAnnotateWould() throws Exception {
    h = new OperatorHarness(ImageBuildIntegrationTest.scenario());
    writeKubeconfig();
    h.apply(OperatorHarness.instance("portal", ImageBuildIntegrationTest.spec("2.11.4")));
    h.awaitReady("portal", 1, T);
    h.edit("portal", s -> {
      s.version = "2.11.5";
      s.config = Map.of("ckan.site_url", "https://new.example.org");
    });
    h.awaitReady("portal", 2, T);
    h.watchUntil(T, () -> { }, x -> x.revisions("portal").get(1).getSpec().getReplicas() == 0);
    // the status reports the scale-down as progress (within StatusWrites.PROGRESS_INTERVAL)
    h.watchUntil(T, () -> { }, x -> x.cr("portal").get().getStatus().revisions.stream()
        .anyMatch(r -> r.number == 1 && r.replicas != null && r.replicas == 0 && r.availableReplicas != null
            && r.availableReplicas == 0));

    // status: the current context's namespace has no such instance; --context and -n find it
    assertEquals(ExitCodes.NOT_FOUND, ckan("status", "portal").code());
    assertTrue(ckan("status", "portal").err().contains("not found in namespace \"nobody-here\""), ckan("status", "portal").err());
    Run status = ckan("status", "portal", "--context", "sim");
    assertEquals(ExitCodes.OK, status.code(), status.err());
    assertTrue(ckan("status", "portal", "-n", OperatorHarness.NS).out().contains("Pointer:  revision 2 (the spec's)"));
    for (String line : List.of("Pointer:  revision 2 (the spec's)", "Ready:    True (Stable)", "Paused:   no",
        "Next:     nothing: revision 2 is current, verified and available", "Revisions\nCURRENT   REVISION   STATE")) {
      assertTrue(status.out().contains(line), line + " in\n" + status.out());
    }
    assertTrue(status.out().matches("(?s).*\\n\\*\\s+2\\s+Stable\\s+2/2\\s+2\\.11\\.5\\s+registry\\.example\\.org/ckan/portal"
        + "@sha256:[0-9a-f]{12}\\s.*"), status.out());
    assertTrue(status.out().matches("(?s).*\\n\\s+1\\s+Superseded\\s+0/0\\s+2\\.11\\.4\\s.*"), status.out());
    assertTrue(status.out().matches("(?s).*Recent events\\n.*Normal\\s+PointerDeploy\\s+pointer moved from revision 1 "
        + "to revision 2.*"), status.out());
    JsonNode json = Serialization.jsonMapper().readTree(ckan("status", "portal", "-n", OperatorHarness.NS, "-o",
        "json").out());
    assertEquals(2, json.get("currentRevision").asInt());
    assertEquals("Stable", json.get("revisions").get(0).get("state").asText());

    // history: the pointer's two moves
    Run history = ckan("history", "portal", "-n", OperatorHarness.NS);
    assertTrue(history.out().matches("(?s)MOVE\\s+TIME\\s+AGE\\s+TYPE\\s+FROM\\s+TO\\s+REASON\\n"
        + "1\\s+\\S+\\s+\\S+\\s+Deploy\\s+-\\s+1\\s+revision 1 verified.*\\n"
        + "2\\s+\\S+\\s+\\S+\\s+Deploy\\s+1\\s+2\\s+revision 2 verified.*\\n"), history.out());

    // diff: version, image and config from the two config snapshots; exit 1 when they differ, 0 when not
    Run diff = ckan("diff", "portal", "1", "2", "-n", OperatorHarness.NS);
    assertEquals(ExitCodes.DIFFERENT, diff.code(), diff.err());
    assertTrue(diff.out().matches("(?s)FIELD\\s+REVISION 1\\s+REVISION 2\\nversion\\s+2\\.11\\.4\\s+2\\.11\\.5\\n"
        + "image\\s+\\S+@sha256:\\S+\\s+\\S+@sha256:\\S+\\n"
        + "commit harvest\\s+[0-9a-f]{40}\\s+[0-9a-f]{40}\\n" // the commit each build resolved v1.6.2 to
        + "config CKAN_SITE_URL\\s+https://data\\.example\\.org\\s+https://new\\.example\\.org\\n"
        // the locked sets: the simulated freeze is the same but for the commit harvest's ref resolved to
        + "package ckanext-harvest\\s+@ git\\+\\S+@[0-9a-f]{40}\\s+@ git\\+\\S+@[0-9a-f]{40}\\n"), diff.out());
    io.fabric8.kubernetes.api.model.ConfigMap lock = h.client.configMaps().inNamespace(OperatorHarness.NS)
        .withName("portal-r2-lock").get();
    assertTrue(lock.getImmutable(), "a revision's locked set never changes");
    assertTrue(lock.getData().get("requirements.lock").contains("simulated"), "marked as simulated");
    assertTrue(lock.getData().get("requirements.lock").contains("Werkzeug=="), "transitive dependencies too");
    assertEquals("CkanInstance", lock.getMetadata().getOwnerReferences().get(0).getKind());
    assertFalse(diff.out().contains("extension"), "both revisions install the same extensions");
    assertEquals("{\"dcat\":\"pip ckanext-dcat==2.4.4\",\"harvest\":\"git https://github.com/ckan/ckanext-harvest@v1.6.2"
        + " -r pip-requirements.txt\"}", h.client.configMaps().inNamespace(OperatorHarness.NS).withName("portal-r2").get()
        .getMetadata().getAnnotations().get(Labels.EXTENSIONS), "what diff compares is on record");
    assertEquals(ExitCodes.OK, ckan("diff", "portal", "2", "2", "-n", OperatorHarness.NS).code());
    assertEquals(ExitCodes.NOT_FOUND, ckan("diff", "portal", "1", "9", "-n", OperatorHarness.NS).code());
    JsonNode diffJson = Serialization.jsonMapper().readTree(ckan("diff", "portal", "1", "2", "-n",
        OperatorHarness.NS, "-o", "json").out());
    assertEquals("2.11.5", diffJson.get("changes").get(0).get("to").asText());

    // nothing read so far wrote anything
    long start = System.nanoTime();
    assertEquals(List.of(), writes(0));

    // rollback: one merge patch of the instance's annotations, never its status; then the operator acts
    assertEquals(ExitCodes.REFUSED, ckan("rollback", "portal", "--to", "9", "-n", OperatorHarness.NS).code());
    assertEquals(List.of(), writes(start), "a refused rollback writes nothing");
    Run rollback = ckan("rollback", "portal", "--to", "1", "-n", OperatorHarness.NS);
    assertEquals(ExitCodes.OK, rollback.code(), rollback.err());
    assertEquals(List.of("PATCH /apis/ckan.io/v1alpha1/namespaces/" + OperatorHarness.NS + "/ckaninstances/portal"),
        writes(start));
    assertEquals("1", annotation(Labels.ROLLBACK_TO));
    h.watchUntil(T, () -> { }, x -> Integer.valueOf(1).equals(x.pointer("portal"))
        && "1".equals(x.cr("portal").get().getStatus().lastHandledRollback));
    // the same revision again: a new value, or the operator would never act on it
    assertEquals(ExitCodes.OK, ckan("rollback", "portal", "--to", "1", "-n", OperatorHarness.NS).code());
    assertTrue(annotation(Labels.ROLLBACK_TO).matches("1#\\d+"), annotation(Labels.ROLLBACK_TO));
    Run after = ckan("history", "portal", "-n", OperatorHarness.NS);
    assertTrue(after.out().matches("(?s).*\\n3\\s+\\S+\\s+\\S+\\s+Rollback\\s+2\\s+1\\s+.*"), after.out());

    // retry, pause, resume: annotations only
    assertEquals(ExitCodes.OK, ckan("retry", "portal", "-n", OperatorHarness.NS).code());
    assertTrue(annotation(Labels.RETRY).matches("\\d{8}T\\d{6}\\.\\d{3}Z"), annotation(Labels.RETRY));
    assertEquals(ExitCodes.OK, ckan("pause", "portal", "-n", OperatorHarness.NS).code());
    assertEquals("true", annotation(Labels.PAUSED));
    h.watchUntil(T, () -> { }, x -> "Paused".equals(x.condition("portal", "Ready").getReason()));
    assertTrue(ckan("status", "portal", "-n", OperatorHarness.NS).out().contains("Paused:   yes"));
    assertEquals(ExitCodes.OK, ckan("resume", "portal", "-n", OperatorHarness.NS).code());
    assertEquals(null, annotation(Labels.PAUSED));
    h.edit("portal", s -> s.paused = true);
    Run refused = ckan("resume", "portal", "-n", OperatorHarness.NS);
    assertEquals(ExitCodes.REFUSED, refused.code());
    assertTrue(refused.err().contains("spec.paused: true"), refused.err());
    assertTrue(writes(start).stream().allMatch(w -> w.equals("PATCH /apis/ckan.io/v1alpha1/namespaces/"
        + OperatorHarness.NS + "/ckaninstances/portal")), "only the instance, never /status: " + writes(start));
    assertEquals(5, writes(start).size(), "rollback twice, retry, pause, resume: " + writes(start));
  }

  @Test
  void promoteAnnotatesTheRevisionAwaitingPromotionAndRefusesAnyOtherBeforeWriting() throws Exception {
    h = new OperatorHarness(RevisionRolloutIntegrationTest.fast());
    writeKubeconfig();
    h.apply(OperatorHarness.instance("portal", PromotionIntegrationTest.manualWithPreviews("2.11.4")));
    h.awaitReady("portal", 1, T);
    long start = System.nanoTime();
    Run nothingWaits = ckan("promote", "portal", "-n", OperatorHarness.NS);
    assertEquals(ExitCodes.REFUSED, nothingWaits.code());
    assertTrue(nothingWaits.err().contains("no revision of portal awaits promotion"), nothingWaits.err());

    h.edit("portal", s -> s.version = "2.11.5");
    h.watchUntil(T, () -> { }, x -> "AwaitingPromotion".equals(x.condition("portal", "Ready").getReason()));
    Run status = ckan("status", "portal", "-n", OperatorHarness.NS);
    assertTrue(status.out().contains("Next:     you (AwaitingPromotion): revision 2 is verified"), status.out());
    Run wrong = ckan("promote", "portal", "3", "-n", OperatorHarness.NS);
    assertEquals(ExitCodes.REFUSED, wrong.code());
    assertTrue(wrong.err().contains("revision 3 of portal does not await promotion (revision 2 does)"), wrong.err());
    assertEquals(ExitCodes.USAGE, ckan("promote", "portal", "two", "-n", OperatorHarness.NS).code());
    assertEquals(ExitCodes.NOT_FOUND, ckan("promote", "nobody", "-n", OperatorHarness.NS).code());
    assertEquals(List.of(), writes(start), "refusals and usage errors write nothing");

    Run promote = ckan("promote", "portal", "-n", OperatorHarness.NS);
    assertEquals(ExitCodes.OK, promote.code(), promote.err());
    assertTrue(promote.out().contains("annotated: ckan.io/promote=2"), promote.out());
    assertEquals(List.of("PATCH /apis/ckan.io/v1alpha1/namespaces/" + OperatorHarness.NS + "/ckaninstances/portal"),
        writes(start), "one merge patch of the instance's annotations");
    assertEquals("2", annotation(Labels.PROMOTE));
    h.awaitReady("portal", 2, T);
    assertEquals("2", h.cr("portal").get().getStatus().lastHandledPromotion);
  }

  @Test
  void watchShowsTheStatusAgainWhenItChangesAndUsageErrorsWriteNothing() throws Exception {
    h = new OperatorHarness(RevisionRolloutIntegrationTest.fast());
    writeKubeconfig();
    h.apply(OperatorHarness.instance("portal", RevisionRolloutIntegrationTest.spec("2.11.5", 1)));
    h.awaitReady("portal", 1, T);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    Thread watch = new Thread(() -> KubectlCkan.execute(new String[] {"status", "portal", "--watch", "--interval",
        "0.1", "-n", OperatorHarness.NS, "--kubeconfig", kubeconfig.toString()}, print, print, Clock.systemUTC()));
    watch.start();
    try {
      Awaitility.await().atMost(T).until(() -> screens(out) == 1);
      h.edit("portal", s -> s.replicas = 2);
      Awaitility.await().atMost(T).until(() -> out.toString(StandardCharsets.UTF_8)
          .contains("Pointer:  revision 1 (the spec's)") && screens(out) >= 2
          && out.toString(StandardCharsets.UTF_8).matches("(?s).*\\*\\s+1\\s+\\S+\\s+2/2.*"));
    } finally {
      watch.interrupt();
      watch.join(10_000);
    }
    assertFalse(watch.isAlive(), "--watch ends when interrupted (Ctrl-C)");

    long start = System.nanoTime();
    assertEquals(ExitCodes.USAGE, ckan("rollback", "portal", "--to", "two", "-n", OperatorHarness.NS).code());
    assertEquals(ExitCodes.USAGE, ckan("status", "portal", "-o", "xml").code());
    assertEquals(ExitCodes.USAGE, ckan("history", "portal", "--to", "1").code());
    assertEquals(ExitCodes.USAGE, ckan("diff", "portal", "1").code());
    assertEquals(ExitCodes.USAGE, ckan("frobnicate", "portal").code());
    assertEquals(ExitCodes.USAGE, ckan("status", "portal", "-w", "--interval", "soon").code());
    assertEquals(List.of(), requests.since(start), "a usage error sends nothing");

    // an API server that does not answer: exit 5 at once (no retries with backoff), saying so
    Files.writeString(kubeconfig, Files.readString(kubeconfig).replace(h.cluster.apiUrl(), "http://127.0.0.1:1/"));
    long before = System.nanoTime();
    Run unreachable = ckan("status", "portal", "--context", "sim");
    assertEquals(ExitCodes.API_ERROR, unreachable.code(), unreachable.err());
    assertTrue(unreachable.err().startsWith("Error: cannot reach the API server at http://127.0.0.1:1/"),
        unreachable.err());
    assertTrue(System.nanoTime() - before < java.time.Duration.ofSeconds(10).toNanos(), "failed fast");
  }

  private static long screens(ByteArrayOutputStream out) {
    return out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("== ")).count();
  }
}
