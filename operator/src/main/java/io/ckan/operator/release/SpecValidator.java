package io.ckan.operator.release;

import io.ckan.operator.contract.Names;
import io.ckan.operator.api.BuildSpec;
import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.ImageSpec;
import io.ckan.operator.api.RolloutSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a CkanInstance the way the API server does through the CRD schema (patterns, bounds, counts and CEL rules;
 * ValidatorParityTest holds the two together), for `render` and before the operator writes anything, plus what a
 * schema cannot say: plugins must come from an extension or CKAN core, and secrets never go into {@code config}.
 */
public final class SpecValidator {
  private SpecValidator() {}

  /** A CkanInstance's name and spec: errors of the name ({@code metadata.name}) first. */
  public static List<FieldError> validate(String name, CkanInstanceSpec spec) {
    List<FieldError> errors = new ArrayList<>(validateName(name));
    errors.addAll(validate(spec));
    ScheduleCheck.cronJobNames(name, spec == null ? null : spec.schedules, errors);
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
    Checks.requiredText(errors, "spec.version", spec.version, Tokens.VERSION, "is not a CKAN version X.Y.Z "
        + "(e.g. 2.11.5)");
    validateImage(spec.image, errors);
    Set<String> extensionPlugins = ExtensionsCheck.extensions(spec.extensions, errors);
    ExtensionsCheck.plugins(spec.plugins, extensionPlugins, errors);
    ConstraintsCheck.constraints(spec, errors);
    ConfigCheck.config(spec.config, errors);
    ConfigCheck.secretConfig(spec.secretConfig, spec.config, errors);
    ServicesCheck.services(spec.services, errors);
    Checks.atLeast(errors, "spec.replicas", spec.replicas, 0);
    WorkloadCheck.workers(spec.workers, errors);
    WorkloadCheck.ingress(spec.ingress, errors);
    WorkloadCheck.storage(spec.storage, errors);
    BackupCheck.backup(spec.backup, errors);
    validateBuild(spec.build, errors);
    validateRollout(spec.rollout, errors);
    ScheduleCheck.schedules(spec.schedules, spec.plugins, errors);
    return errors;
  }

  private static void validateImage(ImageSpec image, List<FieldError> errors) {
    if (image != null) {
      Checks.text(errors, "spec.image.base", image.base, Tokens.IMAGE, "is not an image reference");
      Checks.text(errors, "spec.image.prebuilt", image.prebuilt, Tokens.IMAGE_BY_DIGEST,
          "must be pinned by digest: repository@sha256:<64 hex digits>");
    }
  }

  private static void validateBuild(BuildSpec build, List<FieldError> errors) {
    if (build != null) {
      Checks.text(errors, "spec.build.registry", build.registry, Tokens.REPOSITORY,
          "must be a repository without tag or digest, e.g. registry.example.org/ckan/portal");
      Checks.text(errors, "spec.build.pushSecret", build.pushSecret, Tokens.OBJECT_NAME, "is not a Secret name");
      Checks.range(errors, "spec.build.timeoutSeconds", build.timeoutSeconds, BuildSpec.MIN_TIMEOUT_SECONDS,
          BuildSpec.MAX_TIMEOUT_SECONDS);
    }
  }

  private static void validateRollout(RolloutSpec rollout, List<FieldError> errors) {
    if (rollout != null) {
      Checks.range(errors, "spec.rollout.progressDeadlineSeconds", rollout.progressDeadlineSeconds, 1,
          RolloutSpec.MAX_SECONDS);
      Checks.range(errors, "spec.rollout.bakeSeconds", rollout.bakeSeconds, 0, RolloutSpec.MAX_SECONDS);
      Checks.range(errors, "spec.rollout.revisionHistoryLimit", rollout.revisionHistoryLimit, 1,
          RolloutSpec.MAX_REVISION_HISTORY_LIMIT);
      SmokeChecksCheck.checks(rollout.checks, errors);
    }
  }
}
