package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ImageSpec {
  @Pattern(Patterns.IMAGE)
  @JsonPropertyDescription("Base image override (default ckan/ckan-base:<version>). Pin it with @sha256:.")
  public String base;

  @Pattern(Patterns.IMAGE_BY_DIGEST)
  @JsonPropertyDescription("A release image built by CI, as repo@sha256:<digest>. Skips the in-cluster build.")
  public String prebuilt;
}
