package io.ckan.operator.release;

import io.ckan.operator.api.SecretKeyRef;
import java.util.Collection;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/** The checks the CRD schema makes (pattern, bounds, counts, presence), phrased as {@link FieldError}s. */
final class Checks {
  private Checks() {}

  /** A set value must match {@code pattern}; {@code expected} says what it must be. */
  static void text(List<FieldError> errors, String at, String value, Pattern pattern, String expected) {
    if (value != null && !pattern.matcher(value).matches()) {
      errors.add(new FieldError(at, "'" + UrlPassword.redacted(value) + "' " + expected));
    }
  }

  /** A required value must be set and match {@code pattern}. */
  static void requiredText(List<FieldError> errors, String at, String value, Pattern pattern, String expected) {
    if (value == null) {
      errors.add(new FieldError(at, "is required: " + expected));
    } else {
      text(errors, at, value, pattern, expected);
    }
  }

  static void range(List<FieldError> errors, String at, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      errors.add(new FieldError(at, "must be between " + min + " and " + max + ", got " + value));
    }
  }

  static void atLeast(List<FieldError> errors, String at, Integer value, int min) {
    if (value != null && value < min) {
      errors.add(new FieldError(at, "must be " + min + " or more, got " + value));
    }
  }

  /** At most {@code max} items (or map entries). */
  static void atMost(List<FieldError> errors, String at, Collection<?> items, int max, String what) {
    if (items != null && items.size() > max) {
      errors.add(new FieldError(at, "has " + items.size() + " " + what + ", at most " + max + " are allowed"));
    }
  }

  /** At most {@code max} items, none null; {@code check} gets each item and its field path ({@code at[i]}). */
  static <T> void items(List<FieldError> errors, String at, List<T> items, int max, String what,
      BiConsumer<T, String> check) {
    if (items == null) {
      return;
    }
    atMost(errors, at, items, max, what);
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) == null) {
        errors.add(new FieldError(at + "[" + i + "]", "must not be null"));
      } else {
        check.accept(items.get(i), at + "[" + i + "]");
      }
    }
  }

  static void required(List<FieldError> errors, String at, Object value, String what) {
    if (value == null) {
      errors.add(new FieldError(at, "is required: " + what));
    }
  }

  /** A set reference must name a Secret and one of its keys. */
  static void secretKeyRef(List<FieldError> errors, String at, SecretKeyRef ref) {
    if (ref != null) {
      requiredText(errors, at + ".name", ref.name, Tokens.OBJECT_NAME, "is not a Secret name");
      requiredText(errors, at + ".key", ref.key, Tokens.SECRET_KEY, "is not a Secret key");
    }
  }
}
