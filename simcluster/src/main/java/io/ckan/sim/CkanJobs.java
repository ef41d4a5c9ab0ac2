package io.ckan.sim;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the operator's Jobs report when they end, by their {@code app.kubernetes.io/component} label: a build pushes an
 * image ({@link ImageBuilds}), a migration reports the database schema heads before and after
 * {@code ckan db upgrade} as {@code {"before":"<12 hex>","after":"<12 hex>"}}.
 */
public final class CkanJobs {
  private CkanJobs() {}

  /** The schema head every release has when migrations do not change anything. */
  public static final String STABLE_HEAD = "4b6a3f2e1d0c";

  /** Builds push, migrations leave the schema as it is. */
  public static JobBehaviour succeed(Duration delay) {
    return JobBehaviour.succeed(delay, CkanJobs::result);
  }

  static String result(Job job) {
    String component = label(job, "app.kubernetes.io/component");
    if ("build".equals(component)) {
      return ImageBuilds.resultOf(job);
    }
    if ("migrate".equals(component)) {
      return migration(STABLE_HEAD, STABLE_HEAD);
    }
    return "{}";
  }

  /**
   * A database whose schema follows the CKAN version: each version has its own head (so upgrading the version runs
   * a migration that changes the schema, and a config-only change does not). Remembers the current head.
   */
  public static JobBehaviour migratesPerVersion(Duration delay) {
    AtomicReference<String> database = new AtomicReference<>("");
    return JobBehaviour.succeed(delay, job -> {
      String version = annotation(job, "ckan.io/version");
      String after = JobBehaviour.fakeDigest("schema-" + version).substring(7, 19);
      String before = database.getAndSet(after);
      return migration(before, after);
    });
  }

  /** A migration that fails the way alembic does when the database is not what it expects. */
  public static JobBehaviour migrationFails(Duration delay, String error) {
    return JobBehaviour.fail(delay, "{\"error\":\"" + error.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
  }

  static String migration(String before, String after) {
    return "{\"before\":\"" + before + "\",\"after\":\"" + after + "\"}";
  }

  private static String label(Job job, String key) {
    Map<String, String> labels = job.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  private static String annotation(Job job, String key) {
    Map<String, String> annotations = job.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }
}
