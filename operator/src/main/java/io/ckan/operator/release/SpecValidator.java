package io.ckan.operator.release;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.api.GitSource;
import io.ckan.operator.api.Patterns;
import io.ckan.operator.api.RolloutSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a spec the way the CRD schema does (for API servers that skip it and for `render`), plus what a schema
 * cannot say: plugins must come from an extension or CKAN core, and secrets never go into {@code config}.
 */
public final class SpecValidator {
  private SpecValidator() {}

  private static final Pattern PROJECT_NAME = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$");

  /** Options whose values are credentials: they must come from a Secret, never from spec.config. */
  private static final Set<String> SECRET_OPTIONS = Set.of(
      "sqlalchemy.url", "ckan.datastore.write_url", "ckan.datastore.read_url", "ckan.redis.url",
      "solr_password", "smtp.password", "beaker.session.secret", "api_token.jwt.encode.secret",
      "api_token.jwt.decode.secret", "secret_key");
  private static final List<String> SECRET_WORDS = List.of("secret", "password", "passwd", "token", "credential");

  /** A CkanInstance's name and spec: errors of the name ({@code metadata.name}) first. */
  public static List<FieldError> validate(String name, CkanInstanceSpec spec) {
    List<FieldError> errors = new ArrayList<>(validateName(name));
    errors.addAll(validate(spec));
    return errors;
  }

  /** The instance's name, after which the operator names its objects ({@code resources.Names}). */
  public static List<FieldError> validateName(String name) {
    return InstanceName.check(name);
  }

  public static List<FieldError> validate(CkanInstanceSpec spec) {
    List<FieldError> errors = new ArrayList<>();
    if (spec == null) {
      errors.add(new FieldError("spec", "is required"));
      return errors;
    }
    if (spec.version == null) {
      errors.add(new FieldError("spec.version", "is required (CKAN core version X.Y.Z, e.g. 2.11.5)"));
    } else if (!Tokens.VERSION.matcher(spec.version).matches()) {
      errors.add(new FieldError("spec.version", "'" + spec.version + "' is not a CKAN version X.Y.Z (e.g. 2.11.5)"));
    }
    if (spec.image != null) {
      if (spec.image.base != null && !Tokens.IMAGE.matcher(spec.image.base).matches()) {
        errors.add(new FieldError("spec.image.base", "'" + spec.image.base + "' is not an image reference"));
      }
      if (spec.image.prebuilt != null && !Tokens.IMAGE_BY_DIGEST.matcher(spec.image.prebuilt).matches()) {
        errors.add(new FieldError("spec.image.prebuilt",
            "'" + spec.image.prebuilt + "' must be pinned by digest: repository@sha256:<64 hex digits>"));
      }
    }
    Set<String> extensionPlugins = validateExtensions(spec.extensions, errors);
    validatePlugins(spec.plugins, extensionPlugins, errors);
    validateConfig(spec.config, errors);
    if (spec.replicas != null && spec.replicas < 0) {
      errors.add(new FieldError("spec.replicas", "must be 0 or more, got " + spec.replicas));
    }
    validateRollout(spec.rollout, errors);
    validateRuntime(spec, errors);
    if (spec.build != null) {
      if (spec.build.registry != null && !Tokens.REPOSITORY.matcher(spec.build.registry).matches()) {
        errors.add(new FieldError("spec.build.registry", "'" + spec.build.registry
            + "' must be a repository without tag or digest, e.g. registry.example.org/ckan/portal"));
      }
      if (spec.build.pushSecret != null && !Tokens.OBJECT_NAME.matcher(spec.build.pushSecret).matches()) {
        errors.add(new FieldError("spec.build.pushSecret", "'" + spec.build.pushSecret + "' is not a Secret name"));
      }
      if (spec.build.timeoutSeconds != null && (spec.build.timeoutSeconds < 60 || spec.build.timeoutSeconds > 21600)) {
        errors.add(new FieldError("spec.build.timeoutSeconds", "must be between 60 and 21600"));
      }
    }
    return errors;
  }

