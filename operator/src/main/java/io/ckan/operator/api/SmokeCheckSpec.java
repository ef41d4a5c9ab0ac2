package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A user-defined smoke check: an anonymous GET on the revision's own Service during verification and the bake
 * window, bounded in time like every health check.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!self.path.matches('" + Patterns.CREDENTIAL_QUERY + "')",
    message = "a smoke check runs anonymously: no credentials in its path")
@ValidationRule(value = "!has(self.jsonValue) || has(self.jsonField)", message = "jsonValue needs jsonField")
public class SmokeCheckSpec {
  public static final int DEFAULT_EXPECTED_STATUS = 200;
  public static final int MAX_JSON_VALUE = 200;

  @Required
  @Pattern(Patterns.SMOKE_PATH)
  @Size(max = Patterns.SMOKE_PATH_MAX)
  @JsonPropertyDescription("Path (and query) on the revision's own Service, e.g. /dataset; starts with one /, no "
      + "host, no credentials.")
  public String path;

  @Min(100)
  @Max(599)
  @JsonPropertyDescription("The HTTP status the path must answer (default 200).")
  public Integer expectedStatus;

  @Pattern(Patterns.JSON_FIELD)
  @Size(max = 649)
  @JsonPropertyDescription("Optional dotted path into the JSON answer (numbers index arrays), e.g. result.count: it "
      + "must exist.")
  public String jsonField;

  @Size(max = MAX_JSON_VALUE)
  @JsonPropertyDescription("Optional value the jsonField must read (compared as text).")
  public String jsonValue;

  public int expectedStatusOrDefault() {
    return expectedStatus == null ? DEFAULT_EXPECTED_STATUS : expectedStatus;
  }
}
