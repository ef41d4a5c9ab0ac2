package io.ckan.operator.api;

import java.util.Arrays;

/**
 * Reads an enum constant exactly as the CRD's {@code enum} admits it. Jackson's own reading trims the text, so
 * {@code "buildah "} would pass `render` while the API server refuses it.
 */
final class ExactEnum {
  private ExactEnum() {}

  static <E extends Enum<E>> E of(Class<E> type, String text) {
    return Arrays.stream(type.getEnumConstants()).filter(e -> e.name().equals(text)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not one of "
            + Arrays.toString(type.getEnumConstants())));
  }
}