  private static Set<String> validateExtensions(List<ExtensionSpec> extensions, List<FieldError> errors) {
    Set<String> provided = new HashSet<>();
    if (extensions == null) {
      return provided;
    }
    Set<String> names = new HashSet<>();
    Set<String> eggs = new HashSet<>();
    for (int i = 0; i < extensions.size(); i++) {
      ExtensionSpec ext = extensions.get(i);
      String at = "spec.extensions[" + i + "]";
      if (ext == null) {
        errors.add(new FieldError(at, "must not be null"));
        continue;
      }
      if (ext.name == null || !Tokens.EXTENSION_NAME.matcher(ext.name).matches()) {
        errors.add(new FieldError(at + ".name", "'" + ext.name + "' must be a lowercase name (a-z, 0-9, '-'), at most 63 characters"));
      } else if (!names.add(ext.name)) {
        errors.add(new FieldError(at + ".name", "'" + ext.name + "' is used by another extension; names must be unique"));
      }
      if ((ext.pip == null) == (ext.git == null)) {
        errors.add(new FieldError(at, "set exactly one source: pip or git"));
      }
      if (ext.pip != null && !Tokens.PIP_PIN.matcher(ext.pip).matches()) {
        errors.add(new FieldError(at + ".pip", "'" + ext.pip + "' must be an exact pin such as ckanext-dcat==2.4.4"));
      }
      if (ext.git != null) {
        validateGit(ext.git, at + ".git", errors);
      }
      if (ext.requirementsFile != null && ext.pip != null) {
        errors.add(new FieldError(at + ".requirementsFile", "applies to git sources only; a PyPI package "
            + "declares its own dependencies"));
      }
      if (ext.git != null && ext.git.url != null && Tokens.GIT_URL.matcher(ext.git.url).matches()) {
        String egg = eggOf(ext.git.url);
        if (!PROJECT_NAME.matcher(egg).matches()) {
          errors.add(new FieldError(at + ".git.url", "must end in a Python project name (got '" + egg + "')"));
        } else if (!eggs.add(egg.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-'))) {
          errors.add(new FieldError(at + ".git.url", "installs project '" + egg + "', like another extension"));
        }
      }
      if (ext.requirementsFile != null && (!Tokens.RELATIVE_PATH.matcher(ext.requirementsFile).matches()
          || ext.requirementsFile.contains(".."))) {
        errors.add(new FieldError(at + ".requirementsFile",
            "'" + ext.requirementsFile + "' must be a relative path inside the source (letters, digits, . _ - /; no '..')"));
      }
      if (ext.plugins != null) {
        for (int p = 0; p < ext.plugins.size(); p++) {
          String plugin = ext.plugins.get(p);
          if (plugin == null || !Tokens.PLUGIN.matcher(plugin).matches()) {
            errors.add(new FieldError(at + ".plugins[" + p + "]", "'" + plugin + "' is not a plugin name (letters, digits, _)"));
          } else {
            provided.add(plugin);
          }
        }
      }
    }
    return provided;
  }

  /** The project pip installs from a git URL: its last path segment without .git. */
  static String eggOf(String url) {
    String path = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    String last = path.substring(path.lastIndexOf('/') + 1);
    return last.endsWith(".git") ? last.substring(0, last.length() - 4) : last;
  }

  private static void validateGit(GitSource git, String at, List<FieldError> errors) {
    if (UrlPassword.in(git.url)) {
      errors.add(new FieldError(at + ".url", "'" + UrlPassword.redacted(git.url) + "' carries a password: git sources "
          + "are cloned without credentials and the URL would be baked into the image; for a private repository build "
          + "the release image in CI and set spec.image.prebuilt"));
    } else if (git.url == null || !Tokens.GIT_URL.matcher(git.url).matches()) {
      errors.add(new FieldError(at + ".url", "'" + git.url + "' must be an https:// repository URL without credentials, query or spaces"));
    }
    if (git.ref == null || !Tokens.GIT_REF.matcher(git.ref).matches() || git.ref.contains("..")) {
      errors.add(new FieldError(at + ".ref", "'" + git.ref + "' must be a tag or a 40-hex commit (letters, digits, . _ - /)"));
    }
  }

  private static void validatePlugins(List<String> plugins, Set<String> extensionPlugins, List<FieldError> errors) {
    if (plugins == null) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < plugins.size(); i++) {
      String plugin = plugins.get(i);
      String at = "spec.plugins[" + i + "]";
      if (plugin == null || !Tokens.PLUGIN.matcher(plugin).matches()) {
        errors.add(new FieldError(at, "'" + plugin + "' is not a plugin name (letters, digits, _)"));
      } else if (!seen.add(plugin)) {
        errors.add(new FieldError(at, "'" + plugin + "' is listed twice"));
      } else if (!extensionPlugins.contains(plugin) && !CorePlugins.isBundled(plugin)) {
        errors.add(new FieldError(at, "'" + plugin + "' is neither bundled with CKAN nor listed in the plugins of any "
            + "spec.extensions entry; add the extension that provides it"));
      }
    }
  }

