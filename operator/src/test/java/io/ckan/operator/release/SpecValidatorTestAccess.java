package io.ckan.operator.release;

import io.ckan.operator.api.CkanInstanceSpec;

/** Lets tests in other packages start from the same valid spec. */
public final class SpecValidatorTestAccess {
  private SpecValidatorTestAccess() {}

  public static CkanInstanceSpec valid() {
    return SpecValidatorTest.valid();
  }
}
