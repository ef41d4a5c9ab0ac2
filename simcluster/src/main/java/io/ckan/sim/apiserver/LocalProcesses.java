package io.ckan.sim.apiserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What the local test servers (kube-apiserver, etcd, PostgreSQL, Redis, CKAN) have in common: where their binaries are
 * found and cached, loopback ports handed out once per JVM, waiting until they are ready, stopping a process tree by
 * PID, and the tail of a log for error messages.
 */
public final class LocalProcesses {
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private LocalProcesses() {}

  /**
   * The directory named by system property {@code property}, else by environment variable {@code env}, else
   * {@code fallback}; null when set to {@code none} (the tier switched off).
   */
  public static Path configuredDir(String property, String env, java.util.function.Supplier<Path> fallback) {
    String configured = System.getProperty(property);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(env);
    }
    if (configured != null && !configured.isBlank()) {
      return "none".equals(configured.trim()) ? null : Path.of(configured.trim()).toAbsolutePath().normalize();
    }
    return fallback.get();
  }

  /** {@code ${XDG_CACHE_HOME:-~/.cache}/ckan-operator}: where built binaries and installed kits are kept. */
  public static Path cacheRoot() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("ckan-operator");
  }

  /**
   * A TCP port on 127.0.0.1 that was free a moment ago and that this JVM has not handed out before (so that servers
   * started together do not collide with each other).
   */
  public static int freePort() {
    synchronized (HANDED_OUT) {
      for (int attempt = 0; attempt < 50; attempt++) {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
          int port = s.getLocalPort();
          if (HANDED_OUT.add(port)) {
            return port;
          }
        } catch (IOException e) {
          throw new UncheckedIOException("no free loopback port", e);
        }
      }
      throw new IllegalStateException("no fresh free loopback port after 50 attempts");
    }
  }

  /**
   * Stops a process and everything it started: SIGTERM to each (root first), then SIGKILL to whatever is still alive
   * after {@code grace}. Descendants are collected before the first signal (and again before the kill), so children
   * that get re-parented when their parent exits are not lost. Only these PIDs are signalled.
   */
  public static void stopTree(ProcessHandle root, Duration grace) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    root.descendants().forEach(tree::add);
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle h : tree) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        h.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception ignored) {
        // still alive or gone; handled below
      }
    }
    root.descendants().forEach(h -> {
      if (!tree.contains(h)) {
        tree.add(h);
      }
    });
    for (ProcessHandle h : tree) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // a zombie we cannot reap (not our child) or a PID that is already gone
      }
    }
  }

  /**
   * Waits until {@code ready} holds, checking every 100 ms; fails at once, with the log's last lines, when the process
   * exits first, and after {@code timeout} (leaving the process to its owner) when it never gets ready.
   */
  public static void awaitReady(String what, BooleanSupplier ready, Process process, Path log, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (ready.getAsBoolean()) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(what + ": the process exited with " + process.exitValue()
            + " before it was ready\n" + tailOf(log, 30));
      }
      sleep(100);
    }
    throw new IllegalStateException(what + " not ready within " + timeout.toSeconds() + " s\n" + tailOf(log, 30));
  }

  /** Starts {@code command} in {@code dir}, stdout and stderr appended to {@code log}. */
  public static Process spawn(List<String> command, Path dir, Path log) {
    try {
      Files.createDirectories(dir);
      return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  /** The text of {@code file} from byte {@code offset} on (empty if it does not exist). */
  public static String readFrom(Path file, long offset) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      byte[] all = Files.readAllBytes(file);
      int from = (int) Math.min(offset, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  /** The last {@code n} lines of {@code text}. */
  public static String tail(String text, int n) {
    String[] lines = text.split("\n", -1);
    int end = lines.length;
    if (end > 0 && lines[end - 1].isEmpty()) {
      end--;
    }
    int from = Math.max(0, end - n);
    return String.join("\n", Arrays.asList(lines).subList(from, end));
  }

  /** The last {@code n} lines of a log file, for error messages. */
  public static String tailOf(Path file, int n) {
    return tail(readFrom(file, 0), n);
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
