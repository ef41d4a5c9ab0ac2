package io.ckan.operator.release;

import io.ckan.operator.api.Patterns;
import java.util.regex.Pattern;

/**
 * A password written into a URL ({@code scheme://user:password@host}). Values carrying one are refused wherever they
 * would land in a ConfigMap, an image or a status message; messages that quote such a value show it redacted.
 */
final class UrlPassword {
  private UrlPassword() {}

  private static final Pattern IN_URL = Pattern.compile(Patterns.URL_WITH_PASSWORD);
  private static final Pattern PASSWORD = Pattern.compile("(://[^/?#@:]*):[^/?#@]*@");

  static boolean in(String value) {
    return value != null && IN_URL.matcher(value).find();
  }

  /** {@code value} with every URL password replaced by {@code ***}, safe to quote in an error. */
  static String redacted(String value) {
    return value == null ? null : PASSWORD.matcher(value).replaceAll("$1:***@");
  }
}
