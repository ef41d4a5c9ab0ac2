package io.ckan.operator.plan;

/**
 * A backup Job of the instance ({@code <instance>-r<N>-backup}) as the cluster shows it: the backup taken before
 * revision N's migration.
 *
 * @param name    the backup's name (the Job's {@code ckan.io/backup} annotation)
 * @param message why it failed (its termination message), empty otherwise
 */
public record ObservedBackup(int revision, String jobName, String name, JobState state, String message) {}
