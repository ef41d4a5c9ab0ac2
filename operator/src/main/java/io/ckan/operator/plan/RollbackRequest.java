package io.ckan.operator.plan;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code ckan.io/rollback-to} value: {@code <N>} or {@code previous}, optionally followed by {@code #token}
 * so the same target can be requested again ({@code 3#again}). Acted on once per distinct value.
 */
public record RollbackRequest(String raw, Integer revision) {
  private static final Pattern FORMAT = Pattern.compile("^(previous|[1-9][0-9]{0,8})(#[A-Za-z0-9._:-]{1,63})?$");

  public boolean previous() {
    return revision == null;
  }

  public static Optional<RollbackRequest> parse(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    Matcher m = FORMAT.matcher(raw.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new RollbackRequest(raw, m.group(1).equals("previous") ? null : Integer.valueOf(m.group(1))));
  }
}
