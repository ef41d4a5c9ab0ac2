package io.ckan.operator.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.Patterns;
import io.ckan.operator.api.ScheduleCommand;
import io.ckan.operator.api.ScheduleSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** spec.schedules[]: cron expressions, the allowed commands and their plugins, names, as the validator sees them. */
class ScheduleCheckTest {

  static ScheduleSpec schedule(String name, String cron, String command) {
    ScheduleSpec s = new ScheduleSpec();
    s.name = name;
    s.schedule = cron;
    s.command = command;
    return s;
  }

  static CkanInstanceSpec with(ScheduleSpec... schedules) {
    CkanInstanceSpec spec = SpecValidatorTest.valid(); // plugins activity, dcat, harvest
    spec.schedules = new ArrayList<>(List.of(schedules));
    return spec;
  }

  static List<FieldError> errors(String instance, CkanInstanceSpec spec) {
    return SpecValidator.validate(instance, spec);
  }

  @ParameterizedTest
  @ValueSource(strings = {"*/15 * * * *", "0 3 * * *", "30 2 1 * 0", "0,30 8-18 * * 1-5", "59 23 31 12 7",
      "0 0 1-15/2 1,6,12 *", "*/5 */2 * * 0-6/2", "0 0 * * 0,7"})
  void acceptsStandardFiveFieldExpressions(String cron) {
    assertEquals(List.of(), errors("portal", with(schedule("job", cron, "search-index rebuild"))), cron);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      * * * *                  | not a 5-field cron expression
      * * * * * *              | not a 5-field cron expression
      @hourly                  | not a 5-field cron expression
      60 * * * *               | not a 5-field cron expression
      * 24 * * *               | not a 5-field cron expression
      * * 0 * *                | not a 5-field cron expression
      * * * 13 *               | not a 5-field cron expression
      * * * * 8                | not a 5-field cron expression
      * * * JAN MON            | not a 5-field cron expression
      */0 * * * *              | not a 5-field cron expression
      *  * * * *               | not a 5-field cron expression
      0 3 * * *; rm -rf /      | not a 5-field cron expression
      30-10 * * * *            | the range 30-10 runs backwards
      0 0 * * 5-1              | the range 5-1 runs backwards
      """)
  void refusesOtherExpressionsNamingTheField(String cron, String why) {
    List<FieldError> errors = errors("portal", with(schedule("job", cron, "search-index rebuild")));
    assertTrue(errors.stream().anyMatch(e -> e.field().equals("spec.schedules[0].schedule")
        && e.message().contains(why)), cron + ": " + errors);
    assertTrue(Pattern.compile(Patterns.CRON).matcher(cron).matches() == why.contains("backwards"),
        "the CRD's pattern refuses what is not a cron expression, and only that: " + cron);
  }

  @Test
  void theCrdPatternAdmitsExactlyTheCommandTable() {
    Pattern pattern = Pattern.compile(Patterns.SCHEDULE_COMMAND);
    for (ScheduleCommand c : ScheduleCommand.values()) {
      assertTrue(pattern.matcher(c.text()).matches(), c.text());
    }
    assertEquals(Patterns.SCHEDULE_COMMAND_MAX, Arrays.stream(ScheduleCommand.values())
        .mapToInt(c -> c.text().length()).max().orElseThrow(), "the CRD's maxLength is the longest command");
    String alternatives = Patterns.SCHEDULE_COMMAND.substring(2, Patterns.SCHEDULE_COMMAND.length() - 2);
    assertEquals(Arrays.stream(ScheduleCommand.values()).map(ScheduleCommand::text).sorted().toList(),
        Arrays.stream(alternatives.split("\\|")).sorted().toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"harvester run; curl evil", "harvester", "ckan harvester run", "harvester  run",
      "db upgrade", "sysadmin add admin", "search-index rebuild -r", "HARVESTER RUN"})
  void refusesCommandsOutsideTheTable(String command) {
    List<FieldError> errors = errors("portal", with(schedule("job", "* * * * *", command)));
    assertTrue(errors.stream().anyMatch(e -> e.field().equals("spec.schedules[0].command")), command + errors);
    assertTrue(ScheduleCommand.of(command).isEmpty());
  }

  @Test
  void aCommandNeedsThePluginThatProvidesIt() {
    assertEquals(List.of(), errors("portal", with(schedule("h", "* * * * *", "harvester run"),
        schedule("n", "0 * * * *", "notify send_emails"))), "harvest and activity are loaded");
    List<FieldError> errors = errors("portal", with(schedule("h", "* * * * *", "harvester run"),
        schedule("t", "0 * * * *", "tracking update")));
    assertEquals(List.of("spec.schedules[1].command"), errors.stream().map(FieldError::field).toList());
    assertTrue(errors.get(0).message().contains("needs the plugin 'tracking'"), errors.toString());
  }

  @Test
  void namesAreUniqueDnsLabelsThatFitACronJobName() {
    List<FieldError> twice = errors("portal", with(schedule("a", "* * * * *", "jobs clear"),
        schedule("a", "0 * * * *", "jobs clear")));
    assertEquals(List.of("spec.schedules[1].name"), twice.stream().map(FieldError::field).toList());
    assertTrue(errors("portal", with(schedule("Harvest_1", "* * * * *", "jobs clear"))).stream()
        .anyMatch(e -> e.field().equals("spec.schedules[0].name")));
    // portal-cron- is 12 characters: 40 more make 52, Kubernetes' limit for a CronJob name
    assertEquals(List.of(), errors("portal", with(schedule("a".repeat(40), "* * * * *", "jobs clear"))));
    List<FieldError> tooLong = errors("portal", with(schedule("a".repeat(41), "* * * * *", "jobs clear")));
    assertEquals(List.of("spec.schedules[0].name"), tooLong.stream().map(FieldError::field).toList());
    assertTrue(tooLong.get(0).message().contains("longer than Kubernetes' 52"), tooLong.toString());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      a-cron-harvest | instance 'a' names its schedule CronJob 'a-cron-harvest'
      a-r2-reindex   | instance 'a' names its revision search-index rebuild Job 'a-r2-reindex'
      """)
  void instanceNamesThatAreAnotherInstancesPeriodicObjectsAreRefused(String name, String why) {
    List<FieldError> errors = SpecValidator.validateName(name);
    assertTrue(errors.stream().anyMatch(e -> e.message().contains(why)), name + ": " + errors);
  }
}
