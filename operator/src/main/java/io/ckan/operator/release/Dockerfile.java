package io.ckan.operator.release;

import io.ckan.operator.api.ExtensionSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Pure: renders the Dockerfile of a release image, the CKAN base image plus the pinned extensions.
 *
 * <p>What it relies on in the official ckan-base images (ckan/ckan-docker-base, ckan-2.10 and ckan-2.11 Dockerfiles,
 * layout since release v20241125): Python packages live in the system interpreter under /usr/local (no virtualenv),
 * {@code PIP_SRC=${SRC_DIR}=/srv/app/src} is where {@code pip install -e} checks sources out, /usr/local belongs to
 * {@code ckan-sys} (uid 502) and /srv/app/src to {@code ckan} (uid 503), and the image runs as {@code USER ckan}.
 * Neither user can both write site-packages and the source directory, so installs run as root (as the images' own
 * {@code install_src.sh} requires) and the image switches back to the runtime user at the end.
 *
 * <p>Safety: every value that comes from the spec is re-checked against {@link Patterns} here, appears only inside a
 * quoted pip argument, and git commits are never part of the text at all: they are build ARGs the build Job fills in
 * from the refs it resolved, so the Dockerfile (and the image fingerprint) does not change when a tag is re-resolved.
 */
public final class Dockerfile {
  private Dockerfile() {}

  /**
   * The runtime user, numeric so that {@code runAsNonRoot} can be verified by the kubelet (a user name cannot be):
   * {@code ckan:ckan-sys} in the ckan-base images.
   */
  public static final String RUNTIME_USER = "503:502";
  /** Where the image keeps its {@code pip freeze --all} (the build Job reads it back from the built image). */
  public static final String LOCK_PATH = "/srv/app/requirements.lock";
  /** pip's constraints file of spec.constraints, written only when there are constraints. */
  public static final String CONSTRAINTS_PATH = "/srv/app/constraints.txt";
  public static final String VERSION_LABEL = "io.ckan.version";

  private static final String ARG_PREFIX = "CKAN_EXT_";
  private static final String ARG_SUFFIX = "_COMMIT";
  private static final String PIP = "pip install --no-cache-dir";

  /** A PEP 508 project name: what pip accepts after {@code #egg=}. */
  private static final Pattern PROJECT_NAME = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$");

  public static String render(String baseImage, String ckanVersion, List<ExtensionSpec> extensions) {
    return render(baseImage, ckanVersion, extensions, List.of());
  }

  /**
   * @param constraints exact pins every install is constrained by ({@code pip -c}); with none the text is exactly
   *     what it was before constraints existed, so existing images keep their fingerprints
   */
  public static String render(String baseImage, String ckanVersion, List<ExtensionSpec> extensions,
      List<String> constraints) {
    require(Tokens.IMAGE, baseImage, "base image");
    require(Tokens.VERSION, ckanVersion, "CKAN version");
    List<String> pins = constraints == null ? List.of() : constraints;
    pins.forEach(pin -> require(Tokens.PIP_PIN, pin, "constraint"));
    String pip = pins.isEmpty() ? PIP : PIP + " -c " + CONSTRAINTS_PATH;
    StringBuilder out = new StringBuilder();
    out.append("FROM ").append(baseImage).append('\n');
    out.append("LABEL ").append(VERSION_LABEL).append("=\"").append(ckanVersion).append("\"\n");
    out.append("# Rendered by ckan-operator from spec.extensions: one layer per extension, in name order.\n");
    out.append("# ckanext-envvars ships with the ckan-base image and is not installed again.\n");
    out.append("# Installs run as root: site-packages (/usr/local) belongs to ckan-sys and $PIP_SRC to ckan.\n");
    out.append("USER root\n");
    if (!pins.isEmpty()) {
      out.append("# spec.constraints: pins of transitive dependencies, applied to every install below.\n");
      out.append("RUN printf '%s\\n'");
      pins.forEach(pin -> out.append(" '").append(pin).append('\''));
      out.append(" > ").append(CONSTRAINTS_PATH).append('\n');
    }
    for (ExtensionSpec extension : sorted(extensions)) {
      if (extension.git == null) {
        out.append("RUN ").append(pip).append(" '").append(extension.pip).append("'\n");
      } else {
        String egg = eggName(extension.git.url);
        String arg = argName(extension.name);
        out.append("ARG ").append(arg).append('\n');
        out.append("RUN ").append(pip).append(" -e \"git+").append(extension.git.url).append("@${").append(arg)
            .append(":?}#egg=").append(egg).append('"');
        if (extension.requirementsFile != null) {
          out.append(" \\\n && ").append(pip).append(" -r \"${PIP_SRC}/").append(egg).append('/')
              .append(extension.requirementsFile).append('"');
        }
        out.append('\n');
      }
    }
    out.append("# Each install resolves alone; fail the build when the installed requirements conflict.\n");
    out.append("RUN pip check\n");
    out.append("# The image's locked set: its complete installed Python set, read back by the build Job.\n");
    out.append("RUN pip freeze --all > ").append(LOCK_PATH).append('\n');
    out.append("USER ").append(RUNTIME_USER).append('\n');
    return out.toString();
  }

