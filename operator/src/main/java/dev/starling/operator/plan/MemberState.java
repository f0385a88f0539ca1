package dev.starling.operator.plan;

/** A member's replica-set state, with replSetGetStatus's names. */
public enum MemberState {
  STARTUP,
  PRIMARY,
  SECONDARY,
  RECOVERING,
  STARTUP2,
  UNKNOWN,
  ARBITER,
  DOWN,
  ROLLBACK,
  REMOVED;

  /** Serving its role: PRIMARY, SECONDARY or ARBITER (what {@code /readyz} reports ready). */
  public boolean healthy() {
    return this == PRIMARY || this == SECONDARY || this == ARBITER;
  }

  /** Still copying or repairing its data: a new member in initial sync, or a rollback. */
  public boolean syncing() {
    return this == STARTUP2 || this == RECOVERING || this == ROLLBACK;
  }
}
