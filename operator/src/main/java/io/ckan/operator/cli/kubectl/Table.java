package io.ckan.operator.cli.kubectl;

import java.util.ArrayList;
import java.util.List;

/**
 * A table as kubectl prints one: upper-case headers, left-aligned columns three spaces apart, no trailing blanks,
 * "&lt;none&gt;" for a value that is absent (null); an empty string stays empty (a marker column).
 */
final class Table {
  static final String NONE = "<none>";
  private static final String GAP = "   ";

  private Table() {}

  static String render(List<String> headers, List<List<String>> rows) {
    int columns = headers.size();
    List<List<String>> all = new ArrayList<>();
    all.add(headers.stream().map(h -> h.toUpperCase(java.util.Locale.ROOT)).toList());
    for (List<String> row : rows) {
      if (row.size() != columns) {
        throw new IllegalArgumentException("row of " + row.size() + " cells under " + columns + " headers: " + row);
      }
      all.add(row.stream().map(Table::cell).toList());
    }
    int[] width = new int[columns];
    for (List<String> row : all) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        line.append(row.get(c));
        if (c < columns - 1) {
          line.append(" ".repeat(width[c] - row.get(c).length())).append(GAP);
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  /** One line: line breaks become spaces, null becomes {@link #NONE}. */
  static String cell(String value) {
    if (value == null) {
      return NONE;
    }
    return value.replaceAll("\\s*\\R\\s*", " ");
  }
}
