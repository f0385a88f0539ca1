package dev.starling.node.repl.core;

/** Result of one replSetStepDown attempt that did not fail. */
public enum StepDownAttempt {
  /** The node is now a secondary and will not stand for election until the stepdown period ends. */
  SUCCEEDED,
  /** No electable secondary is caught up yet: try again after the next heartbeat or position. */
  WAITING
}
