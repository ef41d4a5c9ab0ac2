package io.ckan.operator.plan;

/** Where a revision stands in its lifecycle (DESIGN.md section 3), as reported in status.revisions[].state. */
public enum RevisionState {
  Building,
  Migrating,
  Deploying,
  Live,
  Stable,
  Superseded,
  Failed,
  RolledBack
}
