package io.ckan.operator.health;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What one health check asks a revision besides status_show: the {@link Dependency} checks that apply to it (the
 * database and Solr always; Redis only where its web pods use Redis) and the spec's smoke checks.
 */
public record RevisionChecks(Set<Dependency> dependencies, List<SmokeCheck> smokeChecks) {
  /** The database and Solr, no smoke checks: what every revision is asked. */
  public static final RevisionChecks DEFAULT = new RevisionChecks(EnumSet.of(Dependency.DATABASE, Dependency.SOLR),
      List.of());

  public RevisionChecks {
    dependencies = dependencies.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(
        dependencies));
    smokeChecks = List.copyOf(smokeChecks);
  }

  /**
   * @param sessionsInRedis the revision's web pods keep sessions in Redis ({@code SESSION_TYPE=redis}), so a request
   *                        with a session cookie reads Redis; otherwise nothing they serve anonymously touches it
   */
  public static RevisionChecks of(boolean sessionsInRedis, List<SmokeCheck> smokeChecks) {
    Set<Dependency> dependencies = EnumSet.of(Dependency.DATABASE, Dependency.SOLR);
    if (sessionsInRedis) {
      dependencies.add(Dependency.REDIS);
    }
    return new RevisionChecks(dependencies, smokeChecks);
  }
}
