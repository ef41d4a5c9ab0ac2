package io.ckan.operator.cli.kubectl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code kubectl-ckan} script that {@code mvn package} puts next to the jar: through a symbolic link on PATH it
 * runs the jar next to its target with the plugin's arguments, and kubectl (when installed) finds and runs it. Java is
 * replaced by a stand-in that prints its arguments.
 */
class KubectlCkanScriptTest {
  private static final Path SCRIPT = Path.of("src/main/dist/kubectl-ckan");

  @TempDir
  Path dir;

  record Result(int code, String out) {}

  private Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out);
  }

  private Path install() throws IOException {
    Path target = Files.createDirectories(dir.resolve("operator/target"));
    Files.copy(SCRIPT, target.resolve("kubectl-ckan"));
    Files.setPosixFilePermissions(target.resolve("kubectl-ckan"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(target.resolve("ckan-operator.jar"), "a jar");
    Path java = dir.resolve("fake-java");
    Files.writeString(java, "#!/bin/sh\necho \"java $*\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("kubectl-ckan"), target.resolve("kubectl-ckan"));
    return bin;
  }

  @Test
  void throughALinkOnPathItRunsTheJarNextToTheScript() throws Exception {
    Path bin = install();
    Map<String, String> env = Map.of("JAVA", dir.resolve("fake-java").toString());
    Result r = run(env, bin.resolve("kubectl-ckan").toString(), "status", "portal", "-n", "prod");
    assertEquals(0, r.code(), r.out());
    assertEquals("java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -jar " + dir.resolve("operator/target")
        + "/ckan-operator.jar kubectl status portal -n prod\n", r.out());

    Files.delete(dir.resolve("operator/target/ckan-operator.jar"));
    Result missing = run(env, bin.resolve("kubectl-ckan").toString(), "status", "portal");
    assertEquals(2, missing.code());
    assertTrue(missing.out().contains("ckan-operator.jar not found"), missing.out());
  }

  @Test
  void kubectlFindsItOnPath() throws Exception {
    String path = System.getenv("PATH");
    Path kubectl = path == null ? null : List.of(path.split(":")).stream().map(d -> Path.of(d, "kubectl"))
        .filter(Files::isExecutable).findFirst().orElse(null);
    assumeTrue(kubectl != null, "no kubectl on PATH");
    Path bin = install();
    List<String> command = new ArrayList<>(List.of(kubectl.toString(), "ckan", "history", "portal"));
    Result r = run(Map.of("PATH", bin + ":" + path, "JAVA", dir.resolve("fake-java").toString(), "KUBECONFIG",
        dir.resolve("none").toString()), command.toArray(String[]::new));
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().endsWith("/ckan-operator.jar kubectl history portal\n"), r.out());
  }
}
