package dev.starling.node.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.BsonDocument;

/**
 * The logical sessions this node knows, as mongod's session cache: a session starts with the first
 * command that names it ({@code lsid}) or with {@code startSession}, lives while commands use it or
 * {@code refreshSessions} refreshes it, and ends with {@code endSessions}, {@code killSessions} or
 * {@code logicalSessionTimeoutMinutes} without use. Time is a parameter: the caller passes {@code
 * now}, so expiry is decided here without a clock.
 *
 * <p>A session's identity is its {@code lsid} document as the driver sends it ({@code {id: UUID}});
 * what an ended session owned (cursors, retryable-write memory) is the caller's to release.
 */
public final class LogicalSessions {
  private final Duration timeout;
  private final Map<BsonDocument, Instant> lastUse = new ConcurrentHashMap<>();

  public LogicalSessions(Duration timeout) {
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }

  /** A command used the session now (it starts if it was not known). */
  public void touch(BsonDocument lsid, Instant now) {
    lastUse.put(lsid, now);
  }

  /** Ends the session; whether it was known. */
  public boolean end(BsonDocument lsid) {
    return lastUse.remove(lsid) != null;
  }

  /** Every session known now. */
  public List<BsonDocument> all() {
    return new ArrayList<>(lastUse.keySet());
  }

  /** Ends and returns the sessions unused for longer than the timeout at {@code now}. */
  public List<BsonDocument> expire(Instant now) {
    List<BsonDocument> expired = new ArrayList<>();
    Instant cutoff = now.minus(timeout);
    for (Map.Entry<BsonDocument, Instant> e : lastUse.entrySet()) {
      if (e.getValue().isBefore(cutoff) && lastUse.remove(e.getKey(), e.getValue())) {
        expired.add(e.getKey());
      }
    }
    return expired;
  }

  public int active() {
    return lastUse.size();
  }
}
