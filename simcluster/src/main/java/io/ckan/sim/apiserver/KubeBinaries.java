package io.ckan.sim.apiserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pinned kube-apiserver, etcd, kubectl and kube-controller-manager that {@code scripts/build-apiserver.sh} builds
 * (see {@code scripts/apiserver/go.mod}).
 *
 * <p>Where they are: system property {@code kube.bin}, else environment variable {@code CKAN_KUBE_BIN}, else
 * {@code ${CKAN_APISERVER_CACHE:-${XDG_CACHE_HOME:-~/.cache}/ckan-operator}/kube-<version>}, the script's cache;
 * {@code kube.bin=none} switches the apiserver tier off. The directory counts only with its {@code STAMP} (written
 * last by the script) and every binary.
 */
public record KubeBinaries(Path dir, String version) {
  public static final String PROPERTY = "kube.bin";
  public static final String ENV = "CKAN_KUBE_BIN";
  static final Path GO_MOD = Path.of("scripts/apiserver/go.mod");
  private static final Pattern KUBERNETES = Pattern.compile("(?m)^\\s*k8s\\.io/kubernetes (v[0-9.]+)\\b");

  public Path apiserver() {
    return dir.resolve("kube-apiserver");
  }

  public Path etcd() {
    return dir.resolve("etcd");
  }

  public Path kubectl() {
    return dir.resolve("kubectl");
  }

  /** Runs only the garbage collector here (the simulated controllers play the workload controllers). */
  public Path controllerManager() {
    return dir.resolve("kube-controller-manager");
  }

  /** The binaries at {@link #expectedLocation()}, if all of them and the STAMP are there. */
  public static Optional<KubeBinaries> find() {
    Path dir = expectedLocation();
    if (dir == null || !Files.isRegularFile(dir.resolve("STAMP"))) {
      return Optional.empty();
    }
    KubeBinaries found = new KubeBinaries(dir, pinnedVersion());
    boolean complete = Files.isExecutable(found.apiserver()) && Files.isExecutable(found.etcd())
        && Files.isExecutable(found.kubectl()) && Files.isExecutable(found.controllerManager());
    return complete ? Optional.of(found) : Optional.empty();
  }

  /** The one line that says why {@link #find()} found nothing. */
  public static String missingReason() {
    Path dir = expectedLocation();
    if (dir == null) {
      return "apiserver binaries switched off (" + PROPERTY + "=none)";
    }
    return "kube-apiserver/etcd/kubectl/kube-controller-manager " + pinnedVersion() + " not built at " + dir
        + " (bash scripts/build-apiserver.sh)";
  }

  /** Where {@link #find()} looks; null when switched off with {@code none}. */
  public static Path expectedLocation() {
    return LocalProcesses.configuredDir(PROPERTY, ENV, () -> {
      String scriptCache = System.getenv("CKAN_APISERVER_CACHE"); // where build-apiserver.sh was told to build
      Path parent = scriptCache == null || scriptCache.isBlank() ? LocalProcesses.cacheRoot() : Path.of(scriptCache);
      return parent.resolve("kube-" + pinnedVersion());
    });
  }

  /** The k8s.io/kubernetes version scripts/apiserver/go.mod pins, e.g. {@code v1.34.4}. */
  public static String pinnedVersion() {
    Path goMod = repoRoot().resolve(GO_MOD);
    try {
      Matcher m = KUBERNETES.matcher(Files.readString(goMod));
      if (!m.find()) {
        throw new IllegalStateException("no k8s.io/kubernetes requirement in " + goMod);
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + goMod + " (run from the repository)", e);
    }
  }

  /** The nearest directory at or above the working directory that holds {@code scripts/apiserver/go.mod}. */
  static Path repoRoot() {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path p = cwd; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve(GO_MOD))) {
        return p;
      }
    }
    return cwd;
  }
}
