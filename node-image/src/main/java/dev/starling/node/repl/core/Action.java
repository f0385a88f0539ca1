package dev.starling.node.repl.core;

/**
 * What the I/O layer must do after handing the coordinator an event. The coordinator has already
 * changed its own state; the action says which side effects follow.
 */
public sealed interface Action {
  /** Nothing beyond what the returning method said. */
  record NoAction() implements Action {}

  /**
   * An election started: persist {@link ElectionStep#persist()} if present, then send {@link
   * ElectionStep#request()} to every member in {@link ElectionStep#targets()}.
   */
  record StartElection(StartElectionReason reason, ElectionStep step) implements Action {}

  /**
   * This node stopped being primary (higher term seen, liveness lost, or replSetStepDown): kill
   * user writes, close connections that need it, start fetching as a secondary.
   */
  record StepDownSelf(String reason) implements Action {}

  /** A priority takeover is scheduled at {@code atMillis}; make sure tick runs then. */
  record PriorityTakeover(long atMillis) implements Action {}

  /** A catch-up takeover is scheduled at {@code atMillis}; make sure tick runs then. */
  record CatchupTakeover(long atMillis) implements Action {}

  /**
   * A newlyAdded member has caught up (it reports SECONDARY) and the current config is committed:
   * the primary should clear the member's mark with an automatic reconfig (version + 1), after
   * which it votes and counts for majorities.
   */
  record ClearNewlyAdded(int memberId) implements Action {}

  Action NONE = new NoAction();
}
