package io.ckan.operator.release;

/** A problem with one spec field, phrased so a person can fix it: {@code spec.extensions[1].pip: ...}. */
public record FieldError(String field, String message) {
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
