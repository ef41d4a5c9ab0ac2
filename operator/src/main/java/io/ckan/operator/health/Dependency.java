package io.ckan.operator.health;

/**
 * A service CKAN needs beyond its own process, and the cheap, public, read-only action that proves CKAN can use it.
 * {@code status_show} only reads config, so it proves neither.
 */
public enum Dependency {
  /**
   * PostgreSQL: {@code package_list} reads the package table (one column, one row) and never asks Solr; anonymous
   * requests load no user, so this is the cheapest action whose answer comes from the database.
   */
  DATABASE("database", "package_list", "limit=1"),
  /** Solr: {@code package_search} always queries the search index, even for no rows (data.gov's check). */
  SOLR("Solr", "package_search", "rows=0");

  private final String label;
  private final String action;
  private final String query;

  Dependency(String label, String action, String query) {
    this.label = label;
    this.action = action;
    this.query = query;
  }

  /** How messages name it. */
  public String label() {
    return label;
  }

  /** The action's path and query, e.g. {@code /api/3/action/package_search?rows=0}. */
  public String pathAndQuery() {
    return "/api/3/action/" + action + "?" + query;
  }

  public String action() {
    return action;
  }
}
