package io.ckan.operator.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The maxLength declared beside a pattern never refuses what the pattern admits: for each, a value of exactly that
 * length matches (so the validator's pattern check is also its length check).
 */
class PatternsTest {
  static String a(int n) {
    return "a".repeat(n);
  }

  static String longestUrl() {
    return "https://" + a(253) + ":65535" + ("/" + a(100)).repeat(10) + "/";
  }

  static Stream<Arguments> longestValues() {
    return Stream.of(
        Arguments.of(Patterns.EXTENSION_NAME, Patterns.EXTENSION_NAME_MAX, a(63)),
        Arguments.of(Patterns.PIP_PIN, Patterns.PIP_PIN_MAX, a(100) + "[" + a(100) + "]==" + "1".repeat(64)),
        Arguments.of(Patterns.GIT_URL, Patterns.GIT_URL_MAX, longestUrl()),
        Arguments.of(Patterns.SERVICE_URL, Patterns.SERVICE_URL_MAX, longestUrl()),
        Arguments.of(Patterns.GIT_REF, Patterns.GIT_REF_MAX, a(128)),
        Arguments.of(Patterns.RELATIVE_PATH, Patterns.RELATIVE_PATH_MAX, a(200)),
        Arguments.of(Patterns.PLUGIN, Patterns.PLUGIN_MAX, a(100)),
        Arguments.of(Patterns.CONFIG_KEY, Patterns.CONFIG_KEY_MAX, a(64) + ("." + a(64)).repeat(8)),
        Arguments.of(Patterns.SECRET_KEY, Patterns.SECRET_KEY_MAX, a(253)),
        Arguments.of(Patterns.OBJECT_NAME, Patterns.OBJECT_NAME_MAX, a(253)));
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("longestValues")
  void maxLengthAdmitsThePatternsLongestValue(String pattern, int maxLength, String longest) {
    assertEquals(maxLength, longest.length());
    assertTrue(Pattern.compile(pattern).matcher(longest).matches(), longest);
  }
}
