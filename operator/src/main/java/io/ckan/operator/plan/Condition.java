package io.ckan.operator.plan;

/**
 * A kstatus condition as the planner decides it (times are added when status is written).
 *
 * @param unknown the status is Unknown (the operator cannot tell); {@code status} is then false
 */
public record Condition(String type, boolean status, String reason, String message, boolean unknown) {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String AVAILABLE = "Available";
  public static final String ROLLED_BACK = "RolledBack";
  /** Reported only while a refused ckan.io/promote request is set: False, reason PromotionRejected, and why. */
  public static final String PROMOTED = "Promoted";
  /** Whether the instance runs its line's latest patch (see {@code io.ckan.operator.currency.PatchCurrency}). */
  public static final String PATCH_CURRENT = "PatchCurrent";
  /** Whether the instance's CKAN line is still supported by CKAN. */
  public static final String SUPPORTED_LINE = "SupportedLine";

  public Condition(String type, boolean status, String reason, String message) {
    this(type, status, reason, message, false);
  }

  /** A condition whose status is Unknown. */
  public static Condition unknown(String type, String reason, String message) {
    return new Condition(type, false, reason, message, true);
  }

  /** "True", "False" or "Unknown", as written to status. */
  public String statusValue() {
    return unknown ? "Unknown" : status ? "True" : "False";
  }
}
