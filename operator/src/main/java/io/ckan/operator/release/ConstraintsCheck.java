package io.ckan.operator.release;

import io.ckan.operator.api.CkanInstanceSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * spec.constraints: exact pins of transitive dependencies for the build. Beyond the schema's pattern and count, what
 * it cannot say: one pin per project (pip normalizes names, so {@code Flask} and {@code flask} are one project), and
 * constraints only mean something with extensions to install. With spec.image.prebuilt they are not used, like
 * spec.build (the CI that built the image pins its set; the locked set of the revision shows what it holds).
 */
final class ConstraintsCheck {
  private ConstraintsCheck() {}

  static void constraints(CkanInstanceSpec spec, List<FieldError> errors) {
    List<String> constraints = spec.constraints;
    if (constraints == null || constraints.isEmpty()) {
      return;
    }
    Map<String, String> byProject = new HashMap<>();
    Checks.items(errors, "spec.constraints", constraints, CkanInstanceSpec.MAX_CONSTRAINTS, "constraints",
        (pin, at) -> {
          if (!Tokens.PIP_PIN.matcher(pin).matches()) {
            errors.add(new FieldError(at, "'" + UrlPassword.redacted(pin) + "' must be an exact pin such as "
                + "requests==2.32.3"));
            return;
          }
          String earlier = byProject.putIfAbsent(project(pin), pin);
          if (earlier != null) {
            errors.add(new FieldError(at, "'" + pin + "' pins the same project as '" + earlier
                + "'; keep one pin per project"));
          }
        });
    if (spec.extensions == null || spec.extensions.isEmpty()) {
      errors.add(new FieldError("spec.constraints", "constrains the installs of spec.extensions and there are none: "
          + "the base image's own packages are fixed by its tag"));
    }
  }

  /** The PEP 503 normalized project name of an exact pin: {@code Flask_Babel[x]==4.0.0} -> {@code flask-babel}. */
  static String project(String pin) {
    String name = pin.substring(0, pin.indexOf("=="));
    int extras = name.indexOf('[');
    if (extras >= 0) {
      name = name.substring(0, extras);
    }
    return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
  }
}
