package io.ckan.operator.conformance;

import io.ckan.sim.apiserver.LocalProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs short-lived helper commands of the real-CKAN fixture (install.sh, initdb, pg_ctl, psql, ...) to completion with
 * a time limit, and stops process trees by PID. Output goes to a log file, so a failure can report its last lines.
 *
 * <p>When the JVM runs as root, {@link #asUnprivileged} wraps a command so that it runs as {@code nobody} (PostgreSQL's
 * initdb/pg_ctl refuse to run as root); otherwise the command runs unchanged.
 */
public final class Exec {
  private Exec() {}

  /** The unprivileged account PostgreSQL runs as when the JVM is root. */
  static final String UNPRIVILEGED_USER = "nobody";

  /** What a finished command left behind. */
  public record Result(int exitCode, String output) {
    /** The last {@code n} lines of the output, for error messages. */
    public String tail(int n) {
      return Exec.tail(output, n);
    }
  }

  /** Whether this JVM runs as root (uid 0). */
  static boolean isRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** {@code command} as the unprivileged user when we are root ({@code setpriv} or {@code runuser}), else as is. */
  static List<String> asUnprivileged(List<String> command) {
    if (!isRoot()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
      wrapped.addAll(List.of("/usr/bin/setpriv", "--reuid=" + UNPRIVILEGED_USER, "--regid=" + unprivilegedGroup(),
          "--clear-groups", "--"));
    } else if (Files.isExecutable(Path.of("/usr/sbin/runuser"))) {
      wrapped.addAll(List.of("/usr/sbin/runuser", "-u", UNPRIVILEGED_USER, "--"));
    } else {
      throw new IllegalStateException("running as root, but neither setpriv nor runuser is available to drop to "
          + UNPRIVILEGED_USER);
    }
    wrapped.addAll(command);
    return wrapped;
  }

  private static String unprivilegedGroup() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/group"))) {
        if (line.startsWith("nogroup:")) {
          return "nogroup";
        }
      }
    } catch (IOException ignored) {
      // fall through
    }
    return "nobody";
  }

  /**
   * Runs {@code command} to completion, stdout and stderr both appended to {@code log}.
   *
   * @param envEdit edits the environment (inherited from the JVM) before the start; may be null
   * @throws IllegalStateException when it does not finish within {@code timeout} (it is then killed)
   */
  public static Result run(List<String> command, Path workDir, Path log, Duration timeout,
      Consumer<Map<String, String>> envEdit) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      long start = Files.exists(log) ? Files.size(log) : 0;
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      if (workDir != null) {
        pb.directory(workDir.toFile());
      }
      if (envEdit != null) {
        envEdit.accept(pb.environment());
      }
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        stopTree(p.toHandle(), Duration.ofSeconds(2));
        throw new IllegalStateException("timed out after " + timeout.toSeconds() + "s: " + String.join(" ", command)
            + "\n" + tail(readFrom(log, start), 30));
      }
      return new Result(p.exitValue(), readFrom(log, start));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  /** {@link #run} that throws, with the last output lines, unless the exit code is 0. */
  public static Result check(List<String> command, Path workDir, Path log, Duration timeout,
      Consumer<Map<String, String>> envEdit) {
    Result r = run(command, workDir, log, timeout, envEdit);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("exit " + r.exitCode() + ": " + String.join(" ", command) + "\n" + r.tail(30));
    }
    return r;
  }

  /** {@link LocalProcesses#stopTree}. */
  public static void stopTree(ProcessHandle root, Duration grace) {
    LocalProcesses.stopTree(root, grace);
  }

  static String readFrom(Path file, long offset) {
    return LocalProcesses.readFrom(file, offset);
  }

  static String tail(String text, int n) {
    return LocalProcesses.tail(text, n);
  }

  /** The last {@code n} lines of a log file, for error messages. */
  public static String tailOf(Path file, int n) {
    return LocalProcesses.tailOf(file, n);
  }
}
