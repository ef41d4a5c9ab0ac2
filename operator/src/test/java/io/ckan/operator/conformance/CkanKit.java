package io.ckan.operator.conformance;

import io.ckan.sim.apiserver.LocalProcesses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offline CKAN 2.11.5 kit (wheels + scripts, see its README.md) that stands in for the Python environment of the
 * {@code ckan/ckan-base:2.11} image in the real-CKAN conformance tier.
 *
 * <p>Where it is: system property {@code ckan.kit}, else environment variable {@code CKAN_REAL_KIT}, else
 * {@code <repo root>/../shared/ckan-real}, where the repo root is the nearest directory above the working directory
 * whose pom.xml declares {@code <modules>}. {@code -Dckan.kit=none} switches the tier off.
 *
 * <p>{@link #venv()} installs it once per kit content into a cache directory outside the repository,
 * {@code ${XDG_CACHE_HOME:-~/.cache}/ckan-operator/ckan-kit-<hash of SHA256SUMS>}, guarded by a file lock so that
 * parallel test JVMs do not install over each other.
 */
public final class CkanKit {
  private static final Logger LOG = LoggerFactory.getLogger(CkanKit.class);
  static final String PROPERTY = "ckan.kit";
  static final String ENV = "CKAN_REAL_KIT";
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(2);

  private final Path dir;
  private Path venv;

  private CkanKit(Path dir) {
    this.dir = dir;
  }

  /** The kit at {@link #expectedLocation()}, if it has install.sh and SHA256SUMS there. */
  public static Optional<CkanKit> find() {
    Path location = expectedLocation();
    if (location == null || !Files.isRegularFile(location.resolve("install.sh"))
        || !Files.isRegularFile(location.resolve("SHA256SUMS"))) {
      return Optional.empty();
    }
    return Optional.of(new CkanKit(location));
  }

  /** Where {@link #find()} looks (for the skip message); null when switched off with {@code -Dckan.kit=none}. */
  public static Path expectedLocation() {
    return LocalProcesses.configuredDir(PROPERTY, ENV, () -> repoRoot().resolve("../shared/ckan-real").normalize());
  }

  /** The nearest directory at or above the working directory with an aggregator pom.xml (or the working dir). */
  public static Path repoRoot() {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path p = cwd; p != null; p = p.getParent()) {
      Path pom = p.resolve("pom.xml");
      try {
        if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) {
          return p;
        }
      } catch (IOException ignored) {
        // keep walking up
      }
    }
    return cwd;
  }

  /** The kit directory. */
  public Path dir() {
    return dir;
  }

  /** The kit's WSGI entry point (reads CKAN_INI); gunicorn runs it as {@code --chdir <kit> wsgi:application}. */
  public Path wsgi() {
    return dir.resolve("wsgi.py");
  }

  /** The kit's Solr stand-in, {@code python solr_stub.py PORT}. */
  public Path solrStub() {
    return dir.resolve("solr_stub.py");
  }

  /** {@code <venv>/bin/<name>}; installs the venv first if needed. */
  public Path bin(String name) {
    return venv().resolve("bin").resolve(name);
  }

  /**
   * The installed virtualenv: runs {@code install.sh DEST} (without any {@code PIP_*} variables) unless
   * {@code DEST/.installed} exists, and writes that marker after a successful install. A half-finished DEST from an
   * earlier failed run is removed first.
   */
  public synchronized Path venv() {
    if (venv != null) {
      return venv;
    }
    Path dest = LocalProcesses.cacheRoot().resolve("ckan-kit-" + contentHash());
    Path marker = dest.resolve(".installed");
    try {
      Files.createDirectories(dest.getParent());
      try (FileChannel ch = FileChannel.open(dest.resolveSibling(dest.getFileName() + ".lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        if (!Files.exists(marker)) {
          install(dest, marker);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install the CKAN kit into " + dest, e);
    }
    venv = dest;
    return venv;
  }

  private void install(Path dest, Path marker) throws IOException {
    deleteTree(dest);
    Path log = dest.resolveSibling(dest.getFileName() + ".install.log");
    Files.deleteIfExists(log);
    long t0 = System.nanoTime();
    Exec.check(List.of(dir.resolve("install.sh").toString(), dest.toString()), dest.getParent(), log,
        INSTALL_TIMEOUT, env -> {
          env.keySet().removeIf(k -> k.startsWith("PIP_"));
          env.remove("CKAN_INI");
          env.remove("KIT_CKAN_INI");
        });
    Files.writeString(marker, "installed from " + dir + "\n");
    long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
    String message = "CKAN kit installed into " + dest + " in " + seconds + " s (log: " + log + ")";
    LOG.info(message);
    System.out.println("[real-CKAN tier] " + message);
  }

  /**
   * Writes {@code appDir/ckan.ini} the way the ckan/ckan-base image builds {@code /srv/app/ckan.ini}: {@code ckan
   * generate config}, {@code SECRET_KEY} empty, {@code ckan.plugins = image_view text_view datatables_view datastore
   * envvars} (the kit's make-ini.sh without extra settings; it also keeps a pristine copy as ckan.ini.image).
   *
   * @return the ini
   */
  public Path makeIni(Path appDir) {
    Path log = appDir.resolveSibling(appDir.getFileName() + ".make-ini.log");
    Exec.check(List.of(dir.resolve("make-ini.sh").toString(), venv().toString(), appDir.toString()), null, log,
        SCRIPT_TIMEOUT, env -> {
          env.keySet().removeIf(k -> k.startsWith("PIP_") || k.startsWith("CKAN"));
        });
    return appDir.resolve("ckan.ini");
  }

  /** A short hash of SHA256SUMS: the kit's content, hence the cache key. */
  String contentHash() {
    try {
      byte[] sums = Files.readAllBytes(dir.resolve("SHA256SUMS"));
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(sums);
      return HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }



  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  @Override
  public String toString() {
    return "CkanKit[" + dir + "]";
  }
}
