package io.ckan.operator.cli.kubectl;

import io.ckan.operator.api.HistoryEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code kubectl ckan history}: the pointer's moves, oldest first, numbered as {@code status.history} keeps them. */
final class HistoryTable {
  private HistoryTable() {}

  static String render(List<HistoryEntry> history, Instant now) {
    if (history.isEmpty()) {
      return "No pointer moves yet.\n";
    }
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      HistoryEntry e = history.get(i);
      rows.add(java.util.Arrays.asList(String.valueOf(i + 1), e.time, Ages.since(e.time, now),
          e.type, e.from == null ? "-" : String.valueOf(e.from), String.valueOf(e.to),
          e.reason));
    }
    return Table.render(List.of("Move", "Time", "Age", "Type", "From", "To", "Reason"), rows);
  }
}
