package io.ckan.operator.api;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The {@code ckan} commands a schedule may run (CKAN 2.11.5 core and ckanext-harvest 1.6.2, read from their click
 * groups), each with the plugin that provides it. A schedule names one by its text; the container receives this
 * table's tokens as arguments, never text from the spec. {@link Patterns#SCHEDULE_COMMAND} admits exactly these texts
 * (a unit test holds the two together).
 */
public enum ScheduleCommand {
  SEARCH_INDEX_REBUILD("search-index rebuild", null),
  SEARCH_INDEX_REBUILD_FAST("search-index rebuild-fast", null),
  SEARCH_INDEX_CLEAR_ORPHANS("search-index clear-orphans", null),
  JOBS_CLEAR("jobs clear", null),
  NOTIFY_SEND_EMAILS("notify send_emails", "activity"),
  TRACKING_UPDATE("tracking update", "tracking"),
  HARVESTER_RUN("harvester run", "harvest"),
  HARVESTER_CLEAN_LOG("harvester clean-harvest-log", "harvest"),
  HARVESTER_ABORT_FAILED_JOBS("harvester abort-failed-jobs", "harvest");

  private final String text;
  private final String plugin;

  ScheduleCommand(String text, String plugin) {
    this.text = text;
    this.plugin = plugin;
  }

  /** As a schedule names it, e.g. {@code harvester run}. */
  public String text() {
    return text;
  }

  /** The arguments after {@code ckan -c <ini>}. */
  public List<String> tokens() {
    return List.of(text.split(" "));
  }

  /** The plugin that must be loaded for CKAN to know the command, or null for core commands. */
  public String plugin() {
    return plugin;
  }

  public static Optional<ScheduleCommand> of(String text) {
    return Arrays.stream(values()).filter(c -> c.text.equals(text)).findFirst();
  }
}
