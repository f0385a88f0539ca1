package dev.starling.node.repl.core;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A newly elected primary's catch-up phase. Before it takes writes, the new primary asks every
 * member for its position (a round of heartbeats sent after the election) and keeps fetching until
 * it holds the newest entry those replies show, so entries a fresher member holds are kept rather
 * than rolled back. The target is known once every other member has answered or failed a heartbeat
 * sent after the election (as mongod's). The phase ends when this node has the target, when the
 * config's {@code catchUpTimeoutMillis} passes, or when it is aborted.
 *
 * <p>The target counts only members that answered and are still healthy, so a fresher member that
 * dies during the phase no longer holds the new primary back (mongod would wait for the timeout, by
 * default forever, or for a catch-up takeover). Members already DOWN or silent at the election (a
 * paused old primary) are not waited for, nor is a member that has not answered within two
 * heartbeat intervals (a live member answers in milliseconds); if one answers later during the
 * phase, it counts.
 */
final class PrimaryCatchUp {
  private final long startedAt;
  private final long deadline;
  private final Map<Integer, OpTime> heard = new HashMap<>();
  private final Set<Integer> answered = new HashSet<>();

  PrimaryCatchUp(long startedAt, long timeoutMillis) {
    this.startedAt = startedAt;
    this.deadline = timeoutMillis < 0 ? Long.MAX_VALUE : startedAt + timeoutMillis;
  }

  long startedAt() {
    return startedAt;
  }

  long deadline() {
    return deadline;
  }

  /** A heartbeat reply sent after the election reports {@code memberId} at {@code applied}. */
  void heard(int memberId, OpTime applied) {
    heard.merge(memberId, applied, OpTime::max);
    answered.add(memberId);
  }

  /** A heartbeat to {@code memberId} failed, or it went DOWN: it no longer counts. */
  void lost(int memberId) {
    heard.remove(memberId);
    answered.add(memberId);
  }

  /** Stops waiting for members in {@code others} that have not answered: they do not count. */
  void stopWaitingFor(Collection<Integer> others) {
    answered.addAll(others);
  }

  /** Whether every member in {@code others} answered or failed since the election. */
  boolean allAnswered(Collection<Integer> others) {
    return answered.containsAll(others);
  }

  /** The newest entry a healthy member that answered holds. */
  OpTime target() {
    OpTime t = OpTime.NULL;
    for (OpTime o : heard.values()) {
      t = OpTime.max(t, o);
    }
    return t;
  }
}
