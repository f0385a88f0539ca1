package dev.starling.node.repl.core;

/**
 * replSetRequestVotes arguments. A dry run asks "would you vote for me?" without changing anyone's
 * term or vote; {@code term} is the candidate's current term for a dry run and its new term for a
 * real election.
 */
public record VoteRequest(
    String setName,
    boolean dryRun,
    long term,
    int candidateId,
    int configVersion,
    long configTerm,
    OpTime lastAppliedOpTime) {}
