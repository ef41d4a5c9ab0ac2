package io.ckan.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Connections to PostgreSQL, the DataStore, Solr and Redis. Credentials only through Secrets. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "(has(self.managed) && self.managed) || (has(self.databaseUrl) && has(self.solrUrl) "
    + "&& has(self.redisUrl))", message = "set databaseUrl, solrUrl and redisUrl, or managed: true (quickstart)")
public class ServicesSpec {
  @JsonPropertyDescription("Quickstart only, NOT for production: deploy single-replica PostgreSQL, Solr (CKAN schema) "
      + "and Redis owned by the instance, without backups or high availability.")
  public Boolean managed;

  @JsonPropertyDescription("PostgreSQL URL (sqlalchemy.url / CKAN_SQLALCHEMY_URL) from a Secret.")
  public SecretKeyRef databaseUrl;

  @JsonPropertyDescription("DataStore write URL (CKAN_DATASTORE_WRITE_URL) from a Secret.")
  public SecretKeyRef datastoreWriteUrl;

  @JsonPropertyDescription("DataStore read URL (CKAN_DATASTORE_READ_URL) from a Secret.")
  public SecretKeyRef datastoreReadUrl;

  @Pattern(Patterns.SERVICE_URL)
  @Size(max = Patterns.SERVICE_URL_MAX)
  @JsonPropertyDescription("Solr core URL (CKAN_SOLR_URL), e.g. http://solr:8983/solr/ckan. No credentials here.")
  public String solrUrl;

  @JsonPropertyDescription("Solr basic-auth user (CKAN_SOLR_USER) from a Secret.")
  public SecretKeyRef solrUser;

  @JsonPropertyDescription("Solr basic-auth password (CKAN_SOLR_PASSWORD) from a Secret.")
  public SecretKeyRef solrPassword;

  @JsonPropertyDescription("Redis URL (CKAN_REDIS_URL) from a Secret (it may carry a password).")
  public SecretKeyRef redisUrl;

  public boolean managedOrDefault() {
    return Boolean.TRUE.equals(managed);
  }
}
