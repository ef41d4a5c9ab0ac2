package io.ckan.operator.plan;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code ckan.io/promote} value: {@code <N>}, optionally followed by {@code #token} so the same revision can
 * be asked for again ({@code 3#again}) after a refusal. Acted on once per distinct value.
 */
public record PromoteRequest(String raw, int revision) {
  private static final Pattern FORMAT = Pattern.compile("^([1-9][0-9]{0,8})(#[A-Za-z0-9._:-]{1,63})?$");

  public static Optional<PromoteRequest> parse(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    Matcher m = FORMAT.matcher(raw.trim());
    return m.matches() ? Optional.of(new PromoteRequest(raw, Integer.parseInt(m.group(1)))) : Optional.empty();
  }
}
