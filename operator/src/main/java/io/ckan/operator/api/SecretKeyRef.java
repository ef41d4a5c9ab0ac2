package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.Required;

/** A key of a Secret in the instance's namespace. The operator passes it to pods as secretKeyRef, never its value. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyRef {
  @Required
  @Pattern(Patterns.OBJECT_NAME)
  @Size(max = Patterns.OBJECT_NAME_MAX)
  public String name;

  @Required
  @Pattern(Patterns.SECRET_KEY)
  @Size(max = Patterns.SECRET_KEY_MAX)
  public String key;

  public SecretKeyRef() {}

  public SecretKeyRef(String name, String key) {
    this.name = name;
    this.key = key;
  }
}
