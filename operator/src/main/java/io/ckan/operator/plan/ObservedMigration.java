package io.ckan.operator.plan;

/**
 * A revision's migration Job ({@code <instance>-r<N>-migrate}) as the cluster shows it.
 *
 * @param before the alembic head before {@code ckan db upgrade} (empty on a fresh database)
 * @param after  the head after it; null unless the Job succeeded with a readable result
 */
public record ObservedMigration(int revision, JobState state, String before, String after, String message) {}
