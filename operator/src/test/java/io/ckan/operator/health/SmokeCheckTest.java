package io.ckan.operator.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pure: how one smoke check judges an answer (status, then the optional JSON field and value). */
class SmokeCheckTest {

  @ParameterizedTest(name = "[{index}] {1} {2} {3}: {5}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      // expected status, answered status, field, value, body, failure
      "200 | 200 | null | null | <html></html> | null",
      "200 | 500 | null | null | <html></html> | answered HTTP 500, expected 200",
      "404 | 404 | null | null | Not found | null",
      "200 | 302 | null | null | '' | answered HTTP 302, expected 200",
      "200 | 200 | result.count | 0 | {\"result\":{\"count\":0}} | null",
      "200 | 200 | result.count | 1 | {\"result\":{\"count\":0}} | answered result.count = 0, expected 1",
      "200 | 200 | result.count | null | {\"result\":{}} | answered JSON without result.count",
      "200 | 200 | result.count | null | {\"result\":{\"count\":7}} | null",
      "200 | 200 | success | true | {\"success\":true} | null",
      "200 | 200 | result.0.name | a | {\"result\":[{\"name\":\"a\"}]} | null",
      "200 | 200 | result.1.name | a | {\"result\":[{\"name\":\"a\"}]} | answered JSON without result.1.name",
      "200 | 200 | result | [] | {\"result\":[]} | null",
      "200 | 200 | result.count | 0 | <html>0</html> | answered no JSON, expected result.count = 0",
  })
  void aSmokeCheckJudgesStatusThenTheJsonField(int expected, int status, String field, String value, String body,
      String failure) {
    assertEquals(failure, new SmokeCheck("/x", expected, field, value).failure(status, body));
  }
}
