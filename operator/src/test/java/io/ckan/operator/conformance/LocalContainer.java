package io.ckan.operator.conformance;

import io.fabric8.kubernetes.api.model.Container;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Runs ONE Kubernetes container spec as a local process, the way a kubelet would start it, so that the conformance
 * tier exercises the operator's rendered commands, scripts and env against real CKAN without a cluster:
 *
 * <ul>
 *   <li><b>argv</b>: {@code command} + {@code args} exactly as given (with Kubernetes' {@code $(VAR)} expansion against
 *       the container env); {@code sh -c SCRIPT} runs as {@code /bin/sh -c SCRIPT}. Without {@code command} the
 *       image's entrypoint/cmd given to the builder are used, as the runtime would. {@code argv[0]} is looked up on
 *       the container's PATH, not the JVM's.</li>
 *   <li><b>env</b>: the image's ENV (from the builder: what the Dockerfile sets, e.g. {@code CKAN_INI}), overridden by
 *       the container env that {@link ContainerEnv} computes from {@code envFrom}/{@code env} with the given ConfigMap
 *       and Secret data (a missing non-optional key fails {@link #start()} with
 *       {@link ContainerEnv.ConfigError}, the kubelet's CreateContainerConfigError). {@code PATH} is the given
 *       directories followed by {@code /usr/bin:/bin}; {@code HOME} and {@code HOSTNAME} are set; nothing is
 *       inherited from the JVM.</li>
 *   <li><b>filesystem and network</b>: a {@link PathMap} is applied to every string of argv and env (image paths and
 *       volume mounts become local directories) and a {@link HostMap} to env values (service hosts become
 *       127.0.0.1 ports, also inside URLs that came from Secrets).</li>
 *   <li>stdout and stderr go to one log file ({@link #log()}); the termination-message file is created empty first,
 *       as the kubelet does, and read by {@link #terminationMessage()} (with {@code FallbackToLogsOnError}).</li>
 * </ul>
 *
 * <p>Not modelled: probes, resources, security context, restart policy, volume contents other than what the path map
 * points at. {@link #stop} signals the whole process tree, since a local run has no PID namespace that dies with
 * PID 1.
 */
public final class LocalContainer implements AutoCloseable {
  /** Kubernetes' default {@code terminationMessagePath}. */
  public static final String DEFAULT_TERMINATION_LOG = "/dev/termination-log";
  /** The kubelet keeps at most this much of the termination-message file. */
  static final int MAX_TERMINATION_MESSAGE = 4096;
  static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);

  private final Container spec;
  private final List<String> argv;
  private final Map<String, String> env;
  private final Path workingDir;
  private final Path logFile;
  private final Path terminationLog;
  private Process process;

  private LocalContainer(Container spec, List<String> argv, Map<String, String> env, Path workingDir, Path logFile,
      Path terminationLog) {
    this.spec = spec;
    this.argv = List.copyOf(argv);
    this.env = Map.copyOf(env);
    this.workingDir = workingDir;
    this.logFile = logFile;
    this.terminationLog = terminationLog;
  }

  /** A builder for running {@code container}. */
  public static Builder builder(Container container) {
    return new Builder(container);
  }

  /** What the process is started with. */
  public List<String> argv() {
    return argv;
  }

  /** The process environment, exactly. */
  public Map<String, String> env() {
    return env;
  }

  public Container spec() {
    return spec;
  }

  public Path logFile() {
    return logFile;
  }

  /** Starts the process; returns this. Only once per instance (a restart is a new container). */
  public synchronized LocalContainer start() {
    if (process != null) {
      throw new IllegalStateException("container " + spec.getName() + " was started already");
    }
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      Files.deleteIfExists(logFile);
      Files.createDirectories(workingDir);
      if (terminationLog != null) {
        Files.createDirectories(terminationLog.toAbsolutePath().getParent());
        Files.write(terminationLog, new byte[0]);
      }
      ProcessBuilder pb = new ProcessBuilder(argv).directory(workingDir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      pb.environment().clear();
      pb.environment().putAll(env);
      process = pb.start();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start container " + spec.getName() + ": " + argv, e);
    }
  }

  /** The PID of the container's first process. */
  public long pid() {
    return started().pid();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Waits up to {@code timeout} for the process to exit: its exit code, or empty if it is still running. */
  public OptionalInt waitFor(Duration timeout) {
    try {
      Process p = started();
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(p.exitValue()) : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The exit code if the process has exited. */
  public OptionalInt exitCode() {
    return process != null && !process.isAlive() ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
  }

  /** stdout + stderr so far. */
  public String log() {
    return Exec.readFrom(logFile, 0);
  }

  /**
   * The termination message as the kubelet would report it: the (mapped) termination-message file, at most 4096
   * bytes; with {@code terminationMessagePolicy: FallbackToLogsOnError}, when that file is empty and the process
   * failed, the last 80 lines (at most 2048 bytes) of the log. Empty when there is nothing.
   */
  public Optional<String> terminationMessage() {
    String message = "";
    if (terminationLog != null && Files.isRegularFile(terminationLog)) {
      try {
        byte[] b = Files.readAllBytes(terminationLog);
        message = new String(b, 0, Math.min(b.length, MAX_TERMINATION_MESSAGE), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (message.isEmpty() && "FallbackToLogsOnError".equals(spec.getTerminationMessagePolicy())
        && exitCode().orElse(0) != 0) {
      message = Exec.tail(log(), 80);
      byte[] b = message.getBytes(StandardCharsets.UTF_8);
      if (b.length > 2048) {
        message = new String(b, b.length - 2048, 2048, StandardCharsets.UTF_8);
      }
    }
    return message.isEmpty() ? Optional.empty() : Optional.of(message);
  }

  /** The local file that stands for the termination-message path, if the path map maps it. */
  public Optional<Path> terminationLogFile() {
    return Optional.ofNullable(terminationLog);
  }

  /** {@link #stop(Duration)} with a 10 s grace period. */
  public void stop() {
    stop(DEFAULT_GRACE);
  }

  /** SIGTERM to the process and its descendants (by PID), SIGKILL to any still alive after {@code grace}. */
  public synchronized void stop(Duration grace) {
    if (process != null) {
      Exec.stopTree(process.toHandle(), grace);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private Process started() {
    if (process == null) {
      throw new IllegalStateException("container " + spec.getName() + " was not started");
    }
    return process;
  }

  @Override
  public String toString() {
    return "LocalContainer[" + spec.getName() + (process == null ? "" : " pid " + process.pid()) + "]";
  }

  /** Everything the local "kubelet" and "image" provide around the container spec. */
  public static final class Builder {
    private final Container container;
    private final Map<String, String> imageEnv = new LinkedHashMap<>();
    private Map<String, Map<String, String>> configMaps = Map.of();
    private Map<String, Map<String, String>> secrets = Map.of();
    private Map<String, String> podFields = Map.of();
    private PathMap pathMap = new PathMap();
    private HostMap hostMap = new HostMap();
    private final List<Path> path = new ArrayList<>();
    private List<String> imageEntrypoint = List.of();
    private List<String> imageCmd = List.of();
    private String imageWorkingDir = "/";
    private Path logFile;
    private Path home;

    private Builder(Container container) {
      this.container = container;
    }

    /** The image's ENV (Dockerfile), underneath the container env; may be called repeatedly (adds). */
    public Builder imageEnv(Map<String, String> env) {
      imageEnv.putAll(env);
      return this;
    }

    /** ConfigMap data by name (for envFrom and configMapKeyRef). */
    public Builder configMaps(Map<String, Map<String, String>> data) {
      configMaps = data;
      return this;
    }

    /** Secret data, decoded, by name (for envFrom and secretKeyRef). */
    public Builder secrets(Map<String, Map<String, String>> data) {
      secrets = data;
      return this;
    }

    /** Values for {@code fieldRef} env, by field path (e.g. {@code metadata.name}). */
    public Builder podFields(Map<String, String> fields) {
      podFields = fields;
      return this;
    }

    public Builder pathMap(PathMap map) {
      pathMap = map;
      return this;
    }

    public Builder hostMap(HostMap map) {
      hostMap = map;
      return this;
    }

    /** Directories searched first (in order) by PATH, before {@code /usr/bin:/bin}. */
    public Builder path(List<Path> dirs) {
      path.addAll(dirs);
      return this;
    }

    /** The image's ENTRYPOINT and CMD, used when the container has no command/args. */
    public Builder imageEntrypoint(List<String> entrypoint, List<String> cmd) {
      imageEntrypoint = List.copyOf(entrypoint);
      imageCmd = List.copyOf(cmd);
      return this;
    }

    /** The image's WORKDIR (a container path, mapped), used when the container sets no workingDir. */
    public Builder imageWorkingDir(String containerPath) {
      imageWorkingDir = containerPath;
      return this;
    }

    /** Where stdout + stderr go (required). */
    public Builder logFile(Path file) {
      logFile = file.toAbsolutePath();
      return this;
    }

    /** HOME of the process (default: a {@code home} directory next to the log file). */
    public Builder home(Path dir) {
      home = dir.toAbsolutePath();
      return this;
    }

    /**
     * Resolves env, argv and paths.
     *
     * @throws ContainerEnv.ConfigError for a missing non-optional ConfigMap/Secret (key)
     */
    public LocalContainer build() {
      if (logFile == null) {
        throw new IllegalStateException("logFile is required");
      }
      Map<String, String> containerEnv = ContainerEnv.resolve(container, configMaps, secrets, podFields);
      boolean hasCommand = container.getCommand() != null && !container.getCommand().isEmpty();
      boolean hasArgs = container.getArgs() != null && !container.getArgs().isEmpty();
      List<String> argv = new ArrayList<>(hasCommand ? container.getCommand() : imageEntrypoint);
      argv.addAll(hasArgs ? container.getArgs() : hasCommand ? List.of() : imageCmd);
      if (argv.isEmpty()) {
        throw new IllegalArgumentException("container " + container.getName()
            + " has no command and no image entrypoint/cmd was given");
      }
      argv = pathMap.apply(ContainerEnv.expand(argv, containerEnv));

      Map<String, String> env = new LinkedHashMap<>(imageEnv);
      env.putAll(containerEnv);
      env.replaceAll((k, v) -> hostMap.apply(pathMap.apply(v)));
      StringBuilder searchPath = new StringBuilder();
      path.forEach(p -> searchPath.append(p.toAbsolutePath()).append(File.pathSeparator));
      env.put("PATH", searchPath + "/usr/bin:/bin");
      Path homeDir = home != null ? home : logFile.resolveSibling("home");
      env.putIfAbsent("HOME", homeDir.toString());
      env.putIfAbsent("HOSTNAME", podFields.getOrDefault("metadata.name", String.valueOf(container.getName())));
      homeDir.toFile().mkdirs();

      argv.set(0, which(argv.get(0), env.get("PATH")));

      String containerWorkDir = container.getWorkingDir() != null && !container.getWorkingDir().isBlank()
          ? container.getWorkingDir() : imageWorkingDir;
      Path workDir = pathMap.local(containerWorkDir);

      String tmPath = container.getTerminationMessagePath() == null ? DEFAULT_TERMINATION_LOG
          : container.getTerminationMessagePath();
      Path termination = pathMap.maps(tmPath) ? pathMap.local(tmPath) : null;
      return new LocalContainer(container, argv, env, workDir, logFile, termination);
    }

    /** argv[0] on the container's PATH (ProcessBuilder would use the JVM's PATH). */
    private static String which(String program, String searchPath) {
      if (program.contains("/")) {
        return program;
      }
      for (String dir : searchPath.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
      throw new IllegalArgumentException("executable \"" + program + "\" not found in $PATH " + searchPath
          + " (the runtime would fail with StartError)");
    }
  }
}
