package io.ckan.operator;

import io.ckan.operator.api.SecretKeyRef;
import io.ckan.operator.api.ServicesSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * The external services most tests give their specs (a spec without a database is refused): PostgreSQL and Redis
 * URLs from the Secret {@value #SECRET}, which {@link #secret} builds and the integration harness creates.
 */
public final class TestServices {
  private TestServices() {}

  public static final String SECRET = "it-services";
  public static final String SOLR_URL = "http://solr.example.org:8983/solr/ckan";

  public static ServicesSpec external() {
    ServicesSpec services = new ServicesSpec();
    services.databaseUrl = new SecretKeyRef(SECRET, "url");
    services.redisUrl = new SecretKeyRef(SECRET, "redis");
    services.solrUrl = SOLR_URL;
    return services;
  }

  public static Secret secret(String namespace) {
    return new SecretBuilder().withNewMetadata().withName(SECRET).withNamespace(namespace).endMetadata()
        .addToStringData("url", "postgresql://ckan:it-password-0123456789@db.example.org/ckan")
        .addToStringData("redis", "redis://redis.example.org:6379/0")
        .build();
  }
}
