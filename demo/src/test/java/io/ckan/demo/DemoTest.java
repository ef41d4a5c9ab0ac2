package io.ckan.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.sim.apiserver.KubeBinaries;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's demo command: it must converge and print the promised timeline, on the mock and on a real server. */
class DemoTest {
  @Test
  void demoConvergesAndPrintsTheTimeline() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code = new Demo(new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
    String out = buffer.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    assertTimeline(out);
  }

  /**
   * {@code --apiserver --hold}: the same story on a real kube-apiserver; while the demo holds, the kubectl commands it
   * printed work against it (the person in a second terminal), and Enter stops everything.
   */
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void demoOnARealApiServerPrintsAPlaygroundThatKubectlCanUse() throws Exception {
    Assumptions.assumeTrue(KubeBinaries.find().isPresent(),
        () -> "demo --apiserver skipped: " + KubeBinaries.missingReason());
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PipedOutputStream enter = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(enter);
    Demo demo = new Demo(new PrintStream(buffer, true, StandardCharsets.UTF_8), Demo.Options.parse("--apiserver",
        "--hold"), stdin);
    CompletableFuture<Integer> run = CompletableFuture.supplyAsync(demo::run);
    Awaitility.await("the demo holds").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
        .until(() -> run.isDone() || buffer.toString(StandardCharsets.UTF_8).contains("press Enter"));
    String out = buffer.toString(StandardCharsets.UTF_8);
    assertTrue(!run.isDone(), out);
    assertTrue(out.contains("against a real kube-apiserver v1.34."), out);
    String kubeconfig = value(out, "  export KUBECONFIG=");
    String kubectl = value(out, "  alias kubectl=");

    String current = run(kubectl, kubeconfig, "get", "ckan", "portal", "-o", "jsonpath={.status.currentRevision}");
    assertEquals("8", current.strip(), current); // promoted in the last step
    String describe = run(kubectl, kubeconfig, "describe", "ckan", "portal");
    assertTrue(describe.matches("(?s).*Warning\\s+PointerAutoRevert\\s+.*pointer moved from revision 4 to revision 2.*"),
        describe);

    enter.write('\n');
    enter.flush();
    assertEquals(0, run.get(1, TimeUnit.MINUTES), buffer.toString(StandardCharsets.UTF_8));
    assertTimeline(buffer.toString(StandardCharsets.UTF_8));
    assertFalse(Files.exists(Path.of(kubeconfig)), "the demo's work directory is removed when it stops");
  }

  @Test
  void optionsAreCheckedBeforeAnythingStarts() {
    assertEquals(new Demo.Options(false, false), Demo.Options.parse());
    assertEquals(new Demo.Options(true, true), Demo.Options.parse("--hold", "--apiserver"));
    assertThrows(IllegalArgumentException.class, () -> Demo.Options.parse("--hold"));
    assertThrows(IllegalArgumentException.class, () -> Demo.Options.parse("--apiservr"));
  }

  private static String value(String out, String prefix) {
    return out.lines().filter(l -> l.startsWith(prefix)).findFirst()
        .map(l -> l.substring(prefix.length()).strip()).orElseThrow(() -> new AssertionError("no " + prefix + "\n" + out));
  }

  private static String run(String kubectl, String kubeconfig, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(kubectl, "--kubeconfig=" + kubeconfig));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("HOME", Path.of(kubeconfig).getParent().toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + output);
    return output;
  }

  private static void assertTimeline(String out) {
    assertTrue(out.contains("pointer set to revision 1"), out);
    assertTrue(out.contains("PatchCurrent=False (NewerPatchAvailable): 2.11.4 is behind 2.11.5 (released 2026-04-29)"),
        out);
    assertTrue(out.contains("PatchCurrent=True (LatestPatch): 2.11.5 is the latest patch of 2.11"), out);
    assertTrue(out.contains("started: image registry.example.org/ckan/portal:2.11.5-"), out);
    assertTrue(out.contains("image builds: 1 "), out);
    assertTrue(out.contains("pointer moved from revision 1 to revision 2"), out);
    assertTrue(out.contains("scaled revision 2 to 3 (spec.replicas changed (in place))"), out);
    assertTrue(out.contains("InvalidSpec") || out.contains("spec.extensions[0].pip"), out);
    // the image without the plugin never gets ready: the start command refuses it (recorded from the real CKAN)
    assertTrue(out.contains("revision 3 verdict Failed (ProgressDeadlineExceeded"), out);
    assertTrue(out.contains("revision 4 verdict RolledBack (AutoRevert"), out);
    assertTrue(out.contains("pointer moved from revision 4 to revision 2 [AutoRevert]"), out);
    assertTrue(out.contains("pointer moved from revision 2 to revision 1 [Rollback]"), out);
    // kubectl ckan status and history after the manual rollback
    assertTrue(out.matches("(?s).*\\$ kubectl ckan status portal\\n  Name:     portal .*\\n  Pointer:  revision 1, the "
        + "spec's is revision 4\\n.*\\n  \\*\\s+1\\s+(Live|Stable)\\s+.*\\n  Recent events\\n.*PointerRollback.*"), out);
    assertTrue(out.matches("(?s).*\\$ kubectl ckan history portal\\n  MOVE .*\\n  1 .*Deploy\\s+-\\s+1 .*\\n  2 .*Deploy\\s+1\\s+2 .*"
        + "\\n  3 .*Deploy\\s+2\\s+4 .*\\n  4 .*AutoRevert\\s+4\\s+2 .*\\n  5 .*Rollback\\s+2\\s+1 .*"), out);
    assertTrue(out.contains("migration portal-r1-migrate started"), out);
    assertTrue(out.contains("revision 5 migrated: schema 4b6a3f2e1d0c -> 9c1e5a7b3d2f"), out);
    assertTrue(out.contains("RollbackBlockedBySchema"), out);
    assertTrue(out.contains("pointer moved from revision 5 to revision 6"), out);
    // a Solr outage inside the bake window: reported, no revert
    assertTrue(out.contains("Stalled: ") && out.contains("DependencyUnavailable"), out);
    assertTrue(out.contains("Solr back: revision 7 bakes out and is Ready, never reverted"), out);
    // a preview, a wait for a person and one promotion
    assertTrue(out.contains("preview: http://r8.preview.example.org/ -> Service portal-r8"), out);
    assertTrue(out.contains("AwaitingPromotion"), out);
    assertTrue(out.contains("$ kubectl ckan promote portal\n  ckaninstance.ckan.io/portal annotated: ckan.io/promote=8"),
        out);
    assertTrue(out.contains("pointer moved from revision 7 to revision 8 [Deploy]"), out);
    assertTrue(out.contains("pointer Service 'portal' selects revision 8"), out);
    assertTrue(out.contains("DEMO OK"), out);
  }
}
