package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Required;

/** A CKAN option whose value comes from a Secret, e.g. beaker.session.secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretOption {
  @Required
  @Pattern(Patterns.CONFIG_KEY)
  @Size(max = Patterns.CONFIG_KEY_MAX)
  @JsonPropertyDescription("CKAN option name, e.g. beaker.session.secret or api_token.jwt.encode.secret.")
  public String option;

  @Required
  public SecretKeyRef secretKeyRef;
}
