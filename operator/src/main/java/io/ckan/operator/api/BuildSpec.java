package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** How release images are built in the cluster (when spec.image.prebuilt is not set). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildSpec {
  public static final int DEFAULT_TIMEOUT_SECONDS = 1800;
  public static final int MIN_TIMEOUT_SECONDS = 60;
  public static final int MAX_TIMEOUT_SECONDS = 21600;

  @Pattern(Patterns.REPOSITORY)
  @JsonPropertyDescription("Repository the release images are pushed to, e.g. registry.example.org/ckan/portal.")
  public String registry;

  @Pattern(Patterns.OBJECT_NAME)
  @JsonPropertyDescription("Secret (kubernetes.io/dockerconfigjson) with push credentials for the registry.")
  public String pushSecret;

  @JsonPropertyDescription("Image builder: buildkit (rootless, default), kaniko or buildah.")
  public Builder builder;

  @Min(MIN_TIMEOUT_SECONDS)
  @Max(MAX_TIMEOUT_SECONDS)
  @JsonPropertyDescription("Seconds a build may take before it is marked failed (default 1800).")
  public Integer timeoutSeconds;

  public enum Builder {
    buildkit,
    kaniko,
    buildah;

    @JsonCreator
    public static Builder of(String text) {
      return ExactEnum.of(Builder.class, text);
    }
  }

  public Builder builderOrDefault() {
    return builder == null ? Builder.buildkit : builder;
  }

  public int timeoutSecondsOrDefault() {
    return timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
  }
}
