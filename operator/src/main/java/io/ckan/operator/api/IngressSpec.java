package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** An Ingress for the pointer Service. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IngressSpec {
  @Required
  @Pattern(Patterns.HOST)
  public String host;

  @Pattern(Patterns.OBJECT_NAME)
  @JsonPropertyDescription("TLS Secret for the host (kubernetes.io/tls).")
  public String tlsSecretName;

  @Pattern(Patterns.OBJECT_NAME)
  public String className;

  @Pattern(Patterns.PREVIEW_HOST)
  @JsonPropertyDescription("Host pattern at which every retained revision's own Service is exposed, with exactly one "
      + "{revision} placeholder, e.g. r{revision}.preview.example.org (one Ingress per revision).")
  public String previewHost;

  @Pattern(Patterns.OBJECT_NAME)
  @JsonPropertyDescription("TLS Secret for the preview hosts (a wildcard certificate such as *.preview.example.org).")
  public String previewTlsSecretName;
}