  private static void validateConfig(Map<String, String> config, List<FieldError> errors) {
    if (config == null) {
      return;
    }
    for (Map.Entry<String, String> entry : config.entrySet()) {
      String key = entry.getKey();
      String at = "spec.config[" + key + "]";
      if (!Tokens.CONFIG_KEY.matcher(key).matches()) {
        errors.add(new FieldError(at, "not a CKAN option name (lowercase dotted words, e.g. ckan.site_url)"));
      } else if (key.equals("ckan.plugins")) {
        errors.add(new FieldError(at, "set plugins with spec.plugins, not config"));
      } else if (looksSecret(key)) {
        errors.add(new FieldError(at, "holds a credential; secrets must come from a Secret (secretKeyRef), never spec.config"));
      }
      if (entry.getValue() == null) {
        errors.add(new FieldError(at, "has no value"));
      } else if (UrlPassword.in(entry.getValue())) {
        errors.add(new FieldError(at, "'" + UrlPassword.redacted(entry.getValue()) + "' carries a password in a URL, "
            + "and spec.config lands in a ConfigMap: put the URL in a Secret and set the option through "
            + "spec.secretConfig (option: " + key + ", secretKeyRef: {name, key}); database, DataStore and Redis URLs "
            + "go in spec.services (databaseUrl, datastoreWriteUrl, datastoreReadUrl, redisUrl)"));
      } else if (entry.getValue().length() > Patterns.CONFIG_VALUE_MAX) {
        errors.add(new FieldError(at, "is " + entry.getValue().length() + " characters long, more than "
            + Patterns.CONFIG_VALUE_MAX));
      }
    }
  }

