package io.ckan.operator.release;

import io.ckan.operator.api.ServicesSpec;
import java.util.List;

/** spec.services: PostgreSQL, DataStore, Solr and Redis, external with credentials from Secrets, or managed. */
final class ServicesCheck {
  private ServicesCheck() {}

  private static final String REQUIRED = "(or set services.managed: true)";

  static void services(ServicesSpec services, List<FieldError> errors) {
    if (services == null) {
      errors.add(new FieldError("spec.services", "is required: CKAN cannot run without a database. Set "
          + "services.databaseUrl, solrUrl and redisUrl (credentials from Secrets), or services.managed: true for a "
          + "quickstart (not for production)"));
      return;
    }
    Checks.secretKeyRef(errors, "spec.services.databaseUrl", services.databaseUrl);
    Checks.secretKeyRef(errors, "spec.services.datastoreWriteUrl", services.datastoreWriteUrl);
    Checks.secretKeyRef(errors, "spec.services.datastoreReadUrl", services.datastoreReadUrl);
    Checks.secretKeyRef(errors, "spec.services.solrUser", services.solrUser);
    Checks.secretKeyRef(errors, "spec.services.solrPassword", services.solrPassword);
    Checks.secretKeyRef(errors, "spec.services.redisUrl", services.redisUrl);
    if (UrlPassword.in(services.solrUrl)) {
      errors.add(new FieldError("spec.services.solrUrl", "'" + UrlPassword.redacted(services.solrUrl) + "' carries "
          + "a password: give solrUrl without credentials and set spec.services.solrUser and solrPassword "
          + "(secretKeyRefs)"));
    } else {
      Checks.text(errors, "spec.services.solrUrl", services.solrUrl, Tokens.SERVICE_URL,
          "must be an http(s) URL without credentials, e.g. http://solr:8983/solr/ckan");
    }
    if (!services.managedOrDefault()) {
      Checks.required(errors, "spec.services.databaseUrl", services.databaseUrl, REQUIRED);
      Checks.required(errors, "spec.services.solrUrl", services.solrUrl, REQUIRED);
      Checks.required(errors, "spec.services.redisUrl", services.redisUrl, REQUIRED);
    }
    if ((services.solrUser == null) != (services.solrPassword == null)) {
      errors.add(new FieldError("spec.services.solrUser", "solrUser and solrPassword go together"));
    }
    if (services.datastoreReadUrl != null && services.datastoreWriteUrl == null) {
      errors.add(new FieldError("spec.services.datastoreWriteUrl", "is required with datastoreReadUrl"));
    }
  }
}
