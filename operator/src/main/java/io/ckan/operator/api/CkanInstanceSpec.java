package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Map;

/** What the platform engineer asks for. Field patterns are mirrored by {@code release.SpecValidator}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CkanInstanceSpec {
  public static final int MAX_EXTENSIONS = 50;
  public static final int MAX_PLUGINS = 100;
  public static final int MAX_CONFIG_OPTIONS = 200;
  public static final int MAX_SECRET_OPTIONS = 50;
  public static final int MAX_CONSTRAINTS = 200;
  public static final int MAX_SCHEDULES = 20;

  @Required
  @Pattern(Patterns.VERSION)
  @JsonPropertyDescription("CKAN core version, X.Y.Z (for example 2.11.5).")
  public String version;

  @JsonPropertyDescription("Image overrides: a base image, or a prebuilt release image pinned by digest.")
  public ImageSpec image;

  @Size(max = MAX_EXTENSIONS)
  @ValidationRule(value = "self.all(x, self.exists_one(y, y.name == x.name))", message = "extension names must be unique")
  @JsonPropertyDescription("Extensions installed into the release image, each pinned exactly.")
  public List<ExtensionSpec> extensions;

  @Size(max = MAX_CONSTRAINTS)
  @ValidationRule(value = "self.all(x, self.exists_one(y, y == x))", message = "constraints must not repeat")
  @JsonPropertyDescription("Exact pins of transitive Python dependencies (pip constraints, e.g. requests==2.32.3) "
      + "applied to every extension install of the built release image. Needs spec.extensions; not used with "
      + "spec.image.prebuilt (like spec.build).")
  public List<@Size(max = Patterns.PIP_PIN_MAX) @Pattern(Patterns.PIP_PIN) String> constraints;

  @Size(max = MAX_PLUGINS)
  @ValidationRule(value = "self.all(x, self.exists_one(y, y == x))", message = "plugins must not repeat")
  @JsonPropertyDescription("Ordered list of CKAN plugins to load (ckan.plugins). The operator appends `envvars` last.")
  public List<@Size(max = Patterns.PLUGIN_MAX) @Pattern(Patterns.PLUGIN) String> plugins;

  @Size(max = MAX_CONFIG_OPTIONS)
  @ValidationRule(
      value = "self.all(k, k.matches('" + Patterns.CONFIG_KEY_CEL + "'))",
      message = "config keys must be dotted CKAN option names such as ckan.site_url")
  @ValidationRule(
      value = "self.all(k, !self[k].matches('" + Patterns.URL_WITH_PASSWORD + "'))",
      message = "config values must not carry a password in a URL (scheme://user:password@host): spec.config lands in "
          + "a ConfigMap; put the option in spec.secretConfig with a secretKeyRef to a Secret holding the URL")
  @JsonPropertyDescription("Non-secret CKAN options, e.g. ckan.site_url (values of at most 8192 characters). "
      + "Secrets never go here.")
  public Map<String, @Size(max = Patterns.CONFIG_VALUE_MAX) String> config;

  @Size(max = MAX_SECRET_OPTIONS)
  @ValidationRule(value = "self.all(x, self.exists_one(y, y.option == x.option))", message = "secretConfig options must be unique")
  @JsonPropertyDescription("CKAN options whose values come from Secrets (secretKeyRef), e.g. beaker.session.secret.")
  public List<SecretOption> secretConfig;

  @Required
  @JsonPropertyDescription("PostgreSQL, DataStore, Solr and Redis: external (credentials from Secrets) or managed. "
      + "CKAN cannot run without a database: set databaseUrl (with solrUrl and redisUrl) or managed: true.")
  public ServicesSpec services;

  @JsonPropertyDescription("Background workers (ckan jobs worker), switched together with the web tier.")
  public WorkersSpec workers;

  @Size(max = MAX_SCHEDULES)
  @ValidationRule(value = "self.all(x, self.exists_one(y, y.name == x.name))", message = "schedule names must be unique")
  @JsonPropertyDescription("Periodic ckan commands (CronJobs) that run the live revision's image and config; they "
      + "follow the pointer and are suspended while the instance is paused.")
  public List<ScheduleSpec> schedules;

  @JsonPropertyDescription("Ingress for the pointer Service.")
  public IngressSpec ingress;

  @JsonPropertyDescription("PersistentVolumeClaim for uploads, mounted at CKAN_STORAGE_PATH.")
  public StorageSpec storage;

  @JsonPropertyDescription("Backups before migrating rollouts (pg_dump -Fc to a PVC or an S3-compatible bucket).")
  public BackupSpec backup;

  @Min(0)
  @JsonPropertyDescription("Web replicas of the live revision. Changing it scales in place (no new revision).")
  public Integer replicas;

  @JsonPropertyDescription("Compute resources of the CKAN web container.")
  public ResourceRequirements resources;

  @JsonPropertyDescription("In-cluster release image builds: registry, push secret, builder, timeout.")
  public BuildSpec build;

  @JsonPropertyDescription("Rollout, bake and retention settings.")
  public RolloutSpec rollout;

  @JsonPropertyDescription("Freeze rollouts (status keeps being reported).")
  public Boolean paused;
}
