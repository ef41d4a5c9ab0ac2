package io.ckan.operator.conformance;

import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The environment the kubelet gives a container, computed from its spec the way the kubelet does it:
 *
 * <ol>
 *   <li>{@code envFrom}, in order (ConfigMaps and Secrets, with {@code prefix}; keys that are not valid variable names
 *       are skipped, as the kubelet does, with an event there); a later source overrides an earlier one;</li>
 *   <li>{@code env}, in order, overriding: literal values with {@code $(VAR)} references to variables defined
 *       before expanded ({@code $$} is a literal {@code $}, unknown references stay as written), or
 *       {@code valueFrom.secretKeyRef} / {@code configMapKeyRef} / {@code fieldRef} (from the given pod fields).</li>
 * </ol>
 *
 * A missing object or key that is not {@code optional} is a {@link ConfigError} (the kubelet's
 * {@code CreateContainerConfigError}: the container is never started). {@link #expand} applies the same {@code $(VAR)}
 * expansion to command and args. The image's own ENV is not part of this (the runtime adds it underneath; the kubelet
 * cannot see it, so {@code $(VAR)} does not resolve image variables either): see {@link LocalContainer}.
 */
public final class ContainerEnv {
  private static final Pattern VALID_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

  /** The kubelet would not start the container: {@code CreateContainerConfigError}. */
  public static final class ConfigError extends RuntimeException {
    public ConfigError(String message) {
      super("CreateContainerConfigError: " + message);
    }
  }

  private ContainerEnv() {}

  /**
   * @param configMaps ConfigMap data by name
   * @param secrets    Secret data (decoded) by name
   * @param podFields  values for {@code fieldRef} by field path (e.g. {@code metadata.name}); may be empty
   * @return the container's variables in definition order
   * @throws ConfigError for a missing non-optional ConfigMap, Secret or key
   */
  public static Map<String, String> resolve(Container c, Map<String, Map<String, String>> configMaps,
      Map<String, Map<String, String>> secrets, Map<String, String> podFields) {
    Map<String, String> env = new LinkedHashMap<>();
    if (c.getEnvFrom() != null) {
      for (EnvFromSource from : c.getEnvFrom()) {
        String prefix = from.getPrefix() == null ? "" : from.getPrefix();
        Map<String, String> data;
        if (from.getConfigMapRef() != null) {
          data = object("ConfigMap", configMaps, from.getConfigMapRef().getName(),
              from.getConfigMapRef().getOptional());
        } else if (from.getSecretRef() != null) {
          data = object("Secret", secrets, from.getSecretRef().getName(), from.getSecretRef().getOptional());
        } else {
          continue;
        }
        data.forEach((k, v) -> {
          if (VALID_NAME.matcher(prefix + k).matches()) {
            env.put(prefix + k, v);
          }
        });
      }
    }
    if (c.getEnv() != null) {
      for (EnvVar e : c.getEnv()) {
        String value = e.getValueFrom() == null ? expand(e.getValue() == null ? "" : e.getValue(), env)
            : valueFrom(e.getName(), e.getValueFrom(), configMaps, secrets, podFields);
        if (value != null) {
          env.put(e.getName(), value);
        }
      }
    }
    return env;
  }

  private static String valueFrom(String name, EnvVarSource src, Map<String, Map<String, String>> configMaps,
      Map<String, Map<String, String>> secrets, Map<String, String> podFields) {
    if (src.getSecretKeyRef() != null) {
      SecretKeySelector s = src.getSecretKeyRef();
      return key(name, "Secret", secrets, s.getName(), s.getKey(), s.getOptional());
    }
    if (src.getConfigMapKeyRef() != null) {
      ConfigMapKeySelector s = src.getConfigMapKeyRef();
      return key(name, "ConfigMap", configMaps, s.getName(), s.getKey(), s.getOptional());
    }
    if (src.getFieldRef() != null) {
      String path = src.getFieldRef().getFieldPath();
      String v = podFields.get(path);
      if (v == null) {
        throw new ConfigError("env " + name + ": no value for fieldRef " + path + " in this local run");
      }
      return v;
    }
    throw new ConfigError("env " + name + ": unsupported valueFrom " + src);
  }

  private static Map<String, String> object(String kind, Map<String, Map<String, String>> objects, String name,
      Boolean optional) {
    Map<String, String> data = objects.get(name);
    if (data == null) {
      if (Boolean.TRUE.equals(optional)) {
        return Map.of();
      }
      throw new ConfigError(kind.toLowerCase(java.util.Locale.ROOT) + " \"" + name + "\" not found");
    }
    return data;
  }

  /** A key of a ConfigMap/Secret; null when optional and missing (the variable is then not set). */
  private static String key(String env, String kind, Map<String, Map<String, String>> objects, String name,
      String key, Boolean optional) {
    Map<String, String> data = objects.get(name);
    String v = data == null ? null : data.get(key);
    if (v == null && !Boolean.TRUE.equals(optional)) {
      throw new ConfigError(data == null
          ? kind.toLowerCase(java.util.Locale.ROOT) + " \"" + name + "\" not found (env " + env + ")"
          : "couldn't find key " + key + " in " + kind + " " + name + " (env " + env + ")");
    }
    return v;
  }

  /**
   * Kubernetes' {@code $(VAR)} expansion: {@code $(NAME)} becomes the value of NAME when defined in {@code vars}
   * (else stays as written), {@code $$} becomes {@code $}; any other {@code $} is kept.
   */
  public static String expand(String s, Map<String, String> vars) {
    if (s == null || s.indexOf('$') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char ch = s.charAt(i);
      if (ch == '$' && i + 1 < s.length()) {
        char next = s.charAt(i + 1);
        if (next == '$') {
          out.append('$');
          i += 2;
          continue;
        }
        if (next == '(') {
          int close = s.indexOf(')', i + 2);
          if (close > 0) {
            String name = s.substring(i + 2, close);
            if (vars.containsKey(name)) {
              out.append(vars.get(name));
              i = close + 1;
              continue;
            }
            out.append(s, i, close + 1);
            i = close + 1;
            continue;
          }
        }
      }
      out.append(ch);
      i++;
    }
    return out.toString();
  }

  /** Every element {@link #expand expanded}. */
  public static List<String> expand(List<String> list, Map<String, String> vars) {
    List<String> out = new ArrayList<>();
    if (list != null) {
      list.forEach(s -> out.add(expand(s, vars)));
    }
    return out;
  }
}
