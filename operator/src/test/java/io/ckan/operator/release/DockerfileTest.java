package io.ckan.operator.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.api.GitSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DockerfileTest {

  static ExtensionSpec pip(String name, String pin) {
    ExtensionSpec e = new ExtensionSpec();
    e.name = name;
    e.pip = pin;
    return e;
  }

  static ExtensionSpec git(String name, String url, String ref, String requirementsFile) {
    ExtensionSpec e = new ExtensionSpec();
    e.name = name;
    e.git = new GitSource();
    e.git.url = url;
    e.git.ref = ref;
    e.requirementsFile = requirementsFile;
    return e;
  }

  // real extensions at real pins (ckanext-dcat v2.4.4 release, ckanext-scheming 3.1.0 on PyPI; ckanext-harvest keeps
  // its requirements in pip-requirements.txt, ckanext-spatial in requirements.txt)
  static final ExtensionSpec DCAT = pip("dcat", "ckanext-dcat==2.4.4");
  static final ExtensionSpec HARVEST =
      git("harvest", "https://github.com/ckan/ckanext-harvest.git", "v1.6.3", "pip-requirements.txt");
  static final ExtensionSpec SCHEMING = pip("scheming", "ckanext-scheming==3.1.0");
  static final ExtensionSpec SPATIAL =
      git("spatial", "https://github.com/ckan/ckanext-spatial", "v2.3.2", "requirements.txt");

  // installed from its git tag with its own setup.py requirements only: no requirements-file step
  static final ExtensionSpec SCHEMING_GIT =
      git("scheming", "https://github.com/ckan/ckanext-scheming.git", "release-3.1.0", null);

  /** What every release Dockerfile starts with: the base, its version label, and root for the installs. */
  static String head(String base, String version) {
    return """
        FROM %s
        LABEL io.ckan.version="%s"
        # Rendered by ckan-operator from spec.extensions: one layer per extension, in name order.
        # ckanext-envvars ships with the ckan-base image and is not installed again.
        # Installs run as root: site-packages (/usr/local) belongs to ckan-sys and $PIP_SRC to ckan.
        USER root
        """.formatted(base, version);
  }

  /** What every release Dockerfile ends with: the conflict check, then the runtime user. */
  static final String TAIL = """
      # Each install resolves alone; fail the build when the installed requirements conflict.
      RUN pip check
      # The image's locked set: its complete installed Python set, read back by the build Job.
      RUN pip freeze --all > /srv/app/requirements.lock
      USER 503:502
      """;

  static final String DCAT_LAYER = """
      RUN pip install --no-cache-dir 'ckanext-dcat==2.4.4'
      """;
  static final String HARVEST_LAYER = """
      ARG CKAN_EXT_HARVEST_COMMIT
      RUN pip install --no-cache-dir -e "git+https://github.com/ckan/ckanext-harvest.git@${CKAN_EXT_HARVEST_COMMIT:?}#egg=ckanext-harvest" \\
       && pip install --no-cache-dir -r "${PIP_SRC}/ckanext-harvest/pip-requirements.txt"
      """;
  static final String SCHEMING_LAYER = """
      RUN pip install --no-cache-dir 'ckanext-scheming==3.1.0'
      """;
  static final String SPATIAL_LAYER = """
      ARG CKAN_EXT_SPATIAL_COMMIT
      RUN pip install --no-cache-dir -e "git+https://github.com/ckan/ckanext-spatial@${CKAN_EXT_SPATIAL_COMMIT:?}#egg=ckanext-spatial" \\
       && pip install --no-cache-dir -r "${PIP_SRC}/ckanext-spatial/requirements.txt"
      """;
  static final String SCHEMING_GIT_LAYER = """
      ARG CKAN_EXT_SCHEMING_COMMIT
      RUN pip install --no-cache-dir -e "git+https://github.com/ckan/ckanext-scheming.git@${CKAN_EXT_SCHEMING_COMMIT:?}#egg=ckanext-scheming"
      """;

  static final String DCAT_AND_HARVEST = head("ckan/ckan-base:2.11.5", "2.11.5") + DCAT_LAYER + HARVEST_LAYER + TAIL;
  static final String SCHEMING_AND_SPATIAL =
      head("ckan/ckan-base:2.10.10", "2.10.10") + SCHEMING_LAYER + SPATIAL_LAYER + TAIL;
  static final String ALL_FOUR = head("registry.example.org/mirror/ckan-base:2.11.5@sha256:" + "a".repeat(64), "2.11.5")
      + DCAT_LAYER + HARVEST_LAYER + SCHEMING_LAYER + SPATIAL_LAYER + TAIL;
  static final String NO_EXTENSIONS = head("ckan/ckan-base:2.11.5", "2.11.5") + TAIL;
  static final String SCHEMING_FROM_GIT = head("ckan/ckan-base:2.11.5", "2.11.5") + DCAT_LAYER + SCHEMING_GIT_LAYER
      + TAIL;

  record Case(String base, String version, List<ExtensionSpec> extensions, String expected,
      List<String> gitArgs) {}

  static Stream<Arguments> sets() {
    return Stream.of(
        Arguments.of("dcat from PyPI + harvest from git", new Case("ckan/ckan-base:2.11.5", "2.11.5",
            List.of(HARVEST, DCAT), DCAT_AND_HARVEST, List.of("CKAN_EXT_HARVEST_COMMIT"))),
        Arguments.of("scheming from PyPI + spatial from git (2.10)", new Case("ckan/ckan-base:2.10.10", "2.10.10",
            List.of(SPATIAL, SCHEMING), SCHEMING_AND_SPATIAL, List.of("CKAN_EXT_SPATIAL_COMMIT"))),
        Arguments.of("all four, base pinned by digest", new Case(
            "registry.example.org/mirror/ckan-base:2.11.5@sha256:" + "a".repeat(64), "2.11.5",
            List.of(SPATIAL, DCAT, SCHEMING, HARVEST), ALL_FOUR,
            List.of("CKAN_EXT_HARVEST_COMMIT", "CKAN_EXT_SPATIAL_COMMIT"))),
        Arguments.of("scheming from git without a requirements file", new Case("ckan/ckan-base:2.11.5", "2.11.5",
            List.of(SCHEMING_GIT, DCAT), SCHEMING_FROM_GIT, List.of("CKAN_EXT_SCHEMING_COMMIT"))),
        Arguments.of("no extensions", new Case("ckan/ckan-base:2.11.5", "2.11.5", List.of(), NO_EXTENSIONS,
            List.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void rendersTheExpectedText(String what, Case c) {
    assertEquals(c.expected(), Dockerfile.render(c.base(), c.version(), c.extensions()));
    assertEquals(c.gitArgs(), Dockerfile.gitBuildArgs(c.extensions()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void sameTextWhateverTheInputOrder(String what, Case c) {
    List<ExtensionSpec> reversed = new ArrayList<>(c.extensions());
    Collections.reverse(reversed);
    List<ExtensionSpec> rotated = new ArrayList<>(c.extensions());
    Collections.rotate(rotated, 1);
    String expected = Dockerfile.render(c.base(), c.version(), c.extensions());
    assertEquals(expected, Dockerfile.render(c.base(), c.version(), reversed));
    assertEquals(expected, Dockerfile.render(c.base(), c.version(), rotated));
    assertEquals(Dockerfile.gitBuildArgs(c.extensions()), Dockerfile.gitBuildArgs(reversed));
  }

  /** Outside single- or double-quoted words, no value from the spec appears: only our text and ARG names. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void userTokensOnlyInsideQuotedPipArguments(String what, Case c) {
    String text = Dockerfile.render(c.base(), c.version(), c.extensions());
    List<String> tokens = new ArrayList<>();
    for (ExtensionSpec e : c.extensions()) {
      tokens.add(e.name);
      if (e.pip != null) {
        tokens.add(e.pip);
      } else {
        tokens.add(e.git.url);
        tokens.add(e.git.ref);
        tokens.add(Dockerfile.eggName(e.git.url));
      }
      if (e.requirementsFile != null) {
        tokens.add(e.requirementsFile);
      }
    }
    for (String line : text.split("\n")) {
      if (line.startsWith("FROM ") || line.startsWith("#")) {
        continue;
      }
      String unquoted = line.replaceAll("'[^']*'", "''").replaceAll("\"[^\"]*\"", "\"\"");
      for (String token : tokens) {
        assertFalse(unquoted.contains(token), () -> "'" + token + "' unquoted in: " + line);
      }
      if (line.startsWith("RUN ")) {
        assertFalse(line.matches(".*\\$\\{(?!CKAN_EXT_[A-Z0-9_]+_COMMIT:\\?\\}|PIP_SRC\\}).*"),
            () -> "only our ARGs and PIP_SRC are expanded in: " + line);
      }
    }
    // refs are never in the text: they are resolved to commits and passed as build args
    c.extensions().stream().filter(e -> e.git != null)
        .forEach(e -> assertFalse(text.contains("@" + e.git.ref), e.git.ref));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sets")
  void runsAsTheNonRootCkanUserLast(String what, Case c) {
    List<String> lines = Dockerfile.render(c.base(), c.version(), c.extensions()).lines().toList();
    assertEquals("USER 503:502", lines.get(lines.size() - 1));
    assertEquals("RUN pip check", lines.get(lines.size() - 4));
    assertEquals("RUN pip freeze --all > /srv/app/requirements.lock", lines.get(lines.size() - 2));
    assertTrue(lines.get(0).startsWith("FROM " + c.base()));
    assertTrue(lines.stream().noneMatch(l -> l.contains("ckanext-envvars") && l.startsWith("RUN")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "dcat, CKAN_EXT_DCAT_COMMIT",
      "dcat-ap, CKAN_EXT_DCAT_AP_COMMIT",
      "x2, CKAN_EXT_X2_COMMIT",
      "a-b-c-1, CKAN_EXT_A_B_C_1_COMMIT"})
  void argNames(String name, String arg) {
    assertEquals(arg, Dockerfile.argName(name));
  }

  /** An ARG name is built from the extension name only after the name is checked: nothing else reaches the text. */
  @ParameterizedTest(name = "[{index}] {0}")
  @NullAndEmptySource
  @ValueSource(strings = {"a;b", "DCAT", "dcat_ap", "-dcat", "dcat-", "dcat ap", "dcat\nRUN id"})
  void argNamesRefuseWhatIsNotAnExtensionName(String name) {
    assertThrows(IllegalArgumentException.class, () -> Dockerfile.argName(name));
  }

  @Test
  void constraintsConstrainEveryInstallAndAreWrittenBeforeThem() {
    String expected = head("ckan/ckan-base:2.11.5", "2.11.5") + """
        # spec.constraints: pins of transitive dependencies, applied to every install below.
        RUN printf '%s\\n' 'PyLD==2.0.4' 'rdflib==7.1.4' > /srv/app/constraints.txt
        RUN pip install --no-cache-dir -c /srv/app/constraints.txt 'ckanext-dcat==2.4.4'
        ARG CKAN_EXT_HARVEST_COMMIT
        RUN pip install --no-cache-dir -c /srv/app/constraints.txt -e "git+https://github.com/ckan/ckanext-harvest.git@${CKAN_EXT_HARVEST_COMMIT:?}#egg=ckanext-harvest" \\
         && pip install --no-cache-dir -c /srv/app/constraints.txt -r "${PIP_SRC}/ckanext-harvest/pip-requirements.txt"
        """ + TAIL;
    assertEquals(expected, Dockerfile.render("ckan/ckan-base:2.11.5", "2.11.5", List.of(HARVEST, DCAT),
        List.of("PyLD==2.0.4", "rdflib==7.1.4")));
    assertEquals(DCAT_AND_HARVEST, Dockerfile.render("ckan/ckan-base:2.11.5", "2.11.5", List.of(HARVEST, DCAT),
        List.of()), "no constraints: the text (and so every existing image fingerprint) is unchanged");
  }

  @ParameterizedTest
  @ValueSource(strings = {"requests>=2", "requests==2.32.3' && curl evil", "requests==2.32.3\nRUN id", "requests",
      "-r /etc/passwd"})
  void constraintsThatAreNotExactPinsNeverReachTheText(String pin) {
    assertThrows(IllegalArgumentException.class, () -> Dockerfile.render("ckan/ckan-base:2.11.5", "2.11.5",
        List.of(DCAT), List.of("six==1.17.0", pin)));
  }

  @Test
  void noExtensionListIsNoExtensions() {
    assertEquals(NO_EXTENSIONS, Dockerfile.render("ckan/ckan-base:2.11.5", "2.11.5", null));
    assertEquals(List.of(), Dockerfile.gitBuildArgs(null));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "https://github.com/ckan/ckanext-harvest.git, ckanext-harvest",
      "https://github.com/ckan/ckanext-spatial, ckanext-spatial",
      "https://github.com/ckan/ckanext-spatial/, ckanext-spatial",
      "https://gitlab.example.org:8443/group/sub/ckanext_Foo.Bar.git, ckanext-foo-bar",
      "https://git.example.org/ckanext-x__y, ckanext-x-y"})
  void eggNames(String url, String egg) {
    assertEquals(egg, Dockerfile.eggName(url));
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of("pip pin with a quote", (Consumer<List<ExtensionSpec>>) l ->
            l.add(pip("evil", "ckanext-dcat==2.4.4'; rm -rf /"))),
        Arguments.of("unpinned pip requirement", (Consumer<List<ExtensionSpec>>) l ->
            l.add(pip("dcat2", "ckanext-dcat>=2"))),
        Arguments.of("name with shell characters", (Consumer<List<ExtensionSpec>>) l ->
            l.add(pip("a;b", "ckanext-dcat==2.4.4"))),
        Arguments.of("git URL with a command substitution", (Consumer<List<ExtensionSpec>>) l ->
            l.add(git("evil", "https://github.com/$(id)/x", "v1", null))),
        Arguments.of("plain http git URL", (Consumer<List<ExtensionSpec>>) l ->
            l.add(git("evil", "http://github.com/ckan/ckanext-harvest", "v1", null))),
        Arguments.of("git URL whose last segment is no project name", (Consumer<List<ExtensionSpec>>) l ->
            l.add(git("tilde", "https://github.com/ckan/~ckanext", "v1", null))),
        Arguments.of("requirements file outside the tree", (Consumer<List<ExtensionSpec>>) l ->
            l.add(git("up", "https://github.com/ckan/ckanext-up", "v1", "docs/../../etc/passwd"))),
        Arguments.of("absolute requirements file", (Consumer<List<ExtensionSpec>>) l ->
            l.add(git("abs", "https://github.com/ckan/ckanext-abs", "v1", "/etc/requirements.txt"))),
        Arguments.of("requirements file with a space", (Consumer<List<ExtensionSpec>>) l ->
            l.add(git("space", "https://github.com/ckan/ckanext-space", "v1", "requirements dev.txt"))),
        Arguments.of("extension without a name", (Consumer<List<ExtensionSpec>>) l ->
            l.add(pip(null, "ckanext-x==1.0"))),
        Arguments.of("requirements file on a pip source", (Consumer<List<ExtensionSpec>>) l -> {
          ExtensionSpec e = pip("dcat3", "ckanext-dcat==2.4.4");
          e.requirementsFile = "requirements.txt";
          l.add(e);
        }),
        Arguments.of("both sources", (Consumer<List<ExtensionSpec>>) l -> {
          ExtensionSpec e = git("both", "https://github.com/ckan/ckanext-both", "v1", null);
          e.pip = "ckanext-both==1.0";
          l.add(e);
        }),
        Arguments.of("no source", (Consumer<List<ExtensionSpec>>) l -> {
          ExtensionSpec e = new ExtensionSpec();
          e.name = "none";
          l.add(e);
        }),
        Arguments.of("duplicate name", (Consumer<List<ExtensionSpec>>) l -> l.add(pip("dcat", "ckanext-x==1.0"))));
  }

  @ParameterizedTest(name = "rejects {0}")
  @MethodSource("rejected")
  void rejectsWhatValidationShouldHaveStopped(String what, Consumer<List<ExtensionSpec>> change) {
    List<ExtensionSpec> extensions = new ArrayList<>(List.of(DCAT, HARVEST));
    change.accept(extensions);
    assertThrows(IllegalArgumentException.class, () -> Dockerfile.render("ckan/ckan-base:2.11.5", "2.11.5",
        extensions));
  }

  @Test
  void rejectsUnsafeBaseImageAndVersion() {
    assertThrows(IllegalArgumentException.class,
        () -> Dockerfile.render("ckan/ckan-base:2.11.5\nRUN id", "2.11.5", List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> Dockerfile.render("ckan/ckan-base:2.11.5", "2.11.5\"", List.of()));
    assertThrows(IllegalArgumentException.class, () -> Dockerfile.render(null, "2.11.5", List.of()));
    assertThrows(IllegalArgumentException.class, () -> Dockerfile.render("ckan/ckan-base:2.11.5", null, List.of()));
  }
}
