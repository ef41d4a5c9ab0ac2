package io.ckan.operator.release;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ckan.operator.api.CkanInstanceSpec;
import io.ckan.operator.api.RolloutSpec;
import io.ckan.operator.api.SmokeCheckSpec;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * spec.rollout.checks[]: a smoke check is a path on the revision's own Service, never a host, and never carries
 * credentials. The same rules are in the CRD (pattern and CEL; ValidatorParityTest holds the two together).
 */
class SmokeCheckValidationTest {

  static List<String> errors(String path, Integer status, String field, String value) {
    CkanInstanceSpec spec = SpecValidatorTest.valid();
    SmokeCheckSpec check = new SmokeCheckSpec();
    check.path = path;
    check.expectedStatus = status;
    check.jsonField = field;
    check.jsonValue = value;
    spec.rollout = new RolloutSpec();
    spec.rollout.checks = List.of(check);
    return SpecValidator.validate(spec).stream().map(FieldError::field).toList();
  }

  @ParameterizedTest(name = "[{index}] {0} {1} {2} {3} -> {4}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      "/dataset | null | null | null | ''",
      "/ | 200 | null | null | ''",
      "/api/3/action/package_search?rows=0 | 200 | result.count | 0 | ''",
      "/dataset?q=water&sort=name | 200 | null | null | ''",
      "/no-such-page | 404 | null | null | ''",
      "/api/3/action/status_show | 200 | success | null | ''",
      // not a path on the revision's own Service
      "null | null | null | null | spec.rollout.checks[0].path",
      "dataset | null | null | null | spec.rollout.checks[0].path",
      "//evil.example.org/x | null | null | null | spec.rollout.checks[0].path",
      "http://evil.example.org/x | null | null | null | spec.rollout.checks[0].path",
      "/user@evil.example.org | null | null | null | spec.rollout.checks[0].path",
      "/dataset#frag | null | null | null | spec.rollout.checks[0].path",
      "/data set | null | null | null | spec.rollout.checks[0].path",
      // credentials
      "/api/3/action/user_show?id=admin&api_key=abc | null | null | null | spec.rollout.checks[0]",
      "/dataset?token=abc | null | null | null | spec.rollout.checks[0]",
      "/dataset?Password=abc | null | null | null | spec.rollout.checks[0]",
      "/dataset?x_auth_x=abc | null | null | null | spec.rollout.checks[0]",
      // status, field, value
      "/dataset | 99 | null | null | spec.rollout.checks[0].expectedStatus",
      "/dataset | 600 | null | null | spec.rollout.checks[0].expectedStatus",
      "/dataset | 200 | result..count | null | spec.rollout.checks[0].jsonField",
      "/dataset | 200 | $.result | null | spec.rollout.checks[0].jsonField",
      "/dataset | 200 | null | 0 | spec.rollout.checks[0]",
  })
  void aSmokeCheckIsAnAnonymousPathOnTheRevisionsOwnService(String path, Integer status, String field, String value,
      String expected) {
    assertEquals(expected.isEmpty() ? List.of() : List.of(expected), errors(path, status, field, value));
  }

  @org.junit.jupiter.api.Test
  void atMostTenChecks() {
    CkanInstanceSpec spec = SpecValidatorTest.valid();
    SmokeCheckSpec check = new SmokeCheckSpec();
    check.path = "/dataset";
    spec.rollout = new RolloutSpec();
    spec.rollout.checks = Collections.nCopies(RolloutSpec.MAX_CHECKS + 1, check);
    assertEquals(List.of("spec.rollout.checks"), SpecValidator.validate(spec).stream().map(FieldError::field)
        .toList());
    spec.rollout.checks = Collections.nCopies(RolloutSpec.MAX_CHECKS, check);
    assertEquals(List.of(), SpecValidator.validate(spec));
  }
}
