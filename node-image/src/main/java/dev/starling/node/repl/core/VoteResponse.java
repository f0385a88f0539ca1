package dev.starling.node.repl.core;

/** replSetRequestVotes reply: the voter's term, whether it granted the vote, and why not. */
public record VoteResponse(long term, boolean voteGranted, String reason) {}
