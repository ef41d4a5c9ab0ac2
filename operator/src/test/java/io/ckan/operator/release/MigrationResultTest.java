package io.ckan.operator.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class MigrationResultTest {

  static final String OLD = "4eaa5fcf7092";
  static final String NEW = "ccd38ad5fced";

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("{\"before\":\"" + OLD + "\",\"after\":\"" + NEW + "\"}", OLD, NEW, true),
        Arguments.of("{\"before\":\"" + NEW + "\",\"after\":\"" + NEW + "\"}\n", NEW, NEW, false),
        Arguments.of("  {\"after\":\"" + NEW + "\",\"before\":\"" + OLD + "\"}  ", OLD, NEW, true),
        // a fresh database: alembic reports base, the Job writes an empty head
        Arguments.of("{\"before\":\"\",\"after\":\"" + NEW + "\"}", "", NEW, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void parsesTheHeads(String message, String before, String after, boolean changed) {
    MigrationResult result = MigrationResult.parse(message).orElseThrow();
    assertEquals(before, result.before());
    assertEquals(after, result.after());
    assertEquals(changed, result.changedSchema());
    assertEquals(Optional.empty(), MigrationResult.error(message));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @NullAndEmptySource
  @ValueSource(strings = {
      " ",
      "not json",
      "[]",
      "\"" + NEW + "\"",
      "{}",
      "{\"after\":\"" + NEW + "\"}",
      "{\"before\":\"" + OLD + "\"}",
      "{\"before\":\"" + OLD + "\",\"after\":\"\"}",                              // after is never empty
      "{\"before\":\"" + OLD + "\",\"after\":\"CCD38AD5FCED\"}",                  // lower-case hex only
      "{\"before\":\"" + OLD + "\",\"after\":\"" + NEW + "0\"}",                   // 13 digits
      "{\"before\":\"105\",\"after\":\"" + NEW + "\"}",                            // an ordinal, not a revision
      "{\"before\":\"base\",\"after\":\"" + NEW + "\"}",
      "{\"before\":\"" + OLD + " (head)\",\"after\":\"" + NEW + "\"}",
      "{\"before\":null,\"after\":\"" + NEW + "\"}",
      "{\"before\":1,\"after\":\"" + NEW + "\"}",
      "{\"before\":\"" + OLD + "\",\"after\":null}",
      "{\"before\":\"" + OLD + "\",\"after\":2}",
      "[\"" + OLD + "\",\"" + NEW + "\"]",                                    // two values, but not the object
      "{\"before\":\"" + OLD + "\",\"head\":\"" + NEW + "\"}",                  // two fields, one unknown
      "{\"error\":\"" + OLD + "\",\"after\":\"" + NEW + "\"}",
      "{\"before\":\"" + OLD + "\",\"after\":\"" + NEW + "\",\"extra\":1}",
      "{\"before\":\"" + OLD + "\",\"after\":\"" + NEW + "\",\"after\":\"" + NEW + "\"}",
      "{\"before\":\"" + OLD + "\",\"after\":\"" + NEW + "\"} trailing",
      "{\"before\":\"" + OLD + "\",\"after\":\"" + NEW + "\"}{}",
      "{\"error\":\"ckan db upgrade failed\"}"})
  void rejectsAnythingElse(String message) {
    assertEquals(Optional.empty(), MigrationResult.parse(message));
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("{\"error\":\"ckan db upgrade failed\\nsqlalchemy.exc.OperationalError: \\\"db\\\" gone\"}",
            "ckan db upgrade failed\nsqlalchemy.exc.OperationalError: \"db\" gone"),
        Arguments.of("{\"error\":\"\"}\n", ""));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("errors")
  void readsTheError(String message, String expected) {
    assertEquals(Optional.of(expected), MigrationResult.error(message));
    assertEquals(Optional.empty(), MigrationResult.parse(message));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @NullAndEmptySource
  @ValueSource(strings = {"garbage", "{\"error\":1}", "[\"x\"]", "{\"errors\":\"x\"}", "{\"error\":\"x\",\"before\":\"\"}", "{\"error\":\"x\"} y",
      "{\"message\":\"x\"}"})
  void noErrorInOtherMessages(String message) {
    assertEquals(Optional.empty(), MigrationResult.error(message));
  }

  @Test
  void theRecordChecksItsHeads() {
    assertThrows(IllegalArgumentException.class, () -> new MigrationResult("base", NEW));
    assertThrows(IllegalArgumentException.class, () -> new MigrationResult(OLD, ""));
    assertThrows(IllegalArgumentException.class, () -> new MigrationResult(null, NEW));
    assertThrows(IllegalArgumentException.class, () -> new MigrationResult(OLD, null));
    assertTrue(new MigrationResult("", NEW).changedSchema());
    assertFalse(new MigrationResult(NEW, NEW).changedSchema());
  }
}
