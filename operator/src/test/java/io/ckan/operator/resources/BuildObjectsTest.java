package io.ckan.operator.resources;

import io.ckan.operator.contract.Labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ckan.operator.api.BuildSpec;
import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.api.GitSource;
import io.ckan.operator.release.BuildResult;
import io.ckan.operator.release.LockedSet;
import io.ckan.operator.release.Dockerfile;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class BuildObjectsTest {

  static final Owner OWNER = new Owner("portal", "data", "uid-1");
  static final String FP = "0123456789ab" + "c".repeat(52);
  static final String NAME = "ckan-build-0123456789ab";
  static final String TAG = "registry.example.org:5000/ckan/portal:2.11.5-0123456789ab";
  static final String HARVEST_URL = "https://github.com/ckan/ckanext-harvest.git";
  static final String SPATIAL_URL = "https://github.com/ckan/ckanext-spatial";

  static ExtensionSpec pip(String name, String pin) {
    ExtensionSpec e = new ExtensionSpec();
    e.name = name;
    e.pip = pin;
    return e;
  }

  static ExtensionSpec git(String name, String url, String ref, Boolean floating) {
    ExtensionSpec e = new ExtensionSpec();
    e.name = name;
    e.git = new GitSource();
    e.git.url = url;
    e.git.ref = ref;
    e.git.allowFloatingRef = floating;
    return e;
  }

  static final List<ExtensionSpec> EXTENSIONS = List.of(
      git("spatial", SPATIAL_URL, "v2.3.2", null),
      pip("dcat", "ckanext-dcat==2.4.4"),
      git("harvest", HARVEST_URL, "v1.6.3", true));

  static BuildObjects.BuildRequest request(BuildSpec.Builder builder, String pushSecret) {
    return new BuildObjects.BuildRequest(FP, TAG, EXTENSIONS, builder, pushSecret, 2400);
  }

  static Job job(BuildSpec.Builder builder, String pushSecret) {
    return BuildObjects.job(OWNER, NAME, request(builder, pushSecret));
  }

  static Map<String, String> env(Container c) {
    Map<String, String> env = new HashMap<>();
    c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

  static Container build(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  static Stream<Container> allContainers(Job job) {
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    return Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream());
  }

  // ---- the Job

  @ParameterizedTest(name = "{0}")
  @EnumSource(BuildSpec.Builder.class)
  void jobRunsOnceWithinTheTimeoutAndIsKept(BuildSpec.Builder builder) {
    Job job = job(builder, "registry-push");
    assertEquals(0, job.getSpec().getBackoffLimit());
    assertEquals(2400L, job.getSpec().getActiveDeadlineSeconds());
    assertNull(job.getSpec().getTtlSecondsAfterFinished());
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertEquals("Never", pod.getRestartPolicy());
    assertEquals(false, pod.getAutomountServiceAccountToken());
    assertEquals(true, pod.getSecurityContext().getRunAsNonRoot());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(BuildSpec.Builder.class)
  void noContainerIsPrivilegedAndAllReportThroughTheTerminationLog(BuildSpec.Builder builder) {
    allContainers(job(builder, "registry-push")).forEach(c -> {
      assertEquals(false, c.getSecurityContext().getPrivileged(), c.getName());
      assertEquals("File", c.getTerminationMessagePolicy(), c.getName());
      assertEquals("/dev/termination-log", c.getTerminationMessagePath(), c.getName());
      assertTrue(c.getImage().matches(".+@sha256:[a-f0-9]{64}"), c.getImage());
      assertNotEquals(null, c.getResources().getLimits().get("memory"), c.getName());
      assertNotEquals(null, c.getResources().getRequests().get("cpu"), c.getName());
    });
  }

  record BuilderCase(BuildSpec.Builder builder, String imagePrefix, String shell, String runs, Long uid,
      String seccomp, String authEnv, String authValue, String cacheRef, String argFlag, String argPrefix,
      Map<String, String> extraEnv) {}

  static Stream<Arguments> builders() {
    return Stream.of(
        Arguments.of(new BuilderCase(BuildSpec.Builder.buildkit, "moby/buildkit:", "/bin/sh",
            "buildctl-daemonless.sh build", 1000L, "Unconfined", "DOCKER_CONFIG", "/push-auth",
            "registry.example.org:5000/ckan/portal:buildcache", "--opt", "build-arg:",
            Map.of("BUILDKITD_FLAGS", "--oci-worker-no-process-sandbox"))),
        Arguments.of(new BuilderCase(BuildSpec.Builder.kaniko, "ghcr.io/osscontainertools/kaniko:", "/busybox/sh",
            "/kaniko/executor", 0L, null, "DOCKER_CONFIG", "/push-auth",
            "registry.example.org:5000/ckan/portal/cache", "--build-arg", "", Map.of())),
        Arguments.of(new BuilderCase(BuildSpec.Builder.buildah, "quay.io/buildah/stable", "/bin/sh",
            "buildah bud", 1000L, "Unconfined", "REGISTRY_AUTH_FILE", "/push-auth/config.json",
            "registry.example.org:5000/ckan/portal/cache", "--build-arg", "",
            Map.of("STORAGE_DRIVER", "vfs", "BUILDAH_ISOLATION", "chroot"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("builders")
  void eachBuilderGetsItsOwnContainer(BuilderCase c) {
    Job job = job(c.builder(), "registry-push");
    Container build = build(job);
    assertEquals("build", build.getName());
    assertTrue(build.getImage().startsWith(c.imagePrefix()), build.getImage());
    assertEquals(List.of(c.shell(), "-c"), build.getCommand().subList(0, 2));
    String script = build.getCommand().get(2);
    assertTrue(script.contains(c.runs()), c.runs());
    assertEquals(c.uid(), build.getSecurityContext().getRunAsUser());
    assertEquals(c.uid() != 0, build.getSecurityContext().getRunAsNonRoot());
    assertEquals(c.seccomp(), Optional.ofNullable(build.getSecurityContext().getSeccompProfile())
        .map(p -> p.getType()).orElse(null));
    Map<String, String> env = env(build);
    assertEquals(TAG, env.get("IMAGE_TAG"));
    assertEquals(c.cacheRef(), env.get("CACHE_REF"));
    assertEquals(c.argFlag(), env.get("BUILD_ARG_FLAG"));
    assertEquals(c.argPrefix(), env.get("BUILD_ARG_PREFIX"));
    assertEquals(c.authValue(), env.get(c.authEnv()));
    c.extraEnv().forEach((k, v) -> assertEquals(v, env.get(k), k));
    Map<String, String> podAnnotations = job.getSpec().getTemplate().getMetadata().getAnnotations();
    assertEquals("Unconfined".equals(c.seccomp()) ? "unconfined" : null,
        podAnnotations.get("container.apparmor.security.beta.kubernetes.io/build"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(BuildSpec.Builder.class)
  void pushSecretIsMountedAsDockerConfig(BuildSpec.Builder builder) {
    Job job = job(builder, "registry-push");
    Volume auth = job.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("push-auth")).findFirst().orElseThrow();
    assertEquals("registry-push", auth.getSecret().getSecretName());
    assertEquals(".dockerconfigjson", auth.getSecret().getItems().get(0).getKey());
    assertEquals("config.json", auth.getSecret().getItems().get(0).getPath());
    VolumeMount mount = build(job).getVolumeMounts().stream().filter(m -> m.getName().equals("push-auth"))
        .findFirst().orElseThrow();
    assertEquals("/push-auth", mount.getMountPath());
    assertEquals(true, mount.getReadOnly());
    // the init container never sees the credentials
    assertTrue(job.getSpec().getTemplate().getSpec().getInitContainers().get(0).getVolumeMounts().stream()
        .noneMatch(m -> m.getName().equals("push-auth")));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(BuildSpec.Builder.class)
  void withoutPushSecretNoCredentialsAreMounted(BuildSpec.Builder builder) {
    Job job = job(builder, null);
    assertTrue(job.getSpec().getTemplate().getSpec().getVolumes().stream()
        .noneMatch(v -> v.getName().equals("push-auth")));
    Map<String, String> env = env(build(job));
    assertFalse(env.containsKey("DOCKER_CONFIG") || env.containsKey("REGISTRY_AUTH_FILE"));
  }

  @Test
  void dockerfileConfigMapIsMountedAtWorkDockerfile() {
    Job job = job(BuildSpec.Builder.buildkit, null);
    Volume dockerfile = job.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("dockerfile")).findFirst().orElseThrow();
    assertEquals(NAME, dockerfile.getConfigMap().getName());
    assertTrue(build(job).getVolumeMounts().stream()
        .anyMatch(m -> m.getName().equals("dockerfile") && m.getMountPath().equals("/work/dockerfile")));
  }

  @Test
  void resolveRefsGetsUrlsAndRefsAsEnvironmentNotAsScript() {
    Job job = job(BuildSpec.Builder.buildkit, "registry-push");
    List<Container> init = job.getSpec().getTemplate().getSpec().getInitContainers();
    assertEquals(1, init.size());
    Container resolve = init.get(0);
    assertEquals("resolve-refs", resolve.getName());
    assertTrue(resolve.getImage().startsWith("alpine/git:"));
    assertEquals(Map.ofEntries(
        Map.entry("EXT_COUNT", "2"),
        Map.entry("EXT_0_NAME", "harvest"), Map.entry("EXT_0_URL", HARVEST_URL), Map.entry("EXT_0_REF", "v1.6.3"),
        Map.entry("EXT_0_ARG", "CKAN_EXT_HARVEST_COMMIT"), Map.entry("EXT_0_ALLOW_FLOATING", "true"),
        Map.entry("EXT_1_NAME", "spatial"), Map.entry("EXT_1_URL", SPATIAL_URL), Map.entry("EXT_1_REF", "v2.3.2"),
        Map.entry("EXT_1_ARG", "CKAN_EXT_SPATIAL_COMMIT"), Map.entry("EXT_1_ALLOW_FLOATING", "false")),
        env(resolve).entrySet().stream().filter(e -> e.getKey().startsWith("EXT_"))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    // the ARG names are the Dockerfile's
    assertEquals(Dockerfile.gitBuildArgs(EXTENSIONS), List.of(env(resolve).get("EXT_0_ARG"),
        env(resolve).get("EXT_1_ARG")));
    String script = resolve.getCommand().get(2);
    allContainers(job).forEach(c -> {
      String text = String.join(" ", c.getCommand());
      for (String userValue : List.of(HARVEST_URL, SPATIAL_URL, "v1.6.3", "v2.3.2", "ckanext-dcat", TAG)) {
        assertFalse(text.contains(userValue), userValue + " in the script of " + c.getName());
      }
    });
    assertTrue(script.contains("ref $ref of $name is a branch; pin a tag or a commit (or set allowFloatingRef)"));
    assertEquals(true, resolve.getSecurityContext().getRunAsNonRoot());
    assertEquals(true, resolve.getSecurityContext().getReadOnlyRootFilesystem());
    assertEquals(false, resolve.getSecurityContext().getAllowPrivilegeEscalation());
  }

  @Test
  void pipOnlyBuildsNeedNoInitContainer() {
    Job job = BuildObjects.job(OWNER, NAME, new BuildObjects.BuildRequest(FP, TAG,
        List.of(pip("dcat", "ckanext-dcat==2.4.4")), BuildSpec.Builder.buildkit, null, 1800));
    assertTrue(job.getSpec().getTemplate().getSpec().getInitContainers().isEmpty());
    assertEquals(1800L, job.getSpec().getActiveDeadlineSeconds());
  }

  @Test
  void nullBuilderMeansBuildkit() {
    Job job = BuildObjects.job(OWNER, NAME, new BuildObjects.BuildRequest(FP, TAG, null, null, null, 600));
    assertTrue(build(job).getImage().startsWith("moby/buildkit:"));
  }

  // ---- metadata

  @Test
  void jobAndConfigMapCarryLabelsAnnotationsAndNonControllerOwners() {
    Job job = job(BuildSpec.Builder.buildkit, null);
    ConfigMap configMap = BuildObjects.dockerfile(OWNER, NAME, "FROM ckan/ckan-base:2.11.5\n", FP);
    for (var meta : List.of(job.getMetadata(), configMap.getMetadata())) {
      assertEquals(NAME, meta.getName());
      assertEquals("data", meta.getNamespace());
      assertEquals("build", meta.getLabels().get(Labels.COMPONENT));
      assertEquals("portal", meta.getLabels().get(Labels.INSTANCE));
      assertEquals("ckan-operator", meta.getLabels().get(Labels.MANAGED_BY));
      assertEquals("0123456789ab", meta.getLabels().get("ckan.io/image-fp12"));
      assertEquals(FP, meta.getAnnotations().get("ckan.io/image-fingerprint"));
      OwnerReference ref = meta.getOwnerReferences().get(0);
      assertEquals(1, meta.getOwnerReferences().size());
      assertEquals(false, ref.getController());
      assertEquals("uid-1", ref.getUid());
      assertEquals("CkanInstance", ref.getKind());
    }
    assertEquals(TAG, job.getMetadata().getAnnotations().get("ckan.io/image-tag"));
    assertEquals(job.getMetadata().getLabels(), job.getSpec().getTemplate().getMetadata().getLabels());
  }

  @Test
  void ownerReferencesAreDeduplicatedAndNeverControllers() {
    Owner other = new Owner("catalog", "data", "uid-2");
    List<OwnerReference> refs = BuildObjects.ownerReferences(OWNER, other, OWNER);
    assertEquals(List.of("uid-1", "uid-2"), refs.stream().map(OwnerReference::getUid).toList());
    assertTrue(refs.stream().noneMatch(OwnerReference::getController));
  }

  @Test
  void configMapIsImmutableAndHoldsTheDockerfile() {
    String text = Dockerfile.render("ckan/ckan-base:2.11.5", "2.11.5", EXTENSIONS);
    ConfigMap configMap = BuildObjects.dockerfile(OWNER, NAME, text, FP);
    assertEquals(true, configMap.getImmutable());
    assertEquals(Map.of("Dockerfile", text), configMap.getData());
  }

  // ---- the scripts, run by a real POSIX shell against fake git and builder commands

  static final String TAG_COMMIT = "3".repeat(40);
  static final String LIGHT_COMMIT = "4".repeat(40);
  static final String BRANCH_COMMIT = "5".repeat(40);
  static final String LS_REMOTE = String.join("\n",
      "1".repeat(40) + "\tHEAD",
      "1".repeat(40) + "\trefs/heads/master",
      BRANCH_COMMIT + "\trefs/heads/develop",
      "2".repeat(40) + "\trefs/tags/v1.6.3",
      TAG_COMMIT + "\trefs/tags/v1.6.3^{}",
      LIGHT_COMMIT + "\trefs/tags/light",
      "6".repeat(40) + "\trefs/tags/v1.6.30") + "\n";

  record Run(int exit, String termination, String output) {}

  static Run run(Path dir, Container container, Map<String, String> extraEnv) throws Exception {
    assumeTrue(new File("/bin/sh").canExecute(), "needs /bin/sh");
    Path log = dir.resolve("termination-log");
    Files.deleteIfExists(log);
    ProcessBuilder process = new ProcessBuilder("/bin/sh", "-c", container.getCommand().get(2))
        .directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = process.environment();
    for (EnvVar e : container.getEnv()) {
      env.put(e.getName(), e.getValue());
    }
    env.put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
    env.put("WORK_DIR", dir.resolve("work").toString());
    env.put("TERMINATION_LOG", log.toString());
    env.putAll(extraEnv);
    Process p = process.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Run(p.exitValue(), Files.exists(log) ? Files.readString(log) : "", output);
  }

  static void executable(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    assertTrue(file.toFile().setExecutable(true));
  }

  static Container resolveRefs(ExtensionSpec... extensions) {
    return BuildContainers.resolveRefs(List.of(extensions));
  }

  static Path fakeGit(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("work"));
    Files.writeString(dir.resolve("ls-remote.txt"), LS_REMOTE);
    executable(dir.resolve("bin/git"), """
        #!/bin/sh
        printf '%s\\n' "$@" >> "$FAKE_GIT_ARGS"
        cat "$FAKE_LS_REMOTE"
        """);
    return dir;
  }

  static Map<String, String> gitEnv(Path dir) {
    return Map.of("FAKE_LS_REMOTE", dir.resolve("ls-remote.txt").toString(),
        "FAKE_GIT_ARGS", dir.resolve("git-args.txt").toString());
  }

  static Stream<Arguments> refs() {
    String commit = "abcdef0123456789abcdef0123456789abcdef01";
    return Stream.of(
        Arguments.of("annotated tag -> peeled commit", "v1.6.3", false, TAG_COMMIT, null),
        Arguments.of("lightweight tag", "light", false, LIGHT_COMMIT, null),
        Arguments.of("a commit is used as is", commit, false, commit, null),
        Arguments.of("a branch with allowFloatingRef", "develop", true, BRANCH_COMMIT, null),
        Arguments.of("a branch without allowFloatingRef", "develop", false, null,
            "ref develop of harvest is a branch; pin a tag or a commit (or set allowFloatingRef)"),
        Arguments.of("an unknown ref", "v9.9.9", true, null,
            "ref v9.9.9 of harvest is neither a tag nor a branch of " + HARVEST_URL),
        Arguments.of("a prefix of a tag is not that tag", "v1.6", false, null,
            "ref v1.6 of harvest is neither a tag nor a branch of " + HARVEST_URL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refs")
  void resolveRefsScript(String what, String ref, boolean floating, String commit, String failure,
      @TempDir Path dir) throws Exception {
    fakeGit(dir);
    Run run = run(dir, resolveRefs(git("harvest", HARVEST_URL, ref, floating)), gitEnv(dir));
    if (failure == null) {
      assertEquals(0, run.exit(), run.output());
      assertEquals("CKAN_EXT_HARVEST_COMMIT=" + commit + "\n", Files.readString(dir.resolve("work/refs.env")));
      assertEquals("harvest " + commit + "\n", Files.readString(dir.resolve("work/commits")));
    } else {
      assertEquals(1, run.exit(), run.output());
      assertEquals(failure + "\n", run.termination());
      assertFalse(Files.exists(dir.resolve("work/refs.env")));
    }
  }

  @Test
  void resolveRefsTreatsValuesAsData(@TempDir Path dir) throws Exception {
    fakeGit(dir);
    // cannot pass validation, but even so the shell must not evaluate it
    String url = "https://example.org/$(touch " + dir.resolve("pwned") + ")/x`id`";
    Run run = run(dir, resolveRefs(git("harvest", HARVEST_URL, "light", false)),
        withEnv(gitEnv(dir), "EXT_0_URL", url));
    assertEquals(0, run.exit(), run.output());
    assertFalse(Files.exists(dir.resolve("pwned")));
    assertEquals(List.of("ls-remote", "--", url), Files.readAllLines(dir.resolve("git-args.txt")));
  }

  @Test
  void resolveRefsReportsAnUnreachableRepository(@TempDir Path dir) throws Exception {
    fakeGit(dir);
    Run run = run(dir, resolveRefs(git("harvest", HARVEST_URL, "v1.6.3", false)),
        withEnv(gitEnv(dir), "FAKE_LS_REMOTE", dir.resolve("missing").toString()));
    assertEquals(1, run.exit());
    assertEquals("cannot list the refs of harvest at " + HARVEST_URL + "\n", run.termination());
  }

  static Map<String, String> withEnv(Map<String, String> env, String key, String value) {
    Map<String, String> copy = new HashMap<>(env);
    copy.put(key, value);
    return copy;
  }

  static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

  /** Fake builders: record their arguments, then fail or produce what the real one leaves behind. */
  static Path fakeBuilders(Path dir) throws IOException {
    Path work = dir.resolve("work");
    Files.createDirectories(work.resolve("dockerfile"));
    Files.writeString(work.resolve("dockerfile/Dockerfile"), "FROM ckan/ckan-base:2.11.5\n");
    Files.writeString(work.resolve("refs.env"),
        "CKAN_EXT_HARVEST_COMMIT=" + TAG_COMMIT + "\nCKAN_EXT_SPATIAL_COMMIT=" + LIGHT_COMMIT + "\n");
    Files.writeString(work.resolve("commits"), "harvest " + TAG_COMMIT + "\nspatial " + LIGHT_COMMIT + "\n");
    executable(dir.resolve("bin/buildctl-daemonless.sh"), """
        #!/bin/sh
        printf '%s\\n' "$@" >> "$FAKE_ARGS"
        if [ -n "${FAKE_FAIL:-}" ]; then echo "ERROR: ResolutionImpossible: conflicting requirements"; exit 1; fi
        while [ $# -gt 0 ]; do
          case "$1" in
            type=local,dest=*)
              [ -n "${FAKE_FREEZE:-}" ] || exit 1
              mkdir -p "${1#type=local,dest=}" && printf '%s' "$FAKE_FREEZE" > "${1#type=local,dest=}/requirements.lock";;
          esac
          if [ "$1" = "--metadata-file" ]; then
            printf '{\\n  "containerimage.digest": "%s",\\n  "image.name": "x"\\n}\\n' "$FAKE_DIGEST" > "$2"
          fi
          shift
        done
        echo "#10 pushing layers done"
        """);
    executable(dir.resolve("bin/buildah"), """
        #!/bin/sh
        printf '%s\\n' "$@" >> "$FAKE_ARGS"
        if [ -n "${FAKE_FAIL:-}" ]; then echo "ERROR: ResolutionImpossible: conflicting requirements"; exit 1; fi
        if [ "$1" = "push" ]; then printf '%s' "$FAKE_DIGEST" > "$3"; fi
        if [ "$1" = "from" ]; then echo "ctr-1"; exit 0; fi
        if [ "$1" = "run" ]; then [ -n "${FAKE_FREEZE:-}" ] || exit 1; printf '%s' "$FAKE_FREEZE"; exit 0; fi
        echo "buildah $1 done"
        """);
    return dir;
  }

  static Map<String, String> builderEnv(Path dir, boolean fail) {
    Map<String, String> env = new HashMap<>();
    env.put("FAKE_ARGS", dir.resolve("builder-args.txt").toString());
    env.put("FAKE_DIGEST", DIGEST);
    env.put("FAKE_FREEZE", FREEZE);
    if (fail) {
      env.put("FAKE_FAIL", "1");
    }
    return env;
  }

  static final String FREEZE = "CKAN==2.11.5\nckanext-harvest @ git+https://github.com/ckan/ckanext-harvest@"
      + TAG_COMMIT + "\nSQLAlchemy==1.4.52\nWerkzeug==3.0.6\n";

  static Stream<Arguments> runnableBuilders() {
    return Stream.of(
        Arguments.of(BuildSpec.Builder.buildkit, List.of("--opt", "build-arg:CKAN_EXT_HARVEST_COMMIT=" + TAG_COMMIT,
            "--opt", "build-arg:CKAN_EXT_SPATIAL_COMMIT=" + LIGHT_COMMIT, "--output",
            "type=image,name=" + TAG + ",push=true")),
        Arguments.of(BuildSpec.Builder.buildah, List.of("--build-arg", "CKAN_EXT_HARVEST_COMMIT=" + TAG_COMMIT,
            "--build-arg", "CKAN_EXT_SPATIAL_COMMIT=" + LIGHT_COMMIT, "--layers")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runnableBuilders")
  void buildScriptReportsDigestAndCommits(BuildSpec.Builder builder, List<String> expectedArgs, @TempDir Path dir)
      throws Exception {
    fakeBuilders(dir);
    Run run = run(dir, build(job(builder, "registry-push")), builderEnv(dir, false));
    assertEquals(0, run.exit(), run.output());
    BuildResult result = BuildResult.parse(run.termination()).orElseThrow();
    assertEquals(new BuildResult(DIGEST, Map.of("harvest", TAG_COMMIT, "spatial", LIGHT_COMMIT)),
        new BuildResult(result.digest(), result.commits()));
    assertEquals(Optional.of(FREEZE), LockedSet.decode(result.lock()), "the image's freeze travels back whole");
    assertNull(result.lockError());
    assertEquals(1, run.termination().lines().count());
    List<String> args = Files.readAllLines(dir.resolve("builder-args.txt"));
    assertTrue(containsInOrder(args, expectedArgs), args::toString);
    // the Dockerfile the builder reads is a plain copy, not the ConfigMap's symlink
    assertEquals("FROM ckan/ckan-base:2.11.5\n", Files.readString(dir.resolve("work/build/Dockerfile")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runnableBuilders")
  void buildScriptReportsTheEndOfTheLogWhenTheBuildFails(BuildSpec.Builder builder, List<String> ignored,
      @TempDir Path dir) throws Exception {
    fakeBuilders(dir);
    Run run = run(dir, build(job(builder, null)), builderEnv(dir, true));
    assertEquals(1, run.exit(), run.output());
    assertTrue(run.termination().startsWith("image build failed (" + builder + ")"), run.termination());
    assertTrue(run.termination().contains("ResolutionImpossible"), run.termination());
    assertEquals(Optional.empty(), BuildResult.parse(run.termination()));
    assertTrue(run.output().contains("ResolutionImpossible"), "the log is streamed too");
  }

  @Test
  void buildScriptRefusesATamperedRefsFile(@TempDir Path dir) throws Exception {
    fakeBuilders(dir);
    Files.writeString(dir.resolve("work/refs.env"), "CKAN_EXT_HARVEST_COMMIT=$(id)\n");
    Run run = run(dir, build(job(BuildSpec.Builder.buildkit, null)), builderEnv(dir, false));
    assertEquals(1, run.exit());
    assertEquals("bad commit for CKAN_EXT_HARVEST_COMMIT in refs.env\n", run.termination());
    assertFalse(Files.exists(dir.resolve("builder-args.txt")), "the builder never ran");
  }

  @Test
  void buildScriptWithoutGitExtensionsReportsNoCommits(@TempDir Path dir) throws Exception {
    fakeBuilders(dir);
    Files.delete(dir.resolve("work/refs.env"));
    Files.delete(dir.resolve("work/commits"));
    Run run = run(dir, build(job(BuildSpec.Builder.buildkit, null)), builderEnv(dir, false));
    assertEquals(0, run.exit(), run.output());
    assertEquals(DIGEST, BuildResult.parse(run.termination()).orElseThrow().digest());
    assertEquals(Map.of(), BuildResult.parse(run.termination()).orElseThrow().commits());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runnableBuilders")
  void aFreezeThatDoesNotFitIsReportedAsMissingNotTruncated(BuildSpec.Builder builder, List<String> ignored,
      @TempDir Path dir) throws Exception {
    fakeBuilders(dir);
    Map<String, String> env = builderEnv(dir, false);
    StringBuilder big = new StringBuilder();
    java.util.Random random = new java.util.Random(12);
    for (int i = 0; i < 400; i++) {
      big.append("pkg").append(Long.toHexString(random.nextLong())).append("==").append(random.nextInt()).append('\n');
    }
    env.put("FAKE_FREEZE", big.toString());
    Run run = run(dir, build(job(builder, null)), env);
    assertEquals(0, run.exit(), run.output());
    assertTrue(run.termination().length() <= 4096, () -> "length " + run.termination().length());
    BuildResult result = BuildResult.parse(run.termination()).orElseThrow();
    assertNull(result.lock());
    assertTrue(result.lockError().contains("does not fit the termination message"), result.lockError());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runnableBuilders")
  void anImageWithoutAFreezeStillPushesAndSaysSo(BuildSpec.Builder builder, List<String> ignored,
      @TempDir Path dir) throws Exception {
    fakeBuilders(dir);
    Map<String, String> env = builderEnv(dir, false);
    env.remove("FAKE_FREEZE");
    Run run = run(dir, build(job(builder, null)), env);
    assertEquals(0, run.exit(), run.output());
    BuildResult result = BuildResult.parse(run.termination()).orElseThrow();
    assertEquals(DIGEST, result.digest());
    assertEquals("the built image reported no pip freeze", result.lockError());
  }

  static boolean containsInOrder(List<String> args, List<String> expected) {
    List<String> rest = new ArrayList<>(args);
    for (String e : expected) {
      int i = rest.indexOf(e);
      if (i < 0) {
        return false;
      }
      rest = rest.subList(i + 1, rest.size());
    }
    return true;
  }
}
