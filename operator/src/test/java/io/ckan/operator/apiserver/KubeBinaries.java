package io.ckan.operator.apiserver;

import io.ckan.operator.conformance.CkanKit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The pinned kube-apiserver, etcd and kubectl that {@code scripts/build-apiserver.sh} builds (see
 * {@code scripts/apiserver/go.mod}).
 *
 * <p>Where they are: system property {@code kube.bin}, else environment variable {@code CKAN_KUBE_BIN}, else
 * {@code ${CKAN_APISERVER_CACHE:-${XDG_CACHE_HOME:-~/.cache}/ckan-operator}/kube-<version>}, the script's cache;
 * {@code -Dkube.bin=none} switches the apiserver tier off. The directory counts only with its {@code STAMP} (written last by the script) and the three
 * binaries.
 */
public record KubeBinaries(Path dir, String version) {
  static final String PROPERTY = "kube.bin";
  static final String ENV = "CKAN_KUBE_BIN";
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

  /** The binaries at {@link #expectedLocation()}, if all three and the STAMP are there. */
  public static Optional<KubeBinaries> find() {
    Path dir = expectedLocation();
    if (dir == null || !Files.isRegularFile(dir.resolve("STAMP"))) {
      return Optional.empty();
    }
    KubeBinaries found = new KubeBinaries(dir, pinnedVersion());
    boolean complete = Files.isExecutable(found.apiserver()) && Files.isExecutable(found.etcd())
        && Files.isExecutable(found.kubectl());
    return complete ? Optional.of(found) : Optional.empty();
  }

  /** {@link #find()}, or a JUnit assumption failure with the one line that says why the tier is skipped. */
  public static KubeBinaries require() {
    Optional<KubeBinaries> found = find();
    Assumptions.assumeTrue(found.isPresent(), "apiserver tier skipped: kube-apiserver/etcd/kubectl "
        + pinnedVersion() + " not built at " + expectedLocation() + " (bash scripts/build-apiserver.sh)");
    return found.get();
  }

  /** Where {@link #find()} looks; null when switched off with {@code -Dkube.bin=none}. */
  public static Path expectedLocation() {
    return CkanKit.configuredOr(PROPERTY, ENV, () -> {
      String scriptCache = System.getenv("CKAN_APISERVER_CACHE"); // where build-apiserver.sh was told to build
      Path parent = scriptCache == null || scriptCache.isBlank() ? CkanKit.cacheRoot() : Path.of(scriptCache);
      return parent.resolve("kube-" + pinnedVersion());
    });
  }

  /** The k8s.io/kubernetes version scripts/apiserver/go.mod pins, e.g. {@code v1.34.4}. */
  public static String pinnedVersion() {
    Path goMod = CkanKit.repoRoot().resolve(GO_MOD);
    try {
      Matcher m = KUBERNETES.matcher(Files.readString(goMod));
      if (!m.find()) {
        throw new IllegalStateException("no k8s.io/kubernetes requirement in " + goMod);
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + goMod, e);
    }
  }
}
