package dev.starling.node.repl.core;

/**
 * The reply to a vote request plus what must be durable before the reply leaves: {@code persist} is
 * not null when the term or lastVote changed. {@code action} is StepDownSelf when a primary saw a
 * higher term.
 */
public record VoteResult(VoteResponse response, DurableState persist, Action action) {}
