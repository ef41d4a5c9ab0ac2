package io.ckan.operator.health;

import java.util.Map;

/**
 * A service CKAN needs beyond its own process, and the cheap, public, read-only request that proves CKAN can use it.
 * What CKAN 2.11.5 answers when each one is stopped was recorded by the real-CKAN tier
 * ({@code simcluster/src/main/resources/ckan-recordings/outage-*.json}).
 */
public enum Dependency {
  /**
   * PostgreSQL: {@code package_list} reads the package table (one column, one row) and never asks Solr. Recorded:
   * CKAN reads {@code system_info} from the database before <em>every</em> request ({@code ckan_before_request} ->
   * {@code app_globals._check_uptodate}), so with PostgreSQL stopped status_show itself answers HTTP 500 as well.
   */
  DATABASE("database", "/api/3/action/package_list?limit=1", Map.of()),
  /**
   * Solr: {@code package_search} always queries the search index, even for no rows (data.gov's check). Recorded:
   * with Solr stopped it answers HTTP 500, {@code "Search Connection Error"}; status_show and package_list answer.
   */
  SOLR("Solr", "/api/3/action/package_search?rows=0", Map.of()),
  /**
   * Redis, only where web pods use it: when the operator keeps sessions in Redis ({@code SESSION_TYPE=redis}, more
   * than one replica on CKAN 2.11+), a request carrying a session cookie makes Flask-Session read that session from
   * Redis before CKAN runs. The check sends a made-up session id that is nobody's session (no credential: it reads
   * nothing and, the session staying empty, writes nothing); with Redis stopped CKAN answers HTTP 500 (recorded).
   * With cookie sessions no anonymous request touches Redis (only {@code ckan jobs} and actions that enqueue, which
   * need a login), so there is no check.
   */
  REDIS("Redis", "/api/3/action/status_show", Map.of("Cookie", "ckan=ckan-operator-health-check"));

  private final String label;
  private final String pathAndQuery;
  private final Map<String, String> headers;

  Dependency(String label, String pathAndQuery, Map<String, String> headers) {
    this.label = label;
    this.pathAndQuery = pathAndQuery;
    this.headers = headers;
  }

  /** How messages name it. */
  public String label() {
    return label;
  }

  /** The request's path and query, e.g. {@code /api/3/action/package_search?rows=0}. */
  public String pathAndQuery() {
    return pathAndQuery;
  }

  /** Headers the request carries besides {@code Accept} (Redis: the made-up session cookie). */
  public Map<String, String> headers() {
    return headers;
  }

  /** The action the request calls, as messages name it, e.g. {@code package_search}. */
  public String action() {
    String path = pathAndQuery.substring(pathAndQuery.lastIndexOf('/') + 1);
    int q = path.indexOf('?');
    return (q < 0 ? path : path.substring(0, q)) + (headers.isEmpty() ? "" : " with a session cookie");
  }
}
