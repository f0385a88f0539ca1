package dev.starling.node.repl.core;

/** The durable record of the last vote cast: the term and the candidate's member _id. */
public record LastVote(long term, int candidateId) {
  /** Before any vote (MongoDB's initial term is 0; -1 means no candidate). */
  public static final LastVote NONE = new LastVote(0, -1);
}
