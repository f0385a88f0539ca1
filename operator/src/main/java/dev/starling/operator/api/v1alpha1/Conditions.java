package dev.starling.operator.api.v1alpha1;

/** The kstatus condition types of {@code status.conditions}, set from the first reconcile. */
public final class Conditions {
  /** True when every member is healthy and the set matches the spec. */
  public static final String READY = "Ready";

  /** True only while an action is in progress. */
  public static final String RECONCILING = "Reconciling";

  /** True when the operator cannot progress without a person (InvalidSpec, ...). */
  public static final String STALLED = "Stalled";

  private Conditions() {}
}
