package dev.starling.node.repl.core;

import java.util.List;

/**
 * One step of an election seen from the candidate.
 *
 * <ul>
 *   <li>{@link Outcome#SEND_REQUESTS}: persist {@code persist} (if not null), then send {@code
 *       request} to every member in {@code targets}; feed replies to {@code processVoteResponse}.
 *   <li>{@link Outcome#WAITING}: keep waiting for replies.
 *   <li>{@link Outcome#WON}: this node is primary in {@code term}; persist first if asked, then
 *       write the "new primary" no-op oplog entry in the new term (the commit point cannot advance
 *       before the primary has written in its own term).
 *   <li>{@link Outcome#LOST}: the election is over; persist if asked (a higher term was seen).
 *   <li>{@link Outcome#IGNORED}: stale reply or no election running.
 * </ul>
 */
public record ElectionStep(
    Outcome outcome,
    long term,
    boolean dryRun,
    VoteRequest request,
    List<Integer> targets,
    DurableState persist,
    String reason) {

  public enum Outcome {
    SEND_REQUESTS,
    WAITING,
    WON,
    LOST,
    IGNORED
  }

  static ElectionStep of(Outcome o, long term, DurableState persist, String reason) {
    return new ElectionStep(o, term, false, null, List.of(), persist, reason);
  }
}