  private static boolean looksSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_OPTIONS.contains(lower) || SECRET_WORDS.stream().anyMatch(lower::contains);
  }


  /** secretConfig, services, workers: references well formed, nothing set twice, the essentials present. */
  private static void validateRuntime(CkanInstanceSpec spec, List<FieldError> errors) {
    Set<String> options = new HashSet<>();
    if (spec.secretConfig != null) {
      for (int i = 0; i < spec.secretConfig.size(); i++) {
        var o = spec.secretConfig.get(i);
        String at = "spec.secretConfig[" + i + "]";
        if (o == null || o.option == null || !Tokens.CONFIG_KEY.matcher(o.option.toLowerCase(Locale.ROOT)).matches()) {
          errors.add(new FieldError(at + ".option", "must be a CKAN option name, e.g. beaker.session.secret"));
          continue;
        }
        if (!options.add(o.option.toLowerCase(Locale.ROOT))) {
          errors.add(new FieldError(at + ".option", "'" + o.option + "' is set twice"));
        }
        if (spec.config != null && spec.config.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(o.option))) {
          errors.add(new FieldError(at + ".option", "'" + o.option + "' is also in spec.config; set it in one place"));
        }
        validateRef(o.secretKeyRef, at + ".secretKeyRef", errors);
      }
    }
    boolean encode = options.contains("api_token.jwt.encode.secret");
    if (encode != options.contains("api_token.jwt.decode.secret")) {
      errors.add(new FieldError("spec.secretConfig", "api_token.jwt.encode.secret and api_token.jwt.decode.secret go "
          + "together (the same HS256 key): set both, or neither and the operator generates one"));
    }
    var services = spec.services;
    if (services == null) {
      errors.add(new FieldError("spec.services", "is required: CKAN cannot run without a database. Set "
          + "services.databaseUrl, solrUrl and redisUrl (credentials from Secrets), or services.managed: true for a "
          + "quickstart (not for production)"));
    } else {
      validateRef(services.databaseUrl, "spec.services.databaseUrl", errors);
      validateRef(services.datastoreWriteUrl, "spec.services.datastoreWriteUrl", errors);
      validateRef(services.datastoreReadUrl, "spec.services.datastoreReadUrl", errors);
      validateRef(services.solrUser, "spec.services.solrUser", errors);
      validateRef(services.solrPassword, "spec.services.solrPassword", errors);
      validateRef(services.redisUrl, "spec.services.redisUrl", errors);
      if (UrlPassword.in(services.solrUrl)) {
        errors.add(new FieldError("spec.services.solrUrl", "'" + UrlPassword.redacted(services.solrUrl) + "' carries "
            + "a password: give solrUrl without credentials and set spec.services.solrUser and solrPassword "
            + "(secretKeyRefs)"));
      } else if (services.solrUrl != null && !Tokens.SERVICE_URL.matcher(services.solrUrl).matches()) {
        errors.add(new FieldError("spec.services.solrUrl", "'" + services.solrUrl
            + "' must be an http(s) URL without credentials, e.g. http://solr:8983/solr/ckan"));
      }
      if (!services.managedOrDefault()) {
        if (services.databaseUrl == null) {
          errors.add(new FieldError("spec.services.databaseUrl", "is required (or set services.managed: true)"));
        }
        if (services.solrUrl == null) {
          errors.add(new FieldError("spec.services.solrUrl", "is required (or set services.managed: true)"));
        }
        if (services.redisUrl == null) {
          errors.add(new FieldError("spec.services.redisUrl", "is required (or set services.managed: true)"));
        }
      }
      if ((services.solrUser == null) != (services.solrPassword == null)) {
        errors.add(new FieldError("spec.services.solrUser", "solrUser and solrPassword go together"));
      }
      if (services.datastoreReadUrl != null && services.datastoreWriteUrl == null) {
        errors.add(new FieldError("spec.services.datastoreWriteUrl", "is required with datastoreReadUrl"));
      }
    }
    if (spec.workers != null && spec.workers.replicas != null && spec.workers.replicas < 0) {
      errors.add(new FieldError("spec.workers.replicas", "must be 0 or more"));
    }
  }

  private static void validateRef(io.ckan.operator.api.SecretKeyRef ref, String at, List<FieldError> errors) {
    if (ref == null) {
      return;
    }
    if (ref.name == null || !Tokens.OBJECT_NAME.matcher(ref.name).matches()) {
      errors.add(new FieldError(at + ".name", "'" + ref.name + "' is not a Secret name"));
    }
    if (ref.key == null || !Tokens.SECRET_KEY.matcher(ref.key).matches()) {
      errors.add(new FieldError(at + ".key", "'" + ref.key + "' is not a Secret key"));
    }
  }

  private static void validateRollout(RolloutSpec rollout, List<FieldError> errors) {
    if (rollout == null) {
      return;
    }
    if (rollout.progressDeadlineSeconds != null && rollout.progressDeadlineSeconds < 1) {
      errors.add(new FieldError("spec.rollout.progressDeadlineSeconds", "must be at least 1"));
    }
    if (rollout.bakeSeconds != null && rollout.bakeSeconds < 0) {
      errors.add(new FieldError("spec.rollout.bakeSeconds", "must be 0 or more"));
    }
    if (rollout.revisionHistoryLimit != null && rollout.revisionHistoryLimit < 1) {
      errors.add(new FieldError("spec.rollout.revisionHistoryLimit", "must be at least 1"));
    }
  }
}
