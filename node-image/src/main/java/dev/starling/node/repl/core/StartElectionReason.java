package dev.starling.node.repl.core;

/** Why a node stood for election, as MongoDB's StartElectionReasonEnum names them. */
public enum StartElectionReason {
  ELECTION_TIMEOUT,
  PRIORITY_TAKEOVER,
  STEP_UP_REQUEST,
  CATCHUP_TAKEOVER,
  SINGLE_NODE_PROMPT_ELECTION
}
