package io.ckan.operator.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.Patterns;
import io.ckan.operator.resources.PreviewIngress;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * spec.ingress.previewHost: a DNS host name with exactly one {revision} placeholder, checked by the offline validator
 * with the CRD's own pattern (ValidatorParityTest holds the two together); every admitted pattern gives a valid host
 * name for any revision number.
 */
class PreviewHostTest {

  static List<FieldError> errors(String previewHost) {
    CkanInstanceSpec spec = SpecValidatorTest.valid();
    spec.ingress = SpecValidatorTest.ingress("data.example.org");
    spec.ingress.previewHost = previewHost;
    return SpecValidator.validate(spec);
  }

  @ParameterizedTest
  @ValueSource(strings = {"r{revision}.preview.example.org", "{revision}.preview.example.org",
      "portal-r{revision}.example.org", "preview.{revision}-x.example.org", "a.b.r{revision}x.example.org",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaa{revision}bbbbbbbbbbbbbbbbbbbbbbbbbbb.example.org"})
  void acceptsOnePlaceholderInALabelAndGivesAHostNameForAnyRevision(String pattern) {
    assertEquals(List.of(), errors(pattern));
    Pattern host = Pattern.compile(Patterns.HOST);
    for (int revision : new int[] {1, 42, 999_999_999}) {
      String h = PreviewIngress.host(pattern, revision);
      assertTrue(host.matcher(h).matches() && java.util.Arrays.stream(h.split("\\.")).allMatch(l -> l.length() <= 63),
          h);
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "no placeholder | preview.example.org",
      "two placeholders | r{revision}.{revision}.example.org",
      "two in one label | r{revision}{revision}.example.org",
      "placeholder as the top-level label | preview.example.{revision}",
      "no dot | r{revision}",
      "another placeholder | r{rev}.preview.example.org",
      "capitals | R{revision}.Preview.example.org",
      "label starting with a dash | -{revision}.example.org",
      "a wildcard | *.{revision}.example.org",
      "a shell word | r{revision}.example.org;$(reboot)",
      "a label that nine digits make too long | aaaaaaaaaaaaaaaaaaaaaaaaaaaaa{revision}bbbbbbbbbbbbbbbbbbbbbbbbbbbb.org"})
  void refusesAnythingElseNamingTheField(String why, String pattern) {
    List<FieldError> errors = errors(pattern);
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("spec.ingress.previewHost", errors.get(0).field());
    assertTrue(errors.get(0).toString().contains("exactly one {revision} placeholder"), errors.get(0).toString());
  }
}
