package io.ckan.operator.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator image as the chart runs it (no image engine here, so the build script runs against a stand-in builder
 * that records what it is asked): the base must be pinned by digest, the user is the chart's non-root one, the
 * entrypoint takes the chart's {@code run}.
 */
class OperatorImageTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path DOCKERFILE = ROOT.resolve("operator/Dockerfile");
  static final Path SCRIPT = ROOT.resolve("scripts/build-operator-image.sh");
  static final String PINNED = "sha256:" + "ab".repeat(32);

  @TempDir
  Path tree;

  static List<String> instructions() throws IOException {
    return Files.readAllLines(DOCKERFILE).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
  }

  @Test
  void theImageRunsAsTheChartsUserWithTheChartsArguments() throws IOException {
    String values = Files.readString(ROOT.resolve("helm/ckan-operator/values.yaml"));
    String user = values.replaceAll("(?s).*\\n  runAsUser: (\\d+).*", "$1");
    String group = values.replaceAll("(?s).*\\n  runAsGroup: (\\d+).*", "$1");
    List<String> lines = instructions();
    assertTrue(lines.contains("USER " + user + ":" + group), lines.toString());
    assertTrue(!user.equals("0") && !group.equals("0"), "non-root");
    assertTrue(lines.contains("ENTRYPOINT [\"java\",\"-jar\",\"/opt/ckan-operator/ckan-operator.jar\"]"), lines.toString());
    String deployment = Files.readString(ROOT.resolve("helm/ckan-operator/templates/deployment.yaml"));
    assertTrue(deployment.contains("args: [\"run\"]") && lines.contains("CMD [\"run\"]"));
    // the base is always a digest, and the digest has no default: without one there is nothing to build from
    assertEquals(List.of("ARG BASE_IMAGE=eclipse-temurin:17-jre", "ARG BASE_DIGEST", "FROM ${BASE_IMAGE}@${BASE_DIGEST}"),
        lines.subList(0, 3));
  }

  @Test
  void theBuildRefusesABaseThatIsNotPinnedByDigest() throws Exception {
    Path script = copyTree();
    for (String digest : List.of("", "17-jre", "sha256:abc", "sha256:" + "AB".repeat(32),
        "sha256:" + "ab".repeat(32) + ";touch /tmp/x")) {
      Run run = run(script, Map.of("BASE_DIGEST", digest, "IMAGE", "registry.example.org/ckan-operator:1.0.0"));
      assertEquals(2, run.exit(), digest + ": " + run.output());
      assertTrue(run.output().contains("must be pinned by digest"), run.output());
      assertTrue(!Files.exists(tree.resolve("builder.log")), "nothing was built");
    }
  }

  @Test
  void aPinnedBaseIsBuiltWithTheDockerfileAndTheDigestPrinted() throws Exception {
    Path script = copyTree();
    Run run = run(script, Map.of("BASE_DIGEST", PINNED, "IMAGE", "registry.example.org/ckan-operator:1.0.0",
        "PUSH", "1"));
    assertEquals(0, run.exit(), run.output());
    List<String> calls = Files.readAllLines(tree.resolve("builder.log"));
    assertEquals(3, calls.size(), calls.toString());
    String build = calls.get(0);
    assertTrue(build.startsWith("build "), build);
    assertTrue(build.contains("--build-arg BASE_IMAGE=eclipse-temurin:17-jre --build-arg BASE_DIGEST=" + PINNED), build);
    assertTrue(build.contains("-f " + tree.resolve("operator/Dockerfile")), build);
    assertTrue(build.contains("-t registry.example.org/ckan-operator:1.0.0 " + tree.resolve("operator")), build);
    assertEquals("push registry.example.org/ckan-operator:1.0.0", calls.get(1));
    assertTrue(run.output().contains("registry.example.org/ckan-operator@sha256:"), run.output());
  }

  /** The script and Dockerfile in a tree of their own, with a jar and a builder that records its arguments. */
  private Path copyTree() throws IOException {
    Files.createDirectories(tree.resolve("scripts"));
    Files.createDirectories(tree.resolve("operator/target/lib"));
    Files.createDirectories(tree.resolve("bin"));
    Path script = tree.resolve("scripts/build-operator-image.sh");
    Files.copy(SCRIPT, script);
    Files.copy(DOCKERFILE, tree.resolve("operator/Dockerfile"));
    Files.writeString(tree.resolve("operator/target/ckan-operator.jar"), "jar");
    Path builder = tree.resolve("bin/docker");
    Files.writeString(builder, "#!/bin/sh\necho \"$*\" >> '" + tree.resolve("builder.log") + "'\n"
        + "if [ \"$1\" = image ]; then echo registry.example.org/ckan-operator@sha256:" + "cd".repeat(32) + "; fi\n");
    builder.toFile().setExecutable(true);
    return script;
  }

  record Run(int exit, String output) {}

  private Run run(Path script, Map<String, String> env) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put("BUILDER", tree.resolve("bin/docker").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out);
  }
}
