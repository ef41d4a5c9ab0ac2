package io.ckan.operator.plan;

import java.time.Instant;
import java.util.List;

/**
 * One revision as the cluster shows it: the objects labelled {@code ckan.io/revision=N}, grouped.
 *
 * @param fingerprint      from the objects' {@code ckan.io/fingerprint} annotation
 * @param plugins          the plugins the revision must report ({@code ckan.io/plugins})
 * @param attemptStartedAt when the revision was last brought up (creation, reuse, retry or rollback)
 * @param specReplicas     the Deployment's spec.replicas (0 without a Deployment)
 * @param rolledOut        the Deployment controller has observed the latest spec (observedGeneration)
 * @param deadlineExceeded Progressing=False with reason ProgressDeadlineExceeded
 * @param retryHandled     the last {@code ckan.io/retry} token acted on for this revision
 * @param verdictOnRecord  the verdict is written on the revision's own object; false for one inferred from the
 *                         pointer's history (an automatic revert whose verdict annotation is still to be written)
 */
public record ObservedRevision(
    int number,
    String fingerprint,
    String image,
    String version,
    List<String> plugins,
    Instant createdAt,
    Instant attemptStartedAt,
    boolean hasDeployment,
    boolean hasService,
    boolean hasConfigMap,
    int specReplicas,
    int availableReplicas,
    int updatedReplicas,
    boolean rolledOut,
    boolean deadlineExceeded,
    Verdict verdict,
    String verdictReason,
    String retryHandled,
    Runtime runtime,
    boolean verdictOnRecord) {

  /**
   * The revision's database schema and workers.
   *
   * @param schemaAfter       the alembic head its migration left (null: not migrated, or created before migrations)
   * @param migrated          its migration Job succeeded and the heads are recorded on its ConfigMap
   * @param startedByOperator its web pods run the operator's start command, which refuses to start the server
   *                          unless the image runs the expected CKAN version and every plugin loaded; without it
   *                          status_show proves nothing about plugins (it echoes the configured list)
   */
  public record Runtime(String schemaBefore, String schemaAfter, boolean migrated, boolean hasWorker,
      int workerReplicas, boolean startedByOperator, String backup) {
    public static final Runtime NONE = new Runtime(null, null, false, false, 0);

    /** Without a backup on record ({@code backup}: the one taken before its migration, from its ConfigMap). */
    public Runtime(String schemaBefore, String schemaAfter, boolean migrated, boolean hasWorker, int workerReplicas,
        boolean startedByOperator) {
      this(schemaBefore, schemaAfter, migrated, hasWorker, workerReplicas, startedByOperator, null);
    }

    /** A revision whose web pods run the operator's start command. */
    public Runtime(String schemaBefore, String schemaAfter, boolean migrated, boolean hasWorker, int workerReplicas) {
      this(schemaBefore, schemaAfter, migrated, hasWorker, workerReplicas, true);
    }
  }

  /** A revision whose verdict, if any, is on its own object. */
  public ObservedRevision(int number, String fingerprint, String image, String version, List<String> plugins,
      Instant createdAt, Instant attemptStartedAt, boolean hasDeployment, boolean hasService, boolean hasConfigMap,
      int specReplicas, int availableReplicas, int updatedReplicas, boolean rolledOut, boolean deadlineExceeded,
      Verdict verdict, String verdictReason, String retryHandled, Runtime runtime) {
    this(number, fingerprint, image, version, plugins, createdAt, attemptStartedAt, hasDeployment, hasService,
        hasConfigMap, specReplicas, availableReplicas, updatedReplicas, rolledOut, deadlineExceeded, verdict,
        verdictReason, retryHandled, runtime, true);
  }

  public ObservedRevision(int number, String fingerprint, String image, String version, List<String> plugins,
      Instant createdAt, Instant attemptStartedAt, boolean hasDeployment, boolean hasService, boolean hasConfigMap,
      int specReplicas, int availableReplicas, int updatedReplicas, boolean rolledOut, boolean deadlineExceeded,
      Verdict verdict, String verdictReason, String retryHandled) {
    this(number, fingerprint, image, version, plugins, createdAt, attemptStartedAt, hasDeployment, hasService,
        hasConfigMap, specReplicas, availableReplicas, updatedReplicas, rolledOut, deadlineExceeded, verdict,
        verdictReason, retryHandled, Runtime.NONE);
  }

  /** This revision with a verdict that is not on its object yet (see {@link #verdictOnRecord}). */
  public ObservedRevision withInferredVerdict(Verdict inferred, String reason) {
    return new ObservedRevision(number, fingerprint, image, version, plugins, createdAt, attemptStartedAt,
        hasDeployment, hasService, hasConfigMap, specReplicas, availableReplicas, updatedReplicas, rolledOut,
        deadlineExceeded, inferred, reason, retryHandled, runtime, false);
  }

  /** Pieces a crashed prune left behind (a worker, a Service, a migration Job) without config or web Deployment. */
  public boolean leftover() {
    return !hasDeployment && !hasConfigMap;
  }

  /** All wanted replicas of the current spec are up and available. */
  public boolean availableAt(int replicas) {
    return hasDeployment && replicas > 0 && specReplicas == replicas && rolledOut
        && updatedReplicas >= replicas && availableReplicas >= replicas;
  }

  /** Fully up at whatever scale it has now (a warm revision that can take traffic at once). */
  public boolean warmAndReady() {
    return availableAt(specReplicas);
  }

  public boolean serving() {
    return hasDeployment && availableReplicas > 0;
  }

  public boolean blocked() {
    return verdict != null && verdict.blocksRetry();
  }
}
