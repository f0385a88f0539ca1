package dev.starling.node.exec;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonDocument;

/** The node's open cursors by id; cursors idle longer than cursorTimeoutMillis are reaped. */
public final class CursorManager {
  private final Map<Long, Cursor> cursors = new ConcurrentHashMap<>();
  private final Clock clock;
  private final long timeoutMillis;
  private final AtomicLong timedOut = new AtomicLong();

  public CursorManager(Clock clock, long timeoutMillis) {
    this.clock = clock;
    this.timeoutMillis = timeoutMillis;
  }

  /** Registers a cursor over the remaining results. */
  public Cursor open(String ns, ResultBatches results) {
    return open(ns, results, null);
  }

  /** Registers a cursor; a non-null {@code tail} makes it tailable. */
  public Cursor open(String ns, ResultBatches results, Cursor.Tail tail) {
    long id;
    Cursor cursor;
    do {
      id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
      cursor = new Cursor(id, ns, results, tail, clock.millis());
    } while (cursors.putIfAbsent(id, cursor) != null);
    return cursor;
  }

  /**
   * The cursor for a getMore on {@code ns}; CursorNotFound (43) if unknown or of another namespace.
   */
  public Cursor get(long id, String ns) {
    Cursor cursor = cursors.get(id);
    if (cursor == null) {
      throw new MongoServerException(ErrorCode.CURSOR_NOT_FOUND, "cursor id " + id + " not found");
    }
    if (!cursor.ns().equals(ns)) {
      throw new MongoServerException(
          ErrorCode.UNAUTHORIZED,
          "Requested getMore on namespace '"
              + ns
              + "', but cursor belongs to a different namespace "
              + cursor.ns());
    }
    if (cursor.killedBecause() != null) {
      cursors.remove(id);
      throw new MongoServerException(
          ErrorCode.QUERY_PLAN_KILLED,
          "PlanExecutor error during getMore :: caused by :: " + cursor.killedBecause());
    }
    cursor.touch(clock.millis());
    return cursor;
  }

  /** Kills every cursor over {@code ns} (on drop or rename of the collection). */
  public void killNamespace(String ns, String reason) {
    for (Cursor cursor : cursors.values()) {
      if (cursor.ns().equals(ns)) {
        cursor.kill(reason);
      }
    }
  }

  /**
   * Gives cursor {@code id} (just opened by a command that named a session) to the session {@code
   * lsid}: getMores must name the same session, and ending the session kills it.
   */
  public void own(long id, BsonDocument lsid) {
    Cursor cursor = cursors.get(id);
    if (cursor != null) {
      cursor.ownedBy(lsid);
    }
  }

  /** Kills the cursors of the session {@code lsid}; how many. */
  public int killSession(BsonDocument lsid) {
    int killed = 0;
    for (Cursor cursor : cursors.values()) {
      if (lsid.equals(cursor.session()) && cursors.remove(cursor.id(), cursor)) {
        killed++;
      }
    }
    return killed;
  }

  /**
   * Checks that a getMore on cursor {@code id} names the session the cursor belongs to, as mongod:
   * 50736 when the cursor has none but the getMore names one, 50737 when the getMore names none,
   * 50738 when they differ. An unknown cursor passes here (the getMore reports it).
   */
  public void checkSession(long id, BsonDocument lsid) {
    Cursor cursor = cursors.get(id);
    if (cursor == null) {
      return;
    }
    BsonDocument owner = cursor.session();
    if (owner == null && lsid != null) {
      throw new MongoServerException(
          ErrorCode.LOCATION50736,
          "Cannot run getMore on cursor "
              + id
              + ", which was not created in a session, in session "
              + lsid.toJson());
    }
    if (owner != null && lsid == null) {
      throw new MongoServerException(
          ErrorCode.LOCATION50737,
          "Cannot run getMore on cursor "
              + id
              + ", which was created in session "
              + owner.toJson()
              + ", without an lsid");
    }
    if (owner != null && !owner.equals(lsid)) {
      throw new MongoServerException(
          ErrorCode.LOCATION50738,
          "Cannot run getMore on cursor "
              + id
              + ", which was created in session "
              + owner.toJson()
              + ", in session "
              + lsid.toJson());
    }
  }

  public boolean kill(long id) {
    return cursors.remove(id) != null;
  }

  public void close(Cursor cursor) {
    cursors.remove(cursor.id());
  }

  public int openCount() {
    return cursors.size();
  }

  public long timedOutCount() {
    return timedOut.get();
  }

  /** Removes cursors idle past the timeout; called periodically. */
  public void reapIdle() {
    long now = clock.millis();
    cursors
        .values()
        .removeIf(
            c -> {
              boolean idle = now - c.lastUsedMillis() > timeoutMillis;
              if (idle) {
                timedOut.incrementAndGet();
              }
              return idle;
            });
  }
}
