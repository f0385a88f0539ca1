package dev.starling.node.repl.core;

/**
 * The decision after a heartbeat reply (or failure): what to do, when to send the next heartbeat to
 * that member, and durable state to write first (not null when the term changed).
 */
public record HeartbeatResult(Action action, long nextHeartbeatAtMillis, DurableState persist) {}
