package dev.starling.node.repl.core;

/**
 * What the I/O layer must write durably (MongoDB keeps it in {@code local.replset.election}) before
 * it sends the reply or message that a decision came with.
 */
public record DurableState(long term, LastVote lastVote) {
  public static final DurableState INITIAL = new DurableState(0, LastVote.NONE);
}