  /** The build ARGs of the git extensions, in the order the Dockerfile declares them. */
  public static List<String> gitBuildArgs(List<ExtensionSpec> extensions) {
    return sorted(extensions).stream().filter(e -> e.git != null).map(e -> argName(e.name)).toList();
  }

  /** {@code dcat-ap} -> {@code CKAN_EXT_DCAT_AP_COMMIT}. Extension names have no '_', so this is one-to-one. */
  public static String argName(String extensionName) {
    require(Tokens.EXTENSION_NAME, extensionName, "extension name");
    return ARG_PREFIX + extensionName.toUpperCase(Locale.ROOT).replace('-', '_') + ARG_SUFFIX;
  }

  /**
   * The project name pip checks the source out under: the URL's last path segment without {@code .git}, normalized
   * as pip names the directory in {@code $PIP_SRC} (PEP 503: lower case, runs of {@code -_.} become {@code -}).
   */
  public static String eggName(String gitUrl) {
    require(Tokens.GIT_URL, gitUrl, "git URL");
    String path = gitUrl.endsWith("/") ? gitUrl.substring(0, gitUrl.length() - 1) : gitUrl;
    String segment = path.substring(path.lastIndexOf('/') + 1);
    if (segment.endsWith(".git")) {
      segment = segment.substring(0, segment.length() - 4);
    }
    if (!PROJECT_NAME.matcher(segment).matches()) {
      throw new IllegalArgumentException("the last path segment of git URL " + gitUrl
          + " is not a Python project name");
    }
    return segment.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
  }

  /** The extensions by name, each checked: exactly one source, every token matching its pattern. */
  static List<ExtensionSpec> sorted(List<ExtensionSpec> extensions) {
    List<ExtensionSpec> result = new ArrayList<>(extensions == null ? List.of() : extensions);
    result.forEach(Dockerfile::check);
    result.sort(Comparator.comparing(e -> e.name));
    for (int i = 1; i < result.size(); i++) {
      if (result.get(i).name.equals(result.get(i - 1).name)) {
        throw new IllegalArgumentException("extension " + result.get(i).name + " is listed twice");
      }
    }
    return result;
  }

  private static void check(ExtensionSpec extension) {
    require(Tokens.EXTENSION_NAME, extension.name, "extension name");
    if ((extension.pip == null) == (extension.git == null)) {
      throw new IllegalArgumentException("extension " + extension.name + " needs exactly one of pip or git");
    }
    if (extension.pip != null) {
      require(Tokens.PIP_PIN, extension.pip, "pip requirement of " + extension.name);
      if (extension.requirementsFile != null) {
        throw new IllegalArgumentException("extension " + extension.name
            + ": requirementsFile applies to git sources only (a PyPI package declares its own requirements)");
      }
    } else {
      eggName(extension.git.url);
    }
    if (extension.requirementsFile != null) {
      require(Tokens.RELATIVE_PATH, extension.requirementsFile, "requirementsFile of " + extension.name);
      if (List.of(extension.requirementsFile.split("/")).contains("..")) {
        throw new IllegalArgumentException("requirementsFile of " + extension.name + " leaves the source tree");
      }
    }
  }

  private static void require(Pattern pattern, String value, String what) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " '" + value + "' does not match " + pattern.pattern());
    }
  }
}
