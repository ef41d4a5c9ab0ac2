package io.ckan.operator.release;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.Patterns;
import io.ckan.operator.api.SecretOption;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** spec.config (non-secret options, which land in a ConfigMap) and spec.secretConfig (options from Secrets). */
final class ConfigCheck {
  private ConfigCheck() {}

  /** Options whose values are credentials: they must come from a Secret, never from spec.config. */
  private static final Set<String> SECRET_OPTIONS = Set.of(
      "sqlalchemy.url", "ckan.datastore.write_url", "ckan.datastore.read_url", "ckan.redis.url",
      "solr_password", "smtp.password", "beaker.session.secret", "api_token.jwt.encode.secret",
      "api_token.jwt.decode.secret", "secret_key");
  private static final List<String> SECRET_WORDS = List.of("secret", "password", "passwd", "token", "credential");
  private static final String JWT_ENCODE = "api_token.jwt.encode.secret";
  private static final String JWT_DECODE = "api_token.jwt.decode.secret";

  static void config(Map<String, String> config, List<FieldError> errors) {
    if (config == null) {
      return;
    }
    Checks.atMost(errors, "spec.config", config.keySet(), CkanInstanceSpec.MAX_CONFIG_OPTIONS, "options");
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
      value(entry.getValue(), key, at, errors);
    }
  }

  private static void value(String value, String key, String at, List<FieldError> errors) {
    if (value == null) {
      errors.add(new FieldError(at, "has no value"));
    } else if (UrlPassword.in(value)) {
      errors.add(new FieldError(at, "'" + UrlPassword.redacted(value) + "' carries a password in a URL, and "
          + "spec.config lands in a ConfigMap: put the URL in a Secret and set the option through spec.secretConfig "
          + "(option: " + key + ", secretKeyRef: {name, key}); database, DataStore and Redis URLs go in spec.services "
          + "(databaseUrl, datastoreWriteUrl, datastoreReadUrl, redisUrl)"));
    } else if (value.length() > Patterns.CONFIG_VALUE_MAX) {
      errors.add(new FieldError(at, "is " + value.length() + " characters long, more than "
          + Patterns.CONFIG_VALUE_MAX));
    }
  }

  private static boolean looksSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return SECRET_OPTIONS.contains(lower) || SECRET_WORDS.stream().anyMatch(lower::contains);
  }

  /** Each option once, not also in spec.config, from a well-formed reference; the JWT keys go together. */
  static void secretConfig(List<SecretOption> secretConfig, Map<String, String> config, List<FieldError> errors) {
    Set<String> options = new HashSet<>();
    Checks.items(errors, "spec.secretConfig", secretConfig, CkanInstanceSpec.MAX_SECRET_OPTIONS, "options", (o, at) -> {
      Checks.requiredText(errors, at + ".option", o.option, Tokens.CONFIG_KEY,
          "must be a CKAN option name (lowercase dotted words), e.g. beaker.session.secret");
      if (o.option != null && !options.add(o.option)) {
        errors.add(new FieldError(at + ".option", "'" + o.option + "' is set twice"));
      }
      if (o.option != null && config != null && config.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(o.option))) {
        errors.add(new FieldError(at + ".option", "'" + o.option + "' is also in spec.config; set it in one place"));
      }
      Checks.required(errors, at + ".secretKeyRef", o.secretKeyRef, "the Secret and key that hold the value");
      Checks.secretKeyRef(errors, at + ".secretKeyRef", o.secretKeyRef);
    });
    if (options.contains(JWT_ENCODE) != options.contains(JWT_DECODE)) {
      errors.add(new FieldError("spec.secretConfig", JWT_ENCODE + " and " + JWT_DECODE + " go together (the same "
          + "HS256 key): set both, or neither and the operator generates one"));
    }
  }
}
