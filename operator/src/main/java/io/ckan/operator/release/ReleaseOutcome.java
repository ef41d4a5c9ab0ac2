package io.ckan.operator.release;

import java.util.List;

/** The result of turning a spec into a release: ready, invalid (the person must fix a field), or blocked. */
public sealed interface ReleaseOutcome {
  record Ready(Release release) implements ReleaseOutcome {}

  record Invalid(List<FieldError> errors) implements ReleaseOutcome {
    public String message() {
      return String.join("; ", errors.stream().map(FieldError::toString).toList());
    }
  }

  /** Valid, but this operator cannot produce an image for it (reason is a condition reason). */
  record Blocked(String reason, String message) implements ReleaseOutcome {}
}
