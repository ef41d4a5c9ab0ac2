package io.ckan.operator.release;

import io.ckan.operator.api.Patterns;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.api.SmokeCheckSpec;
import java.util.List;
import java.util.regex.Pattern;

/** spec.rollout.checks[]: paths on the revision's own Service only, anonymous, with a status HTTP knows. */
final class SmokeChecksCheck {
  private SmokeChecksCheck() {}

  private static final Pattern PATH = Pattern.compile(Patterns.SMOKE_PATH);
  private static final Pattern CREDENTIAL_QUERY = Pattern.compile(Patterns.CREDENTIAL_QUERY);
  private static final Pattern JSON_FIELD = Pattern.compile(Patterns.JSON_FIELD);

  static void checks(List<SmokeCheckSpec> checks, List<FieldError> errors) {
    Checks.items(errors, "spec.rollout.checks", checks, RolloutSpec.MAX_CHECKS, "checks", (check, at) -> {
      Checks.requiredText(errors, at + ".path", check.path, PATH, "must be a path on the revision's own Service "
          + "such as /dataset: one leading /, no host, user info, fragment or spaces");
      if (check.path != null && CREDENTIAL_QUERY.matcher(check.path).find()) {
        errors.add(new FieldError(at, "a smoke check runs anonymously: no credentials in its path"));
      }
      Checks.range(errors, at + ".expectedStatus", check.expectedStatus, 100, 599);
      Checks.text(errors, at + ".jsonField", check.jsonField, JSON_FIELD, "must be a dotted path into the JSON "
          + "answer such as result.count");
      if (check.jsonValue != null && check.jsonValue.length() > SmokeCheckSpec.MAX_JSON_VALUE) {
        errors.add(new FieldError(at + ".jsonValue", "has " + check.jsonValue.length() + " characters, at most "
            + SmokeCheckSpec.MAX_JSON_VALUE + " are allowed"));
      }
      if (check.jsonValue != null && check.jsonField == null) {
        errors.add(new FieldError(at, "jsonValue needs jsonField"));
      }
    });
  }
}
