package io.ckan.operator.plan;

/** Where a Job of the operator (a build or a migration) stands. */
public enum JobState {
  RUNNING,
  SUCCEEDED,
  FAILED
}
