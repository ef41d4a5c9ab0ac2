package io.ckan.operator.release;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.Patterns;
import io.ckan.operator.api.ScheduleCommand;
import io.ckan.operator.api.ScheduleSpec;
import io.ckan.operator.contract.Names;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code spec.schedules[]}: what the CRD checks (name, cron expression and command patterns, bounds, unique names),
 * plus what it cannot: a range in a cron field must not run backwards (the API server refuses such a CronJob), the
 * command's plugin must be in {@code spec.plugins}, and the CronJob's name must fit Kubernetes' 52 characters.
 */
final class ScheduleCheck {
  private ScheduleCheck() {}

  static final Pattern NAME = Pattern.compile(Patterns.SCHEDULE_NAME);
  static final Pattern CRON = Pattern.compile(Patterns.CRON);
  static final Pattern COMMAND = Pattern.compile(Patterns.SCHEDULE_COMMAND);
  private static final Pattern RANGE = Pattern.compile("([0-9]+)-([0-9]+)");

  static void schedules(List<ScheduleSpec> schedules, List<String> plugins, List<FieldError> errors) {
    Set<String> names = new HashSet<>();
    Checks.items(errors, "spec.schedules", schedules, CkanInstanceSpec.MAX_SCHEDULES, "schedules", (s, at) -> {
      Checks.requiredText(errors, at + ".name", s.name, NAME,
          "is not a schedule name (lowercase letters, digits and '-', starting and ending with a letter or digit)");
      maxLength(errors, at + ".name", s.name, Patterns.SCHEDULE_NAME_MAX);
      if (s.name != null && !names.add(s.name)) {
        errors.add(new FieldError(at + ".name", "'" + s.name + "' is used by another schedule; names must be unique"));
      }
      Checks.requiredText(errors, at + ".schedule", s.schedule, CRON, "is not a 5-field cron expression such as "
          + "'*/15 * * * *' (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7; *, a-b, /n and lists)");
      maxLength(errors, at + ".schedule", s.schedule, Patterns.CRON_MAX);
      if (s.schedule != null && CRON.matcher(s.schedule).matches()) {
        var m = RANGE.matcher(s.schedule);
        while (m.find()) {
          if (Integer.parseInt(m.group(1)) > Integer.parseInt(m.group(2))) {
            errors.add(new FieldError(at + ".schedule", "'" + s.schedule + "': the range " + m.group()
                + " runs backwards"));
          }
        }
      }
      Checks.requiredText(errors, at + ".command", s.command, COMMAND, "is not one of the allowed commands: "
          + String.join(", ", java.util.Arrays.stream(ScheduleCommand.values()).map(ScheduleCommand::text).toList()));
      ScheduleCommand.of(s.command).map(ScheduleCommand::plugin).filter(p -> plugins == null || !plugins.contains(p))
          .ifPresent(p -> errors.add(new FieldError(at + ".command", "'" + s.command + "' needs the plugin '" + p
              + "' in spec.plugins: CKAN knows the command only when that plugin is loaded")));
      Checks.range(errors, at + ".activeDeadlineSeconds", s.activeDeadlineSeconds,
          ScheduleSpec.MIN_ACTIVE_DEADLINE_SECONDS, ScheduleSpec.MAX_ACTIVE_DEADLINE_SECONDS);
    });
  }

  /** Each schedule's CronJob name, {@code <instance>-cron-<name>}, must fit Kubernetes' 52 characters. */
  static void cronJobNames(String instance, List<ScheduleSpec> schedules, List<FieldError> errors) {
    if (instance == null || schedules == null) {
      return;
    }
    for (int i = 0; i < schedules.size(); i++) {
      ScheduleSpec s = schedules.get(i);
      if (s != null && s.name != null && Names.schedule(instance, s.name).length() > Names.MAX_CRON_JOB) {
        errors.add(new FieldError("spec.schedules[" + i + "].name", "'" + s.name + "' makes the CronJob name '"
            + Names.schedule(instance, s.name) + "' longer than Kubernetes' " + Names.MAX_CRON_JOB
            + " characters: shorten the schedule's name (or the instance's)"));
      }
    }
  }

  private static void maxLength(List<FieldError> errors, String at, String value, int max) {
    if (value != null && value.length() > max) {
      errors.add(new FieldError(at, "is " + value.length() + " characters long, at most " + max + " are allowed"));
    }
  }
}
