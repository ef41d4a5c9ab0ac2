package io.ckan.operator.currency;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The release-line table in force: the shipped one, or the override ConfigMap's ({@value #KEY}) when it exists. The
 * ConfigMap is read at most once per {@link #REFRESH} whatever the number of reconciles; a malformed override is
 * logged once and the shipped table is used, with a caveat the conditions repeat. Never throws.
 */
public final class ReleaseLinesSource {
  private static final Logger LOG = LoggerFactory.getLogger(ReleaseLinesSource.class);
  /** The ConfigMap key holding the table. */
  public static final String KEY = "lines.yaml";
  /** How long a read override stays in force before the ConfigMap is read again. */
  public static final Duration REFRESH = Duration.ofMinutes(1);

  /** Reads the override ConfigMap: null when it does not exist. */
  public interface Reader {
    ConfigMap read();
  }

  private final ReleaseLines shipped;
  private final Reader reader;
  private final String where;
  private final Clock clock;
  private ReleaseLines current;
  private Instant readAt;
  private String lastProblem;

  private ReleaseLinesSource(ReleaseLines shipped, Reader reader, String where, Clock clock) {
    this.shipped = shipped;
    this.reader = reader;
    this.where = where;
    this.clock = clock;
    this.current = shipped;
  }

  /** The shipped table only (no override configured). */
  public static ReleaseLinesSource shippedOnly() {
    return new ReleaseLinesSource(ReleaseLines.shipped(), null, null, Clock.systemUTC());
  }

  /** The shipped table, replaced by ConfigMap {@code namespace/name} while it exists. */
  public static ReleaseLinesSource overriddenBy(KubernetesClient client, String namespace, String name,
      Clock clock) {
    return new ReleaseLinesSource(ReleaseLines.shipped(),
        () -> client.configMaps().inNamespace(namespace).withName(name).get(), namespace + "/" + name, clock);
  }

  /** As above, reading through {@code reader} (tests). */
  static ReleaseLinesSource overriddenBy(Reader reader, String where, Clock clock) {
    return new ReleaseLinesSource(ReleaseLines.shipped(), reader, where, clock);
  }

  /** The table in force now (the ConfigMap is read again when the last read is older than {@link #REFRESH}). */
  public synchronized ReleaseLines current() {
    Instant now = clock.instant();
    if (reader == null || readAt != null && now.isBefore(readAt.plus(REFRESH))) {
      return current;
    }
    readAt = now;
    try {
      current = resolve(reader.read(), shipped, where);
      report(current.caveat());
    } catch (KubernetesClientException e) {
      // keep what was in force: a failed read is not a reason to change every instance's conditions
      report("could not read the release-line override " + where + ": " + e.getMessage());
    }
    return current;
  }

  private void report(String problem) {
    if (problem != null && !problem.equals(lastProblem)) {
      LOG.warn("{}", problem);
    }
    lastProblem = problem;
  }

  /** Pure: the table an override ConfigMap (null: absent) puts in force. */
  static ReleaseLines resolve(ConfigMap override, ReleaseLines shipped, String where) {
    if (override == null) {
      return shipped;
    }
    String text = Optional.ofNullable(override.getData()).map((Map<String, String> d) -> d.get(KEY)).orElse(null);
    try {
      if (text == null) {
        throw new ReleaseLines.Malformed("it has no key " + KEY);
      }
      return ReleaseLines.parse(text);
    } catch (ReleaseLines.Malformed e) {
      return shipped.withCaveat("the release-line override " + where + " is malformed: " + e.getMessage()
          + "; the shipped table is used");
    }
  }
}
