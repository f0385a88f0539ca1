package dev.starling.node.repl.core;

/**
 * The decision after a heartbeat request, position report or sync-source metadata: durable state to
 * write (not null when the term changed), an action (StepDownSelf when a primary saw a higher term)
 * and whether the commit point moved.
 */
public record UpdateResult(DurableState persist, Action action, boolean commitPointAdvanced) {}
