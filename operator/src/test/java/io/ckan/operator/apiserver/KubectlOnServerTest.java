package io.ckan.operator.apiserver;

import io.ckan.sim.apiserver.ControlPlane;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.conformance.CkanKit;
import io.ckan.operator.conformance.Exec;
import io.ckan.operator.it.OperatorHarness;
import io.ckan.sim.Scenario;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pinned kubectl drives an instance on the real API server, as the README tells a person to: apply
 * examples/minimal.yaml, wait for Ready, read the printer columns, roll back by annotation, describe (Events).
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class KubectlOnServerTest extends ApiServerTier {
  private static final Duration KUBECTL = Duration.ofSeconds(150);

  @Test
  void applyWaitGetAnnotateDescribe() {
    try (OperatorHarness h = OperatorHarness.onServer(Scenario.create().timeScale(0.05), admin,
        server.client(ControlPlane.User.CONTROLLERS), () -> server.config(ControlPlane.User.OPERATOR))) {
      String example = CkanKit.repoRoot().resolve("examples/minimal.yaml").toString();
      assertEquals("ckaninstance.ckan.io/portal created", ok("apply", "-f", example).strip());
      ok("wait", "--for=condition=Ready", "ckan/portal", "--timeout=120s");
      // Ready can drop for a moment right after it first turns True: the verdict annotation moves the Deployment's
      // generation, and the revision counts as rolled out again once the Deployment controller has observed it
      awaitRow(Map.of("NAME", "portal", "VERSION", "2.11.5", "READY", "True", "CURRENT", "1", "DESIRED", "1"));

      // the example bakes a new revision for 300 s before it is Ready: this upgrade bakes for 1 s
      ok("patch", "ckan", "portal", "--type=merge", "-p",
          "{\"spec\":{\"version\":\"2.11.6\",\"rollout\":{\"bakeSeconds\":1}}}");
      ok("wait", "--for=jsonpath={.status.currentRevision}=2", "ckan/portal", "--timeout=120s");
      ok("wait", "--for=condition=Ready", "ckan/portal", "--timeout=120s");

      assertEquals("ckaninstance.ckan.io/portal annotated",
          ok("annotate", "ckan", "portal", "ckan.io/rollback-to=1").strip());
      ok("wait", "--for=condition=RolledBack", "ckan/portal", "--timeout=120s");
      awaitRow(Map.of("NAME", "portal", "VERSION", "2.11.6", "READY", "False", "CURRENT", "1", "DESIRED", "2"));

      String describe = ok("describe", "ckan", "portal");
      String events = describe.substring(describe.indexOf("\nEvents:"));
      assertTrue(events.matches("(?s).*Normal\\s+PointerDeploy\\s+.*ckan-operator\\s+pointer moved to revision 1.*"),
          events);
      assertTrue(events.matches("(?s).*Warning\\s+PointerRollback\\s+.*pointer moved from revision 2 to revision 1.*"),
          events);

      // the kubectl plugin (in process) through the admin's kubeconfig, on the real server
      String status = plugin(0, "status", "portal");
      assertTrue(status.contains("Pointer:  revision 1, the spec's is revision 2"), status);
      assertTrue(status.matches("(?s).*Recent events\\n.*Warning\\s+PointerRollback\\s+pointer moved from revision 2 to "
          + "revision 1.*"), status);
      assertTrue(plugin(0, "history", "portal").matches("(?s).*\\n3\\s+\\S+\\s+\\S+\\s+Rollback\\s+2\\s+1\\s.*"));
      assertTrue(plugin(1, "diff", "portal", "1", "2").matches("(?s).*\\nversion\\s+2\\.11\\.5\\s+2\\.11\\.6\\n.*"));
      plugin(0, "pause", "portal");
      assertEquals("true", ok("get", "ckan", "portal", "-o", "jsonpath={.metadata.annotations.ckan\\.io/paused}"));
      plugin(0, "resume", "portal");
      assertEquals("", ok("get", "ckan", "portal", "-o", "jsonpath={.metadata.annotations.ckan\\.io/paused}"));
    }
  }

  /** {@code kubectl ckan ARGS} as the admin; asserts its exit code and returns what it printed. */
  private String plugin(int exitCode, String... args) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream print = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
    String[] argv = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of(
        "--kubeconfig", server.kubeconfig(ControlPlane.User.ADMIN).toString(), "-n", OperatorHarness.NS))
        .toArray(String[]::new);
    int code = io.ckan.operator.cli.kubectl.KubectlCkan.execute(argv, print, print, java.time.Clock.systemUTC());
    String shown = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(exitCode, code, "kubectl ckan " + String.join(" ", args) + "\n" + shown);
    return shown;
  }

  private String ok(String... args) {
    Exec.Result r = ApiServerTier.kubectl(server, ControlPlane.User.ADMIN, KUBECTL, args);
    if (r.exitCode() != 0) {
      String state = ApiServerTier.kubectl(server, ControlPlane.User.ADMIN, KUBECTL, "get", "ckan,deploy,svc,job,pvc,secret",
          "-o", "wide").output() + ApiServerTier.kubectl(server, ControlPlane.User.ADMIN, KUBECTL, "get", "ckan", "-o", "yaml")
          .output();
      assertEquals(0, r.exitCode(), "kubectl " + String.join(" ", args) + "\n" + r.output() + "\n" + state);
    }
    return r.output();
  }

  /** `kubectl get ckan portal` shows these columns (and AGE) within a few seconds. */
  private void awaitRow(Map<String, String> expected) {
    Map<String, String>[] row = new Map[1];
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> {
          row[0] = table(ok("get", "ckan", "portal"));
          return expected.equals(without(row[0], "AGE"));
        });
    assertEquals(List.of("NAME", "AGE", "VERSION", "READY", "CURRENT", "DESIRED"), List.copyOf(row[0].keySet()));
  }

  /** A one-row `kubectl get` table as column -> value. */
  static Map<String, String> table(String output) {
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    assertEquals(2, lines.size(), output);
    String[] header = lines.get(0).trim().split("\\s+");
    String[] values = lines.get(1).trim().split("\\s+");
    assertEquals(header.length, values.length, output);
    Map<String, String> row = new java.util.LinkedHashMap<>();
    for (int i = 0; i < header.length; i++) {
      row.put(header[i], values[i]);
    }
    return row;
  }

  private static Map<String, String> without(Map<String, String> row, String column) {
    Map<String, String> copy = new HashMap<>(row);
    assertTrue(copy.remove(column) != null, "no " + column + " column: " + row);
    return copy;
  }
}
