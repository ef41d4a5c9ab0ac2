package io.ckan.operator.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ckan.operator.release.MigrationResult;
import java.io.File;
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
 * The start command's control flow against a fake {@code ckan}, {@code uwsgi} and Python check (what each mode runs,
 * in which order, and that nothing starts after a failed check). That it really loads plugins, refuses a wrong version
 * and never migrates from a web pod is proven against a real CKAN 2.11.5 in {@code RealCkanConformanceTest}.
 */
class CkanStartTest {

  record Run(int exit, String output, String calls, String termination) {}

  static final String FAKE = """
      #!/bin/sh
      echo "$(basename "$0") $*" | head -n 1 >> "$FAKE/calls"
      if [ "$(basename "$0")" = python ]; then
        echo "python sees CKAN_INI=$CKAN_INI CKAN_EXPECTED_VERSION=$CKAN_EXPECTED_VERSION" >> "$FAKE/calls"
        if [ -f "$FAKE/check-fails" ]; then cat "$FAKE/check-fails" >&2; exit 3; fi
      fi
      exit 0
      """;

  static Run run(Path dir, Map<String, String> env, String... args) throws Exception {
    assumeTrue(new File("/bin/sh").canExecute(), "needs /bin/sh");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String tool : List.of("ckan", "uwsgi", "python")) {
      Files.writeString(bin.resolve(tool), FAKE);
      assertTrue(bin.resolve(tool).toFile().setExecutable(true));
    }
    Files.writeString(dir.resolve("image.ini"), "[app:main]\nckan.plugins = image_view envvars\n");
    Path runtime = Files.createDirectories(dir.resolve("runtime"));
    List<String> command = new ArrayList<>(CkanStart.command(args[0], List.of(args).subList(1, args.length)));
    command.set(0, "/bin/sh");
    command.set(2, command.get(2).replace(CkanStart.RUNTIME_DIR, runtime.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PATH", bin + ":/usr/bin:/bin");
    builder.environment().put("FAKE", dir.toString());
    builder.environment().put("CKAN_INI", dir.resolve("image.ini").toString());
    builder.environment().put("CKAN_PYTHON", bin.resolve("python").toString());
    builder.environment().put("TERMINATION_LOG", dir.resolve("termination-log").toString());
    builder.environment().put("CKAN__PLUGINS", "activity dcat envvars");
    builder.environment().put(CkanStart.EXPECTED_VERSION_ENV, "2.11.5");
    builder.environment().putAll(env);
    Process p = builder.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    Path calls = dir.resolve("calls");
    Path termination = dir.resolve("termination-log");
    return new Run(p.exitValue(), output, Files.exists(calls) ? Files.readString(calls) : "",
        Files.exists(termination) ? Files.readString(termination) : "");
  }

  @Test
  void webWritesThePluginsIntoItsOwnIniChecksThemAndThenExecsTheImagesUwsgi(@TempDir Path dir) throws Exception {
    Run run = run(dir, Map.of(), "web");
    assertEquals(0, run.exit(), run.output());
    List<String> calls = run.calls().lines().toList();
    String ini = dir.resolve("runtime/ckan.ini").toString();
    assertEquals("ckan config-tool " + ini + " ckan.plugins = activity dcat envvars", calls.get(0));
    assertTrue(calls.get(1).startsWith("python -c"), run.calls());
    assertEquals("python sees CKAN_INI=" + ini + " CKAN_EXPECTED_VERSION=2.11.5", calls.get(2));
    assertEquals("uwsgi --socket /tmp/uwsgi.sock --wsgi-file /srv/app/wsgi.py --module wsgi:application "
        + "--http [::]:5000 --master --enable-threads --lazy-apps -p 2 -L -b 32768 --vacuum --harakiri 60 "
        + "--need-app --die-on-term", calls.get(3));
    assertEquals(4, calls.size(), "no ckan db command from a web pod: " + run.calls());
    assertEquals(Files.readString(dir.resolve("image.ini")), Files.readString(dir.resolve("runtime/ckan.ini")),
        "a copy of the image's ini (config-tool is faked here)");
  }

  @Test
  void workerExecsCkanJobsWorkerWithTheQueues(@TempDir Path dir) throws Exception {
    Run run = run(dir, Map.of(), "worker", "default", "bulk");
    assertEquals(0, run.exit(), run.output());
    List<String> calls = run.calls().lines().toList();
    assertEquals("ckan -c " + dir.resolve("runtime/ckan.ini") + " jobs worker default bulk",
        calls.get(calls.size() - 1));
    assertFalse(run.calls().contains(" db "), run.calls());
  }

  @Test
  void aFailedCheckEndsTheContainerWithItsReasonAndStartsNothing(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("check-fails"), "Traceback...\n[ckan-operator] CKAN 2.11.5 cannot start with "
        + "plugins [activity dcat envvars]: PluginNotFoundException: Plugin 'dcat' not found.\n");
    Run run = run(dir, Map.of(), "web");
    assertEquals(1, run.exit());
    assertFalse(run.calls().contains("uwsgi"), run.calls());
    String error = MigrationResult.error(run.termination()).orElseThrow(() -> new AssertionError(run.termination()));
    assertTrue(error.startsWith("CKAN 2.11.5 cannot start with plugins [activity dcat envvars]: "
        + "PluginNotFoundException: Plugin 'dcat' not found."), error);
    assertTrue(run.output().contains("[ckan-operator] web failed: CKAN 2.11.5 cannot start"), run.output());
  }

  @Test
  void refusesAnUnknownModeAndPluginNamesThatAreNotNames(@TempDir Path dir) throws Exception {
    Run unknown = run(dir, Map.of(), "shell");
    assertEquals(1, unknown.exit());
    assertTrue(MigrationResult.error(unknown.termination()).orElseThrow().startsWith("unknown mode 'shell'"));
    Run hostile = run(dir, Map.of("CKAN__PLUGINS", "activity;id"), "web");
    assertEquals(1, hostile.exit());
    assertEquals("", hostile.calls());
    Run empty = run(dir, Map.of("CKAN__PLUGINS", " "), "web");
    assertEquals(1, empty.exit());
  }

  @Test
  void recognisesItsOwnCommandOnly() {
    assertTrue(CkanStart.isOperatorStart(CkanStart.command(CkanStart.WEB, List.of())));
    assertTrue(CkanStart.isOperatorStart(CkanStart.command(CkanStart.WORKER, List.of("default"))));
    assertFalse(CkanStart.isOperatorStart(null));
    assertFalse(CkanStart.isOperatorStart(List.of("/srv/app/start_ckan.sh")));
    assertFalse(CkanStart.isOperatorStart(List.of("sh", "-c", "uwsgi --http :5000", "x", "web")));
  }
}
