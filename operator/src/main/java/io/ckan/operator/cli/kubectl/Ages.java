package io.ckan.operator.cli.kubectl;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Ages as kubectl's AGE column shows them: 45s, 4m10s, 12m, 3h20m, 30h, 5d3h, 40d, 3y. */
final class Ages {
  private Ages() {}

  /** The age of {@code time} (RFC 3339) at {@code now}; "&lt;unknown&gt;" when absent or unreadable. */
  static String since(String time, Instant now) {
    if (time == null || time.isBlank()) {
      return "<unknown>";
    }
    try {
      return human(Duration.between(Instant.parse(time), now));
    } catch (DateTimeParseException e) {
      return "<unknown>";
    }
  }

  static String human(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      return s % 60 == 0 ? m + "m" : m + "m" + (s % 60) + "s";
    }
    if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 8) {
      return m % 60 == 0 ? h + "h" : h + "h" + (m % 60) + "m";
    }
    if (h < 48) {
      return h + "h";
    }
    long days = h / 24;
    if (days < 8) {
      return h % 24 == 0 ? days + "d" : days + "d" + (h % 24) + "h";
    }
    if (days < 365 * 2) {
      return days + "d";
    }
    return days / 365 + "y";
  }
}
