package io.ckan.operator.release;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.api.GitSource;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** spec.extensions (each pinned, from exactly one source) and spec.plugins (each provided by CKAN or an extension). */
final class ExtensionsCheck {
  private ExtensionsCheck() {}

  private static final Pattern PROJECT_NAME = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$");
  private static final String PLUGIN_NAME = "is not a plugin name (letters, digits, _)";

  /** Checks the extensions and returns the plugins they provide. */
  static Set<String> extensions(List<ExtensionSpec> extensions, List<FieldError> errors) {
    Set<String> provided = new HashSet<>();
    Set<String> names = new HashSet<>();
    Set<String> projects = new HashSet<>();
    Checks.items(errors, "spec.extensions", extensions, CkanInstanceSpec.MAX_EXTENSIONS, "extensions", (ext, at) -> {
      Checks.requiredText(errors, at + ".name", ext.name, Tokens.EXTENSION_NAME,
          "must be a lowercase name (a-z, 0-9, '-'), at most 63 characters");
      if (ext.name != null && Tokens.EXTENSION_NAME.matcher(ext.name).matches() && !names.add(ext.name)) {
        errors.add(new FieldError(at + ".name", "'" + ext.name + "' is used by another extension; names must be unique"));
      }
      if ((ext.pip == null) == (ext.git == null)) {
        errors.add(new FieldError(at, "set exactly one source: pip or git"));
      }
      Checks.text(errors, at + ".pip", ext.pip, Tokens.PIP_PIN, "must be an exact pin such as ckanext-dcat==2.4.4");
      if (ext.git != null) {
        git(ext.git, at + ".git", projects, errors);
      }
      requirementsFile(ext, at + ".requirementsFile", errors);
      Checks.items(errors, at + ".plugins", ext.plugins, ExtensionSpec.MAX_PLUGINS, "plugins", (plugin, pluginAt) -> {
        if (Tokens.PLUGIN.matcher(plugin).matches()) {
          provided.add(plugin);
        } else {
          errors.add(new FieldError(pluginAt, "'" + plugin + "' " + PLUGIN_NAME));
        }
      });
    });
    return provided;
  }

  private static void git(GitSource git, String at, Set<String> projects, List<FieldError> errors) {
    if (UrlPassword.in(git.url)) {
      errors.add(new FieldError(at + ".url", "'" + UrlPassword.redacted(git.url) + "' carries a password: git sources "
          + "are cloned without credentials and the URL would be baked into the image; for a private repository build "
          + "the release image in CI and set spec.image.prebuilt"));
    } else {
      Checks.requiredText(errors, at + ".url", git.url, Tokens.GIT_URL,
          "must be an https:// repository URL without credentials, query or spaces");
    }
    if (git.ref != null && git.ref.contains("..")) {
      errors.add(new FieldError(at + ".ref", "'" + git.ref + "' must not contain '..'"));
    } else {
      Checks.requiredText(errors, at + ".ref", git.ref, Tokens.GIT_REF,
          "must be a tag or a 40-hex commit (letters, digits, . _ - /)");
    }
    if (git.url != null && Tokens.GIT_URL.matcher(git.url).matches()) {
      String project = projectOf(git.url);
      if (!PROJECT_NAME.matcher(project).matches()) {
        errors.add(new FieldError(at + ".url", "must end in a Python project name (got '" + project + "')"));
      } else if (!projects.add(project.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-'))) {
        errors.add(new FieldError(at + ".url", "installs project '" + project + "', like another extension"));
      }
    }
  }

  /** The project pip installs from a git URL: its last path segment without .git. */
  static String projectOf(String url) {
    String path = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    String last = path.substring(path.lastIndexOf('/') + 1);
    return last.endsWith(".git") ? last.substring(0, last.length() - 4) : last;
  }

  private static void requirementsFile(ExtensionSpec ext, String at, List<FieldError> errors) {
    if (ext.requirementsFile == null) {
      return;
    }
    if (ext.pip != null) {
      errors.add(new FieldError(at, "applies to git sources only; a PyPI package declares its own dependencies"));
    }
    if (!Tokens.RELATIVE_PATH.matcher(ext.requirementsFile).matches() || ext.requirementsFile.contains("..")) {
      errors.add(new FieldError(at, "'" + ext.requirementsFile
          + "' must be a relative path inside the source (letters, digits, . _ - /; no '..')"));
    }
  }

  static void plugins(List<String> plugins, Set<String> extensionPlugins, List<FieldError> errors) {
    Set<String> seen = new HashSet<>();
    Checks.items(errors, "spec.plugins", plugins, CkanInstanceSpec.MAX_PLUGINS, "plugins", (plugin, at) -> {
      if (!Tokens.PLUGIN.matcher(plugin).matches()) {
        errors.add(new FieldError(at, "'" + plugin + "' " + PLUGIN_NAME));
      } else if (!seen.add(plugin)) {
        errors.add(new FieldError(at, "'" + plugin + "' is listed twice"));
      } else if (!extensionPlugins.contains(plugin) && !CorePlugins.isBundled(plugin)) {
        errors.add(new FieldError(at, "'" + plugin + "' is neither bundled with CKAN nor listed in the plugins of any "
            + "spec.extensions entry; add the extension that provides it"));
      }
    });
  }
}
