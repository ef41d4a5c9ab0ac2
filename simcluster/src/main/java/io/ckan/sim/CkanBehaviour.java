package io.ckan.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How the fake CKAN answers {@code status_show} for a matching Deployment. The default ({@link #normal()}) reports what
 * the Deployment runs; the other factories change one thing and can be chained:
 * {@code CkanBehaviour.reportsVersion("2.9.0").withoutPlugins("spatial")}. Immutable.
 */
public final class CkanBehaviour {

  private static final CkanBehaviour NORMAL = new CkanBehaviour(null, false, null, Set.of(), 0);

  private final String version;
  private final boolean hideVersion;
  private final List<String> plugins;
  private final Set<String> removedPlugins;
  private final int httpStatus;

  private CkanBehaviour(String version, boolean hideVersion, List<String> plugins, Set<String> removedPlugins,
      int httpStatus) {
    this.version = version;
    this.hideVersion = hideVersion;
    this.plugins = plugins;
    this.removedPlugins = removedPlugins;
    this.httpStatus = httpStatus;
  }

  public static CkanBehaviour normal() {
    return NORMAL;
  }

  public static CkanBehaviour reportsVersion(String version) {
    return NORMAL.withVersion(version);
  }

  public static CkanBehaviour reportsPlugins(String... plugins) {
    return NORMAL.withPlugins(plugins);
  }

  public static CkanBehaviour missingPlugins(String... plugins) {
    return NORMAL.withoutPlugins(plugins);
  }

  /** Like {@code ckan.hide_version = true}: the result has no {@code ckan_version}. */
  public static CkanBehaviour hidesVersion() {
    return NORMAL.withHiddenVersion();
  }

  /** Every API call answers with this HTTP status (e.g. 500) and an error body. */
  public static CkanBehaviour httpError(int status) {
    return NORMAL.withHttpStatus(status);
  }

  public CkanBehaviour withVersion(String newVersion) {
    return new CkanBehaviour(newVersion, hideVersion, plugins, removedPlugins, httpStatus);
  }

  public CkanBehaviour withPlugins(String... newPlugins) {
    return new CkanBehaviour(version, hideVersion, List.of(newPlugins), removedPlugins, httpStatus);
  }

  public CkanBehaviour withoutPlugins(String... removed) {
    Set<String> all = new LinkedHashSet<>(removedPlugins);
    all.addAll(Arrays.asList(removed));
    return new CkanBehaviour(version, hideVersion, plugins, Set.copyOf(all), httpStatus);
  }

  public CkanBehaviour withHiddenVersion() {
    return new CkanBehaviour(version, true, plugins, removedPlugins, httpStatus);
  }

  public CkanBehaviour withHttpStatus(int status) {
    return new CkanBehaviour(version, hideVersion, plugins, removedPlugins, status);
  }

  /** The HTTP status to answer with instead of a normal response, or 0. */
  int httpStatus() {
    return httpStatus;
  }

  /** The version to report (null: hidden), given what the Deployment runs. */
  String reportedVersion(String actual) {
    if (hideVersion) {
      return null;
    }
    return version != null ? version : actual;
  }

  List<String> reportedPlugins(List<String> actual) {
    List<String> result = new ArrayList<>(plugins != null ? plugins : actual);
    result.removeAll(removedPlugins);
    return result;
  }

  @Override
  public String toString() {
    if (this == NORMAL) {
      return "normal";
    }
    return "CkanBehaviour{version=" + version + ", hideVersion=" + hideVersion + ", plugins=" + plugins
        + ", removed=" + removedPlugins + ", httpStatus=" + httpStatus + "}";
  }
}
