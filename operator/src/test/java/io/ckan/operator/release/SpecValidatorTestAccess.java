package io.ckan.operator.release;

import io.ckan.operator.api.CkanInstanceSpec;

/** Lets tests in other packages start from the same valid spec. */
public final class SpecValidatorTestAccess {
  private SpecValidatorTestAccess() {}

  public static CkanInstanceSpec valid() {
    return SpecValidatorTest.valid();
  }

  public static io.ckan.operator.api.ScheduleSpec schedule(String name, String cron, String command) {
    return ScheduleCheckTest.schedule(name, cron, command);
  }
}
