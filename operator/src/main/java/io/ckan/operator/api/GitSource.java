package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!self.ref.contains('..')", message = "ref must not contain '..'")
public class GitSource {
  @Required
  @Pattern(Patterns.GIT_URL)
  @Size(max = Patterns.GIT_URL_MAX)
  @JsonPropertyDescription("https URL of the repository.")
  public String url;

  @Required
  @Pattern(Patterns.GIT_REF)
  @Size(max = Patterns.GIT_REF_MAX)
  @JsonPropertyDescription("A tag or a 40-hex commit. Branch names are rejected unless allowFloatingRef is true.")
  public String ref;

  @JsonPropertyDescription("Accept a ref that may move (a branch). Off by default: releases must be reproducible.")
  public Boolean allowFloatingRef;
}
