package io.ckan.operator.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.release.Dockerfile;
import io.ckan.operator.release.LockedSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spec.constraints against real pip: the RUN instructions of a rendered release Dockerfile (from {@code USER root} to
 * the final {@code USER}: the constraints file, the extension installs, {@code pip check}, {@code pip freeze}) run in a
 * fresh Python 3.11 venv, offline from the kit's wheelhouse, with {@code /srv/app} mapped to a temporary directory.
 * A constraint the index cannot satisfy must fail the install that would succeed without it, and a satisfiable one
 * must end up in the locked set the build reads back.
 */
class ConstraintsOnRealPipTest {
  private static final Duration PIP_TIMEOUT = Duration.ofMinutes(3);
  private static final ExtensionSpec SCHEMING = new ExtensionSpec();

  static {
    SCHEMING.name = "scheming";
    SCHEMING.pip = "ckanext-scheming==3.1.0"; // requires pyyaml, ckanapi, pytz, six (unpinned)
  }

  @TempDir
  Path tmp;

  @Test
  void satisfiableConstraintsAreWhatTheImageHolds() throws IOException {
    CkanKit kit = kit();
    Exec.Result run = runBuildSteps(kit, tmp.resolve("ok"), List.of("PyYAML==6.0.3", "six==1.17.0"));
    assertEquals(0, run.exitCode(), run.tail(30));
    LockedSet locked = LockedSet.parse(Files.readString(appDir(tmp.resolve("ok")).resolve("requirements.lock")));
    assertEquals("==6.0.3", locked.packages().get("pyyaml"), locked.toString());
    assertEquals("==3.1.0", locked.packages().get("ckanext-scheming"), locked.toString());
    assertTrue(Files.readString(appDir(tmp.resolve("ok")).resolve("constraints.txt"))
        .equals("PyYAML==6.0.3\nsix==1.17.0\n"), "the constraints file holds one pin per line");
  }

  @Test
  void aConstraintPipCannotMeetFailsTheInstallThatWouldOtherwiseSucceed() throws IOException {
    CkanKit kit = kit();
    Exec.Result without = runBuildSteps(kit, tmp.resolve("free"), List.of());
    assertEquals(0, without.exitCode(), "without constraints the install succeeds: " + without.tail(30));
    // 6.0.2 is not in the wheelhouse: pip may only pick 6.0.3, which the constraint forbids
    Exec.Result pinned = runBuildSteps(kit, tmp.resolve("pinned"), List.of("PyYAML==6.0.2"));
    assertNotEquals(0, pinned.exitCode(), "the constraint was not applied: " + pinned.tail(30));
    assertTrue(pinned.output().toLowerCase(Locale.ROOT).contains("pyyaml"), pinned.tail(30));
    assertTrue(Files.notExists(appDir(tmp.resolve("pinned")).resolve("requirements.lock")),
        "the build stopped at the failing install (no locked set written)");
  }

  private static CkanKit kit() {
    Optional<CkanKit> found = CkanKit.find();
    Assumptions.assumeTrue(found.isPresent(), "real-CKAN tier skipped: kit not found at " + CkanKit.expectedLocation());
    return found.get();
  }

  /**
   * A fresh venv with pip from the wheelhouse, then the Dockerfile's build steps as one {@code sh -e} script (the
   * builder runs each RUN in order and stops at the first that fails).
   */
  private static Exec.Result runBuildSteps(CkanKit kit, Path root, List<String> constraints) throws IOException {
    Path wheelhouse = kit.dir().resolve("wheelhouse");
    Path venv = root.resolve("venv");
    Path log = root.resolve("build.log");
    Files.createDirectories(appDir(root));
    Exec.check(List.of("python3", "-m", "venv", "--without-pip", venv.toString()), root, log, PIP_TIMEOUT, null);
    Path pipWheel;
    try (var files = Files.list(wheelhouse)) {
      pipWheel = files.filter(f -> f.getFileName().toString().startsWith("pip-")).findFirst().orElseThrow();
    }
    Exec.check(List.of(venv.resolve("bin/python").toString(), pipWheel.resolve("pip").toString(), "install",
        "--no-index", "--find-links", wheelhouse.toString(), "pip"), root, log, PIP_TIMEOUT, null);
    String dockerfile = Dockerfile.render("ckan/ckan-base:2.11.5", "2.11.5", List.of(SCHEMING), constraints);
    String script = buildSteps(dockerfile).replace("/srv/app", appDir(root).toString());
    Path scriptFile = root.resolve("build-steps.sh");
    Files.writeString(scriptFile, script);
    return Exec.run(List.of("/bin/sh", "-e", scriptFile.toString()), root, log, PIP_TIMEOUT, env -> {
      env.clear();
      env.putAll(Map.of("PATH", venv.resolve("bin") + ":/usr/bin:/bin", "HOME", root.toString(),
          "PIP_NO_INDEX", "1", "PIP_FIND_LINKS", wheelhouse.toString(), "PIP_DISABLE_PIP_VERSION_CHECK", "1"));
    });
  }

  /** The RUN instructions between {@code USER root} and the runtime user, continuation lines joined. */
  static String buildSteps(String dockerfile) {
    List<String> steps = new ArrayList<>();
    boolean asRoot = false;
    StringBuilder current = null;
    for (String line : dockerfile.lines().toList()) {
      if (current != null) {
        current.append('\n').append(line);
        if (!line.endsWith("\\")) {
          steps.add(current.toString());
          current = null;
        }
      } else if (line.equals("USER root")) {
        asRoot = true;
      } else if (asRoot && line.startsWith("RUN ")) {
        current = new StringBuilder(line.substring(4));
        if (!line.endsWith("\\")) {
          steps.add(current.toString());
          current = null;
        }
      }
    }
    assertTrue(steps.size() >= 3, "no build steps in\n" + dockerfile);
    return String.join("\n", steps) + "\n";
  }

  private static Path appDir(Path root) {
    return root.resolve("srv-app");
  }
}
