package io.ckan.operator.plan;

import java.util.Arrays;
import java.util.Optional;

/** A revision's recorded outcome, stored as the {@code ckan.io/verdict} annotation on its Deployment. */
public enum Verdict {
  STABLE("Stable"),
  FAILED("Failed"),
  ROLLED_BACK("RolledBack");

  private final String value;

  Verdict(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  public static Optional<Verdict> parse(String value) {
    return Arrays.stream(values()).filter(v -> v.value.equals(value)).findFirst();
  }

  /** A failed or reverted fingerprint is not tried again without a new request. */
  public boolean blocksRetry() {
    return this != STABLE;
  }
}
