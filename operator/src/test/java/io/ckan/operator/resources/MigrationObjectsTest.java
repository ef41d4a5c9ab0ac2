package io.ckan.operator.resources;

import io.ckan.operator.contract.Labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ckan.operator.release.MigrationResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MigrationObjectsTest {

  static final Owner OWNER = new Owner("portal", "data", "uid-1");
  static final String IMAGE = "registry.example.org/ckan/portal@sha256:" + "a".repeat(64);
  static final List<String> PLUGINS = List.of("activity", "harvest", "dcat", "envvars");
  static final List<EnvVar> SECRET_ENV = List.of(new EnvVarBuilder().withName("CKAN_SQLALCHEMY_URL")
      .withNewValueFrom().withNewSecretKeyRef().withName("portal-db").withKey("url").endSecretKeyRef().endValueFrom()
      .build());

  static Job job(String version, List<String> plugins) {
    return MigrationObjects.migrate(OWNER, 7, IMAGE, version, plugins, "portal-r7", SECRET_ENV,
        Map.of(Labels.FINGERPRINT, "f".repeat(64)));
  }

  static Container container(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  static Map<String, String> plainEnv(Container c) {
    Map<String, String> env = new HashMap<>();
    c.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

  // ---- the Job

  @Test
  void namedAndLabelledAsTheRevisionsMigration() {
    Job job = job("2.11.5", PLUGINS);
    assertEquals("portal-r7-migrate", job.getMetadata().getName());
    assertEquals("data", job.getMetadata().getNamespace());
    Map<String, String> labels = job.getMetadata().getLabels();
    assertEquals("migrate", labels.get(Labels.COMPONENT));
    assertEquals("7", labels.get(Labels.REVISION));
    assertEquals("portal", labels.get(Labels.INSTANCE));
    assertEquals(Labels.OPERATOR, labels.get(Labels.MANAGED_BY));
    assertEquals(labels, job.getSpec().getTemplate().getMetadata().getLabels());
    assertEquals("f".repeat(64), job.getMetadata().getAnnotations().get(Labels.FINGERPRINT));
    assertEquals("uid-1", job.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals(true, job.getMetadata().getOwnerReferences().get(0).getController());
  }

  @Test
  void runsOnceWithinTheDeadlineAndIsKept() {
    Job job = job("2.11.5", PLUGINS);
    assertEquals(0, job.getSpec().getBackoffLimit());
    assertEquals(1800L, job.getSpec().getActiveDeadlineSeconds());
    assertNull(job.getSpec().getTtlSecondsAfterFinished(), "the termination message is the record");
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertEquals("Never", pod.getRestartPolicy());
    assertEquals(false, pod.getAutomountServiceAccountToken());
    assertEquals(1, pod.getContainers().size());
    Container c = container(job);
    assertEquals("migrate", c.getName());
    assertEquals(IMAGE, c.getImage());
    assertEquals("IfNotPresent", c.getImagePullPolicy());
    assertEquals("File", c.getTerminationMessagePolicy());
    assertEquals("/dev/termination-log", c.getTerminationMessagePath());
    assertEquals("portal-r7", c.getEnvFrom().get(0).getConfigMapRef().getName());
  }

  @Test
  void restrictedSecurityContext() {
    PodSpec pod = job("2.11.5", PLUGINS).getSpec().getTemplate().getSpec();
    assertEquals(true, pod.getSecurityContext().getRunAsNonRoot());
    assertEquals(503L, pod.getSecurityContext().getRunAsUser());
    assertEquals(502L, pod.getSecurityContext().getRunAsGroup());
    assertEquals(502L, pod.getSecurityContext().getFsGroup());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    var sc = pod.getContainers().get(0).getSecurityContext();
    assertEquals(false, sc.getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
  }

  @Test
  void theOperatorsStartCommandInMigrateModeWithPluginNamesOnlyFromTheConfigMap() {
    Container c = container(job("2.11.5", PLUGINS));
    assertEquals(CkanStart.command(CkanStart.MIGRATE, List.of()), c.getCommand());
    assertTrue(c.getArgs() == null || c.getArgs().isEmpty());
    Container other = container(job("2.11.5", List.of("scheming_datasets", "envvars")));
    assertEquals(c.getCommand(), other.getCommand());
    for (String plugin : List.of("harvest", "dcat")) {
      assertFalse(CkanStart.SCRIPT.contains(plugin), plugin);
    }
    assertEquals("portal-r7", c.getEnvFrom().get(0).getConfigMapRef().getName(), "CKAN__PLUGINS comes from there");
    assertEquals("2.11.5", plainEnv(c).get(CkanStart.EXPECTED_VERSION_ENV));
    assertTrue(c.getVolumeMounts().contains(CkanStart.runtimeMount()));
    assertTrue(job("2.11.5", PLUGINS).getSpec().getTemplate().getSpec().getVolumes()
        .contains(CkanStart.runtimeVolume()));
  }

  @Test
  void secretsArriveAsSecretKeyRefs() {
    Container c = container(job("2.11.5", PLUGINS));
    EnvVar url = c.getEnv().stream().filter(e -> e.getName().equals("CKAN_SQLALCHEMY_URL")).findFirst().orElseThrow();
    assertNull(url.getValue());
    assertEquals("portal-db", url.getValueFrom().getSecretKeyRef().getName());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("pendingPluginMigrations")
  void pluginMigrationsSeparatelyOnlyBefore211(String version, String expected) {
    assertEquals(expected, plainEnv(container(job(version, PLUGINS))).get(CkanStart.PENDING_PLUGINS_ENV));
  }

  static Stream<Arguments> pendingPluginMigrations() {
    return Stream.of(Arguments.of("2.10.10", "true"), Arguments.of("2.11.0", "false"),
        Arguments.of("2.11.5", "false"), Arguments.of("2.12.0", "false"), Arguments.of("3.0.0", "false"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "$(id)", "x;y", "", "dcat\n"})
  void refusesPluginNamesThatAreNotNames(String plugin) {
    assertThrows(IllegalArgumentException.class, () -> job("2.11.5", List.of("activity", plugin)));
  }

  // ---- the script, against a fake ckan

  record Run(int exit, String termination, String output, String calls) {}

  static final String FAKE_CKAN = """
      #!/bin/sh
      echo "$*" >> "$FAKE/calls"
      case "$*" in
        "config-tool "*) exit 0 ;;
        *"db version") cat "$FAKE/version"; exit 0 ;;
        *"db upgrade")
          if [ -f "$FAKE/upgrade-fails" ]; then cat "$FAKE/upgrade-fails"; exit 1; fi
          [ ! -f "$FAKE/version-after" ] || cp "$FAKE/version-after" "$FAKE/version"
          echo "Upgrading DB: SUCCESS"; exit 0 ;;
        *"db pending-migrations --apply") echo "1 unapplied migrations for harvest"; exit 0 ;;
      esac
      echo "unexpected: $*" >&2
      exit 2
      """;

  static Run run(Path dir, String version, String before, String after, Map<String, String> extraEnv)
      throws Exception {
    assumeTrue(new File("/bin/sh").canExecute(), "needs /bin/sh");
    Path bin = dir.resolve("bin");
    Files.createDirectories(bin);
    Path ckan = bin.resolve("ckan");
    Files.writeString(ckan, FAKE_CKAN);
    assertTrue(ckan.toFile().setExecutable(true));
    Path versions = dir.resolve("versions");
    Files.createDirectories(versions.resolve("__pycache__"));
    for (String file : List.of("001_103676e0a497_create_existing_tables.py", "104_4eaa5fcf7092_add_x.py",
        "105_ccd38ad5fced_remove_y.py")) {
      Files.writeString(versions.resolve(file), "");
    }
    Files.writeString(dir.resolve("version"), "Current DB version: " + before + "\n");
    if (after != null) {
      Files.writeString(dir.resolve("version-after"), "Current DB version: " + after + "\n");
    }
    Path python = bin.resolve("python");
    Files.writeString(python, "#!/bin/sh\necho \"[ckan-operator] CKAN 2.11.5 loaded plugins\" >&2\n");
    assertTrue(python.toFile().setExecutable(true));
    Files.writeString(dir.resolve("ckan.ini"), "[app:main]\n");
    Path runtime = Files.createDirectories(dir.resolve("runtime"));
    Container c = container(job(version, PLUGINS));
    Path log = dir.resolve("termination-log");
    List<String> command = new ArrayList<>(c.getCommand());
    command.set(0, "/bin/sh");
    command.set(2, command.get(2).replace(CkanStart.RUNTIME_DIR, runtime.toString()));
    ProcessBuilder process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = process.environment();
    c.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
    env.put("CKAN__PLUGINS", String.join(" ", PLUGINS)); // from the revision's ConfigMap
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    env.put("FAKE", dir.toString());
    env.put("CKAN_INI", dir.resolve("ckan.ini").toString());
    env.put("CKAN_PYTHON", python.toString());
    env.put("TERMINATION_LOG", log.toString());
    env.put("CKAN_MIGRATION_VERSIONS", versions.toString());
    env.putAll(extraEnv);
    Process p = process.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    Path calls = dir.resolve("calls");
    return new Run(p.exitValue(), Files.exists(log) ? Files.readString(log) : "", output,
        Files.exists(calls) ? Files.readString(calls) : "");
  }

  static Stream<Arguments> heads() {
    return Stream.of(
        // fresh database: alembic's base is ordinal 0
        Arguments.of("0", "105", "", "ccd38ad5fced"),
        // ordinals are mapped through the migration file names
        Arguments.of("104", "105", "4eaa5fcf7092", "ccd38ad5fced"),
        Arguments.of("1", "105", "103676e0a497", "ccd38ad5fced"),
        // the raw alembic value, printed when the ordinal lookup fails (__pycache__ listed last)
        Arguments.of("4eaa5fcf7092", "ccd38ad5fced (head)", "4eaa5fcf7092", "ccd38ad5fced"),
        Arguments.of("ccd38ad5fced (head)", null, "ccd38ad5fced", "ccd38ad5fced"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("heads")
  void reportsTheCoreHeads(String before, String after, String expectedBefore, String expectedAfter,
      @TempDir Path dir) throws Exception {
    Run run = run(dir, "2.11.5", before, after, Map.of());
    assertEquals(0, run.exit(), run.output());
    MigrationResult result = MigrationResult.parse(run.termination()).orElseThrow(() ->
        new AssertionError(run.termination() + "\n" + run.output()));
    assertEquals(expectedBefore, result.before());
    assertEquals(expectedAfter, result.after());
    assertTrue(run.calls().startsWith("config-tool " + dir.resolve("runtime/ckan.ini")
        + " ckan.plugins = activity harvest dcat envvars\n"), run.calls());
    assertTrue(run.calls().contains(" db upgrade\n"));
    assertFalse(run.calls().contains("pending-migrations"), "2.11 migrates plugins in db upgrade");
  }

  @Test
  void before211AppliesPendingPluginMigrations(@TempDir Path dir) throws Exception {
    Run run = run(dir, "2.10.10", "104", "105", Map.of());
    assertEquals(0, run.exit(), run.output());
    assertTrue(MigrationResult.parse(run.termination()).isPresent());
    List<String> calls = run.calls().lines().toList();
    int upgrade = calls.indexOf("-c " + dir.resolve("runtime/ckan.ini") + " db upgrade");
    int plugins = calls.indexOf("-c " + dir.resolve("runtime/ckan.ini") + " db pending-migrations --apply");
    assertTrue(upgrade >= 0 && plugins > upgrade, run.calls());
  }

  @Test
  void aFailedUpgradeReportsTheOutputAsJsonWithoutCredentials(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("upgrade-fails"), "Traceback (most recent call last):\n"
        + "\tFile \"alembic/x.py\", line 1\n"
        + "sqlalchemy.exc.OperationalError: could not connect: \"postgresql://ckan:hunter2hunter2hunter2@db/ckan\"\n"
        + "path C:\\temp\\x\n");
    Run run = run(dir, "2.11.5", "104", "105", Map.of());
    assertEquals(1, run.exit());
    assertEquals(Optional.empty(), MigrationResult.parse(run.termination()));
    String error = MigrationResult.error(run.termination()).orElseThrow(() -> new AssertionError(run.termination()));
    assertTrue(error.startsWith("ckan db upgrade failed\n"), error);
    assertTrue(error.contains("OperationalError: could not connect: \"postgresql://***@db/ckan\""), error);
    assertTrue(error.contains("path C:\\temp\\x"), error);
    assertFalse(run.termination().contains("hunter2"));
    assertEquals(1, run.termination().lines().count());
  }

  @Test
  void aDatabaseNewerThanTheImageIsAnError(@TempDir Path dir) throws Exception {
    // ckan db version prints None when the database's revision is not among the image's migrations
    Run run = run(dir, "2.11.5", "None", "105", Map.of());
    assertEquals(1, run.exit());
    String error = MigrationResult.error(run.termination()).orElseThrow();
    assertTrue(error.startsWith("cannot read the schema revision before the upgrade"), error);
    assertFalse(run.calls().contains("db upgrade"), "nothing is migrated");
  }

  @Test
  void refusesPluginNamesThatReachTheEnvUnchecked(@TempDir Path dir) throws Exception {
    Run run = run(dir, "2.11.5", "104", "105", Map.of("CKAN__PLUGINS", "activity $(id)"));
    assertEquals(1, run.exit());
    assertTrue(MigrationResult.error(run.termination()).orElseThrow().startsWith("CKAN__PLUGINS must hold plugin names"));
    assertEquals("", run.calls());
  }

  @Test
  void theErrorStaysWithinTheTerminationMessageLimit(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("upgrade-fails"), ("\"\\" + "x".repeat(200) + "\n").repeat(100));
    Run run = run(dir, "2.11.5", "104", "105", Map.of());
    assertEquals(1, run.exit());
    assertTrue(run.termination().getBytes(StandardCharsets.UTF_8).length < 4096, "" + run.termination().length());
    assertTrue(MigrationResult.error(run.termination()).isPresent(), run.termination());
  }

}
