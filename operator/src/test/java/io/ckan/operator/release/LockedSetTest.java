package io.ckan.operator.release;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ckan.operator.release.LockedSet.Change;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LockedSetTest {

  static final String COMMIT = "a".repeat(40);

  static Stream<Arguments> freezes() {
    return Stream.of(
        Arguments.of("pinned", "CKAN==2.11.5\n", Map.of("ckan", "==2.11.5")),
        Arguments.of("names are normalized", "Flask_Babel==4.0.0\nzope.interface==7.2\n",
            Map.of("flask-babel", "==4.0.0", "zope-interface", "==7.2")),
        Arguments.of("direct VCS reference", "ckanext-dcat @ git+https://github.com/ckan/ckanext-dcat@" + COMMIT,
            Map.of("ckanext-dcat", "@ git+https://github.com/ckan/ckanext-dcat@" + COMMIT)),
        Arguments.of("editable VCS install", "-e git+https://github.com/ckan/ckanext-harvest@" + COMMIT
            + "#egg=ckanext_harvest\n", Map.of("ckanext-harvest", "@ git+https://github.com/ckan/ckanext-harvest@"
            + COMMIT)),
        Arguments.of("comments and blanks skipped", "# Editable install with no version control\n\npip==25.1\n",
            Map.of("pip", "==25.1")),
        Arguments.of("arbitrary equality", "legacy===1.0-custom\n", Map.of("legacy", "===1.0-custom")),
        Arguments.of("empty", "", Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("freezes")
  void parsesFreezeLines(String what, String freeze, Map<String, String> expected) {
    assertEquals(new TreeMap<>(expected), LockedSet.parse(freeze).packages());
  }

  static Stream<Arguments> encodings() {
    return Stream.of(
        Arguments.of("round trip", LockedSet.encode("CKAN==2.11.5\n"), Optional.of("CKAN==2.11.5\n")),
        Arguments.of("empty text round trips", LockedSet.encode(""), Optional.of("")),
        Arguments.of("null", null, Optional.empty()),
        Arguments.of("not base64", "%%%", Optional.empty()),
        Arguments.of("base64 but not gzip", "Q0tBTj09Mi4xMS41", Optional.empty()),
        Arguments.of("bigger than the cap when inflated", LockedSet.encode("x".repeat(LockedSet.MAX_TEXT + 1)),
            Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encodings")
  void decodes(String what, String encoded, Optional<String> expected) {
    assertEquals(expected, LockedSet.decode(encoded));
  }

  static Stream<Arguments> diffs() {
    return Stream.of(
        Arguments.of("same", "a==1\nb==2\n", "b==2\na==1\n", List.of()),
        Arguments.of("added", "a==1\n", "a==1\nb==2\n", List.of(new Change("b", null, "==2"))),
        Arguments.of("removed", "a==1\nb==2\n", "a==1\n", List.of(new Change("b", "==2", null))),
        Arguments.of("changed, transitive too", "ckan==2.11.4\nwerkzeug==3.0.4\n", "ckan==2.11.5\nwerkzeug==3.0.6\n",
            List.of(new Change("ckan", "==2.11.4", "==2.11.5"), new Change("werkzeug", "==3.0.4", "==3.0.6"))),
        Arguments.of("a commit moved", "ckanext-x @ git+https://h/x@" + COMMIT + "\n",
            "ckanext-x @ git+https://h/x@" + "b".repeat(40) + "\n",
            List.of(new Change("ckanext-x", "@ git+https://h/x@" + COMMIT, "@ git+https://h/x@" + "b".repeat(40)))),
        Arguments.of("spelling of a name is no change", "Flask_Babel==4.0.0\n", "flask-babel==4.0.0\n", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("diffs")
  void diffsByPackage(String what, String from, String to, List<Change> expected) {
    assertEquals(expected, LockedSet.parse(from).diff(LockedSet.parse(to)));
  }
}
