package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One CKAN extension, from exactly one pinned source. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.pip) != has(self.git)", message = "set exactly one of pip or git")
public class ExtensionSpec {
  public static final int MAX_PLUGINS = 50;

  @Required
  @Pattern(Patterns.EXTENSION_NAME)
  @Size(max = Patterns.EXTENSION_NAME_MAX)
  @JsonPropertyDescription("Unique name of the extension in this instance, e.g. dcat.")
  public String name;

  @Pattern(Patterns.PIP_PIN)
  @Size(max = Patterns.PIP_PIN_MAX)
  @JsonPropertyDescription("PyPI requirement with an exact pin, e.g. ckanext-dcat==2.4.4.")
  public String pip;

  @JsonPropertyDescription("Git source: https URL and a tag or 40-hex commit.")
  public GitSource git;

  @Pattern(Patterns.RELATIVE_PATH)
  @Size(max = Patterns.RELATIVE_PATH_MAX)
  @JsonPropertyDescription("Requirements file inside the source tree, e.g. requirements.txt.")
  public String requirementsFile;

  @Size(max = MAX_PLUGINS)
  @JsonPropertyDescription("Plugin names this extension provides (referenced from spec.plugins).")
  public List<@Size(max = Patterns.PLUGIN_MAX) @Pattern(Patterns.PLUGIN) String> plugins;
}
