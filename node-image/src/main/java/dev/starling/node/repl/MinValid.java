package dev.starling.node.repl;

import dev.starling.node.repl.core.OpTime;

/**
 * The point this member's data is consistent from, kept in {@code local} across restarts (mongod's
 * minValid document). After a rollback or an initial sync, the data is a mix of the source's newer
 * documents and older ones until the oplog is applied up to {@code opTime}; a member that restarts
 * before that must not serve as SECONDARY (it comes back RECOVERING), and one whose initial sync
 * was cut short starts the initial sync again, because its copy is incomplete. {@link
 * ReplicationLocalStore} keeps it.
 *
 * @param opTime the entry to reach before the data is consistent; {@link OpTime#NULL} for none
 * @param initialSync whether an initial sync is under way (its copy may be incomplete)
 */
record MinValid(OpTime opTime, boolean initialSync) {
  static final MinValid NONE = new MinValid(OpTime.NULL, false);

  /** Whether a member whose last applied entry is {@code lastApplied} is not consistent yet. */
  boolean pending(OpTime lastApplied) {
    return initialSync || lastApplied.isBefore(opTime);
  }
}
