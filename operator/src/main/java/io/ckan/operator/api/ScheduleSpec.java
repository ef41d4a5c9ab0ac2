package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * One periodic CKAN command ({@code spec.schedules[]}): a CronJob {@code <instance>-cron-<name>} that runs the live
 * revision's image, config snapshot and secrets with the operator's start command. Patterns are mirrored by
 * {@code release.ScheduleCheck}; the commands are {@link ScheduleCommand}'s table.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScheduleSpec {
  public static final int DEFAULT_ACTIVE_DEADLINE_SECONDS = 3600;
  public static final int MIN_ACTIVE_DEADLINE_SECONDS = 60;
  public static final int MAX_ACTIVE_DEADLINE_SECONDS = 86400;

  @Required
  @Size(max = Patterns.SCHEDULE_NAME_MAX)
  @Pattern(Patterns.SCHEDULE_NAME)
  @JsonPropertyDescription("Name of the schedule (a DNS label); the CronJob is <instance>-cron-<name>, at most 52 "
      + "characters in all.")
  public String name;

  @Required
  @Size(max = Patterns.CRON_MAX)
  @Pattern(Patterns.CRON)
  @JsonPropertyDescription("Standard 5-field cron expression (minute hour day-of-month month day-of-week; numbers, "
      + "*, ranges a-b, steps /n and lists), e.g. '*/15 * * * *'.")
  public String schedule;

  @Required
  @Size(max = Patterns.SCHEDULE_COMMAND_MAX)
  @Pattern(Patterns.SCHEDULE_COMMAND)
  @JsonPropertyDescription("The ckan command to run, one of: search-index rebuild, search-index rebuild-fast, "
      + "search-index clear-orphans, jobs clear, notify send_emails (plugin activity), tracking update (plugin "
      + "tracking), harvester run, harvester clean-harvest-log, harvester abort-failed-jobs (plugin harvest).")
  public String command;

  @JsonPropertyDescription("What happens when a run is due while the previous one still runs: Forbid (default: "
      + "skip it), Replace or Allow.")
  public ConcurrencyPolicy concurrencyPolicy;

  @JsonPropertyDescription("Suspend this schedule (default false). Every schedule is suspended while the instance is "
      + "paused.")
  public Boolean suspend;

  @Min(MIN_ACTIVE_DEADLINE_SECONDS)
  @Max(MAX_ACTIVE_DEADLINE_SECONDS)
  @JsonPropertyDescription("Seconds one run may take before it is stopped (default 3600).")
  public Integer activeDeadlineSeconds;

  public enum ConcurrencyPolicy {
    Allow,
    Forbid,
    Replace;

    @JsonCreator
    public static ConcurrencyPolicy of(String text) {
      return ExactEnum.of(ConcurrencyPolicy.class, text);
    }
  }

  public ConcurrencyPolicy concurrencyPolicyOrDefault() {
    return concurrencyPolicy == null ? ConcurrencyPolicy.Forbid : concurrencyPolicy;
  }

  public boolean suspendOrDefault() {
    return Boolean.TRUE.equals(suspend);
  }

  public int activeDeadlineSecondsOrDefault() {
    return activeDeadlineSeconds == null ? DEFAULT_ACTIVE_DEADLINE_SECONDS : activeDeadlineSeconds;
  }
}
