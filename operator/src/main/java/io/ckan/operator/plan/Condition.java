package io.ckan.operator.plan;

/** A kstatus condition as the planner decides it (times are added when status is written). */
public record Condition(String type, boolean status, String reason, String message) {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String AVAILABLE = "Available";
  public static final String ROLLED_BACK = "RolledBack";
}
