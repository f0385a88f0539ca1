package dev.starling.node.repl.core;

/** A replica-set member's state, with MongoDB's numeric codes and stateStr names. */
public enum MemberState {
  STARTUP(0),
  PRIMARY(1),
  SECONDARY(2),
  RECOVERING(3),
  STARTUP2(5),
  UNKNOWN(6),
  ARBITER(7),
  DOWN(8),
  ROLLBACK(9),
  REMOVED(10);

  private final int code;

  MemberState(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The {@code stateStr} replSetGetStatus shows, e.g. "PRIMARY". */
  public String stateStr() {
    return name();
  }

  public boolean readable() {
    return this == PRIMARY || this == SECONDARY;
  }

  public static MemberState fromCode(int code) {
    for (MemberState s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("no member state " + code);
  }
}
