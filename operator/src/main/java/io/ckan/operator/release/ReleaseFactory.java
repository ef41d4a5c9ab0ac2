package io.ckan.operator.release;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ExtensionSpec;
import io.ckan.operator.resources.RuntimeEnv;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Pure: spec -> {@link ReleaseOutcome}. Same spec, same release, on every machine. */
public final class ReleaseFactory {
  private ReleaseFactory() {}

  public static final String DEFAULT_BASE_REPOSITORY = "ckan/ckan-base";
  public static final String PLUGINS_ENV = "CKAN__PLUGINS";

  public static ReleaseOutcome from(CkanInstanceSpec spec) {
    return from(spec, "ckan");
  }

  /** @param instance the CkanInstance's name (managed services are named after it) */
  public static ReleaseOutcome from(CkanInstanceSpec spec, String instance) {
    List<FieldError> errors = SpecValidator.validate(instance, spec);
    if (!errors.isEmpty()) {
      return new ReleaseOutcome.Invalid(List.copyOf(errors));
    }
    List<ExtensionSpec> extensions = spec.extensions == null ? List.of() : spec.extensions;
    String base = spec.image != null && spec.image.base != null
        ? spec.image.base : DEFAULT_BASE_REPOSITORY + ":" + spec.version;
    boolean prebuilt = spec.image != null && spec.image.prebuilt != null;
    List<String> constraints = spec.constraints == null || prebuilt ? List.of()
        : spec.constraints.stream().sorted(Comparator.comparing(ConstraintsCheck::project)).toList();
    String imageFingerprint = Fingerprint.of(imageInputs(base, spec.version, extensions, constraints));

    String image;
    ImageBuild build = null;
    if (prebuilt) {
      image = spec.image.prebuilt;
    } else if (extensions.isEmpty()) {
      image = base;
    } else if (spec.build == null || spec.build.registry == null) {
      return new ReleaseOutcome.Blocked("BuildRegistryMissing",
          "spec.extensions needs a release image: set spec.build.registry (and spec.build.pushSecret) so the operator "
              + "builds it, or build it in CI and set spec.image.prebuilt to repository@sha256:<digest>");
    } else {
      image = null;
      List<ExtensionSpec> sorted = extensions.stream().sorted(Comparator.comparing(e -> e.name)).toList();
      build = new ImageBuild(base, spec.version, sorted, constraints, spec.build.registry + ":" + spec.version + "-"
          + Fingerprint.short12(imageFingerprint), spec.build);
    }
    List<String> plugins = effectivePlugins(spec.plugins);
    SortedMap<String, String> env = new TreeMap<>();
    if (spec.config != null) {
      spec.config.forEach((option, value) -> env.put(ConfigEnv.envName(option), value));
    }
    env.putAll(RuntimeEnv.plainEnv(spec, instance));
    env.put(PLUGINS_ENV, String.join(" ", plugins));
    List<EnvVar> secretEnv = RuntimeEnv.secretEnv(spec, instance);
    Map<String, String> secretRefs = new TreeMap<>();
    secretEnv.forEach(e -> secretRefs.put(e.getName(), e.getValueFrom().getSecretKeyRef().getName() + "/"
        + e.getValueFrom().getSecretKeyRef().getKey()));

    Map<String, Object> runs = new LinkedHashMap<>();
    runs.put("version", spec.version);
    runs.put("image", image == null ? "built:" + imageFingerprint : image);
    runs.put("plugins", plugins);
    runs.put("env", env);
    runs.put("resources", canonicalResources(spec.resources));
    runs.put("imageFingerprint", imageFingerprint);
    runs.put("secretRefs", secretRefs); // never empty: a valid spec has a database and generated or given keys
    if (spec.workers != null) {
      Map<String, Object> workers = new TreeMap<>();
      workers.put("queues", spec.workers.queuesOrDefault());
      workers.put("resources", canonicalResources(spec.workers.resources));
      runs.put("workers", workers);
    }
    if (spec.storage != null) {
      runs.put("storage", true);
    }
    String fingerprint = Fingerprint.of(runs);
    return new ReleaseOutcome.Ready(new Release(fingerprint, imageFingerprint, spec.version, image,
        image != null && image.contains("@sha256:"), plugins, env, spec.resources, secretEnv, spec.workers,
        spec.storage, build));
  }

  /** The spec's plugin order, with {@code envvars} moved (or added) last, as ckanext-envvars requires. */
  static List<String> effectivePlugins(List<String> plugins) {
    List<String> result = new ArrayList<>();
    if (plugins != null) {
      plugins.stream().filter(p -> !CorePlugins.ENVVARS.equals(p)).forEach(result::add);
    }
    result.add(CorePlugins.ENVVARS);
    return List.copyOf(result);
  }

  private static Map<String, Object> imageInputs(String base, String version, List<ExtensionSpec> extensions,
      List<String> constraints) {
    List<Map<String, Object>> canonical = new ArrayList<>();
    extensions.stream().sorted(Comparator.comparing(e -> e.name)).forEach(e -> {
      Map<String, Object> ext = new TreeMap<>();
      ext.put("name", e.name);
      if (e.pip != null) {
        ext.put("pip", e.pip);
      }
      if (e.git != null) {
        ext.put("gitUrl", e.git.url);
        ext.put("gitRef", e.git.ref);
        if (Boolean.TRUE.equals(e.git.allowFloatingRef)) {
          ext.put("allowFloatingRef", true);
        }
      }
      if (e.requirementsFile != null) {
        ext.put("requirementsFile", e.requirementsFile);
      }
      canonical.add(ext);
    });
    Map<String, Object> inputs = new TreeMap<>();
    inputs.put("base", base);
    inputs.put("version", version);
    inputs.put("extensions", canonical);
    if (!constraints.isEmpty()) { // absent when unused, so the images of specs without constraints keep their names
      inputs.put("constraints", constraints);
    }
    inputs.put("recipe", ImageBuild.RECIPE_VERSION);
    return inputs;
  }

  private static Map<String, Object> canonicalResources(ResourceRequirements resources) {
    Map<String, Object> out = new TreeMap<>();
    if (resources == null) {
      return out;
    }
    out.put("limits", quantities(resources.getLimits()));
    out.put("requests", quantities(resources.getRequests()));
    return out;
  }

  private static Map<String, String> quantities(Map<String, Quantity> in) {
    Map<String, String> out = new TreeMap<>();
    if (in != null) {
      in.forEach((k, v) -> out.put(k, v == null ? "" : v.toString()));
    }
    return out;
  }
}
