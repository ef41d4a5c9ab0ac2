package io.ckan.operator.cli.kubectl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ckan.operator.api.HistoryEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The plugin's tables, ages and command lines, as kubectl's own look. */
class FormattingTest {
  static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

  static Stream<Arguments> ages() {
    return Stream.of(Arguments.of(0, "0s"), Arguments.of(119, "119s"), Arguments.of(120, "2m"),
        Arguments.of(250, "4m10s"), Arguments.of(599, "9m59s"), Arguments.of(600, "10m"),
        Arguments.of(179 * 60, "179m"), Arguments.of(3 * 3600 + 20 * 60, "3h20m"), Arguments.of(5 * 3600, "5h"),
        Arguments.of(30 * 3600, "30h"), Arguments.of(5 * 86400 + 3 * 3600, "5d3h"), Arguments.of(40 * 86400, "40d"),
        Arguments.of(3 * 365 * 86400, "3y"), Arguments.of(-5, "0s"));
  }

  @ParameterizedTest
  @MethodSource("ages")
  void agesReadAsKubectlShowsThem(long seconds, String shown) {
    assertEquals(shown, Ages.human(Duration.ofSeconds(seconds)));
  }

  @Test
  void anAgeOfNoTimeOrAnUnreadableOneIsUnknown() {
    assertEquals("<unknown>", Ages.since(null, NOW));
    assertEquals("<unknown>", Ages.since("yesterday", NOW));
    assertEquals("90s", Ages.since("2030-01-01T11:58:30Z", NOW));
  }

  static Stream<Arguments> tables() {
    return Stream.of(
        Arguments.of(List.of("name", "ready"), List.of(List.of("portal", "1/1"), List.of("a", "0/2")),
            "NAME     READY\nportal   1/1\na        0/2\n"),
        Arguments.of(List.of("type", "message"), List.of(java.util.Arrays.asList("Ready", null),
            List.of("Stalled", "two\nlines")), "TYPE      MESSAGE\nReady     <none>\nStalled   two lines\n"),
        Arguments.of(List.of("current", "n"), List.of(List.of("*", "2"), List.of("", "1")),
            "CURRENT   N\n*         2\n          1\n"),
        Arguments.of(List.of("a", "b"), List.of(), "A   B\n"),
        // the last column is not padded: no trailing blanks
        Arguments.of(List.of("long header", "x"), List.of(List.of("s", "")), "LONG HEADER   X\ns\n"));
  }

  @ParameterizedTest
  @MethodSource("tables")
  void tablesAreAlignedLikeKubectls(List<String> headers, List<List<String>> rows, String expected) {
    assertEquals(expected, Table.render(headers, rows));
  }

  @Test
  void aRowOfTheWrongWidthIsABug() {
    assertThrows(IllegalArgumentException.class, () -> Table.render(List.of("a", "b"), List.of(List.of("x"))));
  }

  @Test
  void historyListsEveryMoveOldestFirst() {
    List<HistoryEntry> history = List.of(
        new HistoryEntry("Deploy", null, 1, "revision 1 verified: CKAN 2.11.4", "2030-01-01T10:00:00Z"),
        new HistoryEntry("AutoRevert", 2, 1, "revision 2 has no available replicas", "2030-01-01T11:59:00Z"));
    assertEquals("""
        MOVE   TIME                   AGE    TYPE         FROM   TO   REASON
        1      2030-01-01T10:00:00Z   120m   Deploy       -      1    revision 1 verified: CKAN 2.11.4
        2      2030-01-01T11:59:00Z   60s    AutoRevert   2      1    revision 2 has no available replicas
        """, HistoryTable.render(history, NOW));
    assertEquals("No pointer moves yet.\n", HistoryTable.render(List.of(), NOW));
  }

  static Stream<Arguments> commandLines() {
    return Stream.of(
        Arguments.of(new String[] {"status", "portal", "-n", "prod", "-o", "yaml"}, "[status, portal] namespace=prod output=yaml"),
        Arguments.of(new String[] {"--namespace=prod", "rollback", "portal", "--to", "3"}, "[rollback, portal] namespace=prod to=3"),
        Arguments.of(new String[] {"status", "-w", "portal", "--context", "kind"}, "[status, portal] context=kind watch"),
        Arguments.of(new String[] {"diff", "portal", "1", "2", "--kubeconfig", "/k"}, "[diff, portal, 1, 2] kubeconfig=/k"));
  }

  @ParameterizedTest
  @MethodSource("commandLines")
  void flagsGoAnywhereAsInKubectl(String[] argv, String parsed) throws Exception {
    Args args = Args.parse(argv);
    StringBuilder s = new StringBuilder(args.words.toString());
    for (String flag : List.of("namespace", "context", "kubeconfig", "output", "to")) {
      args.value(flag).ifPresent(v -> s.append(' ').append(flag).append('=').append(v));
    }
    if (args.has("watch")) {
      s.append(" watch");
    }
    assertEquals(parsed, s.toString());
  }

  @Test
  void anUnknownFlagOrAMissingValueIsAUsageError() {
    assertEquals("unknown flag --force", assertThrows(Args.UsageError.class,
        () -> Args.parse(new String[] {"retry", "portal", "--force"})).getMessage());
    assertEquals("flag -n needs a value", assertThrows(Args.UsageError.class,
        () -> Args.parse(new String[] {"status", "portal", "-n"})).getMessage());
  }

  static Stream<Arguments> rollbackValues() {
    return Stream.of(Arguments.of("3", null, "3"), Arguments.of("3", "2", "3"), Arguments.of("3", "3", "3#1700000000"),
        Arguments.of("previous", "previous", "previous#1700000000"), Arguments.of("3", "3#1600000000", "3"));
  }

  @ParameterizedTest
  @MethodSource("rollbackValues")
  void aRollbackValueAlreadyActedOnIsMadeNew(String to, String lastHandled, String written) {
    assertEquals(written, RollbackCommand.requestValue(to, lastHandled, 1_700_000_000L));
  }
}
