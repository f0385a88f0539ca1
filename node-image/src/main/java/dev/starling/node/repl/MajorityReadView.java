package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.ReadSnapshot;
import dev.starling.node.storage.StorageEngine;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.bson.BsonTimestamp;

/**
 * The data as of the majority commit point, for readConcern "majority". The node keeps a storage
 * snapshot per written entry (per applied batch on a secondary); when the commit point moves, the
 * newest snapshot at or before it becomes the view and older ones are released. Reads run against
 * the view, so they never see a write that could still be rolled back.
 *
 * <p>Its own monitor guards it; the coordinator calls it while holding its own, never the other way
 * round.
 */
final class MajorityReadView {
  /** Snapshots kept ahead of the commit point; beyond this the oldest go (the view lags more). */
  private static final int MAX_SNAPSHOTS = 1000;

  /**
   * How long a snapshot behind the view stays readable at its time, for readConcern "snapshot" with
   * {@code atClusterTime} (mongod's minSnapshotHistoryWindowInSeconds, 300 by default).
   */
  static final long HISTORY_MILLIS = 300_000;

  /**
   * Snapshots of every entry kept behind the view at most; beyond this the oldest go. Each held
   * snapshot keeps RocksDB from folding the versions (and counter merge operands) it separates, so
   * this stays at the bound of pending snapshots ahead of the view.
   */
  private static final int MAX_HISTORY = MAX_SNAPSHOTS;

  /** Views whose time a snapshot read named to a client, kept for the whole window, at most. */
  private static final int MAX_NAMED = 10_000;

  private final StorageEngine storage;
  private final TreeMap<OpTime, ReadSnapshot> snapshots = new TreeMap<>();

  /** Snapshots behind the view by the time of their entry, with when they left the view. */
  private final TreeMap<BsonTimestamp, Kept> history = new TreeMap<>();

  /**
   * The views whose time a read without atClusterTime named (a snapshot session reads at it again),
   * each with a reference of its own, for the whole window however many entries follow.
   */
  private final TreeMap<BsonTimestamp, Kept> named = new TreeMap<>();

  private record Kept(ReadSnapshot snapshot, long sinceMillis) {}

  private ReadSnapshot view;
  private OpTime viewAt = OpTime.NULL;
  private boolean closed;

  MajorityReadView(StorageEngine storage) {
    this.storage = storage;
  }

  /** Keeps a snapshot of the data as of {@code opTime}, just written. */
  synchronized void take(OpTime opTime) {
    if (closed) {
      return;
    }
    snapshots.put(opTime, storage.openSnapshot());
    while (snapshots.size() > MAX_SNAPSHOTS) {
      snapshots.pollFirstEntry().getValue().release();
    }
  }

  /**
   * The commit point is {@code committed}: moves the view to the newest snapshot at or before it,
   * releasing older ones. With no such snapshot and everything applied committed (after a restart,
   * say), the view is the data as it is now.
   */
  synchronized void advance(OpTime committed, OpTime lastApplied) {
    if (closed || committed.isNull() || committed.equals(viewAt)) {
      return;
    }
    Map.Entry<OpTime, ReadSnapshot> floor = snapshots.floorEntry(committed);
    ReadSnapshot next;
    OpTime at;
    if (floor != null) {
      next = floor.getValue();
      at = floor.getKey();
      // The floor's snapshot becomes the view (its reference moves there); older ones go.
      var older = snapshots.headMap(at, false);
      long now = System.currentTimeMillis();
      older.forEach((opTime, snapshot) -> keep(opTime, snapshot, now));
      older.clear();
      snapshots.remove(at);
    } else if (!committed.isBefore(lastApplied) && view == null) {
      next = storage.openSnapshot();
      at = committed;
    } else {
      return;
    }
    if (view != null) {
      keep(viewAt, view, System.currentTimeMillis());
    }
    view = next;
    viewAt = at;
    notifyAll();
  }

  /** Keeps a snapshot that leaves the view for snapshot reads at its time, for a while. */
  private void keep(OpTime opTime, ReadSnapshot snapshot, long now) {
    put(history, opTime.ts(), snapshot, now, MAX_HISTORY);
  }

  private static void put(
      TreeMap<BsonTimestamp, Kept> kept,
      BsonTimestamp ts,
      ReadSnapshot snapshot,
      long now,
      int max) {
    Kept replaced = kept.put(ts, new Kept(snapshot, now));
    if (replaced != null) {
      replaced.snapshot().release();
    }
    while (!kept.isEmpty()
        && (kept.size() > max
            || kept.firstEntry().getValue().sinceMillis() < now - HISTORY_MILLIS)) {
      kept.pollFirstEntry().getValue().snapshot().release();
    }
  }

  /** The newest kept snapshot at or before {@code ts}, of every entry or of a named view. */
  private Map.Entry<BsonTimestamp, Kept> keptFloor(BsonTimestamp ts) {
    Map.Entry<BsonTimestamp, Kept> a = history.floorEntry(ts);
    Map.Entry<BsonTimestamp, Kept> b = named.floorEntry(ts);
    if (a == null) {
      return b;
    }
    return b == null || a.getKey().compareTo(b.getKey()) >= 0 ? a : b;
  }

  /**
   * Runs {@code read} for readConcern "snapshot": at the view (the majority commit point) when
   * {@code atClusterTime} is null, else at exactly {@code atClusterTime}, waiting up to {@code
   * timeoutMillis} for the commit point to reach it. Returns the time it read at with the result.
   * Exactly: the snapshot of the newest entry at or before that time, when no entry lies between
   * the two (so on a secondary, which keeps a snapshot per applied batch, not every time within a
   * batch can be read: 246 SnapshotUnavailable); a time older than the snapshots kept is 239
   * SnapshotTooOld, as on mongod once its history window has passed.
   *
   * @param entryAfter the timestamp of the oplog's first entry after the given one, or null
   */
  <T> Map.Entry<BsonTimestamp, T> readAt(
      BsonTimestamp atClusterTime,
      long timeoutMillis,
      Supplier<T> read,
      java.util.function.UnaryOperator<BsonTimestamp> entryAfter) {
    ReadSnapshot snapshot;
    BsonTimestamp readAt;
    synchronized (this) {
      long deadline = System.currentTimeMillis() + timeoutMillis;
      while (view == null || (atClusterTime != null && viewAt.ts().compareTo(atClusterTime) < 0)) {
        long wait = deadline - System.currentTimeMillis();
        if (closed || wait <= 0) {
          throw view == null
              ? new MongoServerException(
                  ErrorCode.READ_CONCERN_MAJORITY_NOT_AVAILABLE_YET,
                  "Read concern snapshot reads are currently not possible: no majority-committed"
                      + " snapshot yet")
              : new MongoServerException(
                  ErrorCode.MAX_TIME_MS_EXPIRED,
                  "waited for the majority commit point to reach atClusterTime "
                      + atClusterTime
                      + "; it is at "
                      + viewAt.ts());
        }
        awaitChange(wait);
      }
      if (atClusterTime == null || viewAt.ts().equals(atClusterTime)) {
        snapshot = view;
        readAt = viewAt.ts();
        if (atClusterTime == null && !named.containsKey(readAt) && view.retain()) {
          put(named, readAt, view, System.currentTimeMillis(), MAX_NAMED);
        }
      } else {
        // The view is past atClusterTime: the newest kept snapshot at or before it.
        Map.Entry<BsonTimestamp, Kept> floor = keptFloor(atClusterTime);
        if (floor != null) {
          snapshot = floor.getValue().snapshot();
          readAt = floor.getKey();
        } else {
          throw new MongoServerException(
              ErrorCode.SNAPSHOT_TOO_OLD,
              "Read timestamp "
                  + atClusterTime
                  + " is older than the oldest available timestamp"
                  + " kept");
        }
      }
      if (!snapshot.retain()) {
        throw new MongoServerException(
            ErrorCode.SNAPSHOT_UNAVAILABLE, "the snapshot at " + readAt + " was just released");
      }
    }
    try {
      if (atClusterTime != null && !readAt.equals(atClusterTime)) {
        BsonTimestamp next = entryAfter.apply(readAt);
        if (next != null && next.compareTo(atClusterTime) <= 0) {
          throw new MongoServerException(
              ErrorCode.SNAPSHOT_UNAVAILABLE,
              "this member has no snapshot of the data at exactly "
                  + atClusterTime
                  + " (it keeps one per applied batch; the nearest is "
                  + readAt
                  + ")");
        }
      }
      T result = storage.readAt(snapshot, read);
      return Map.entry(atClusterTime == null ? readAt : atClusterTime, result);
    } finally {
      snapshot.release();
    }
  }

  /** Drops the snapshots ahead of the view (their data was rolled back). */
  synchronized void dropPending() {
    snapshots.values().forEach(ReadSnapshot::release);
    snapshots.clear();
  }

  /**
   * Runs {@code read} against the view, waiting up to {@code timeoutMillis} for a first one; 134
   * ReadConcernMajorityNotAvailableYet if none comes.
   */
  <T> T read(Supplier<T> read, long timeoutMillis) {
    ReadSnapshot snapshot = retain(timeoutMillis);
    try {
      return storage.readAt(snapshot, read);
    } finally {
      snapshot.release();
    }
  }

  /**
   * A reference to the view, waiting for a first one as {@link #read} does; the caller releases it.
   */
  ReadSnapshot retain(long timeoutMillis) {
    synchronized (this) {
      long deadline = System.currentTimeMillis() + timeoutMillis;
      while (view == null || !view.retain()) {
        long wait = deadline - System.currentTimeMillis();
        if (closed || wait <= 0) {
          throw new MongoServerException(
              ErrorCode.READ_CONCERN_MAJORITY_NOT_AVAILABLE_YET,
              "Read concern majority reads are currently not possible: no majority-committed"
                  + " snapshot yet");
        }
        awaitChange(wait);
      }
      return view;
    }
  }

  /** Releases every snapshot; reads waiting for a view fail. */
  synchronized void close() {
    closed = true;
    dropPending();
    history.values().forEach(kept -> kept.snapshot().release());
    history.clear();
    named.values().forEach(kept -> kept.snapshot().release());
    named.clear();
    if (view != null) {
      view.release();
      view = null;
    }
    notifyAll();
  }

  /** Waits up to {@code millis} for the view to change. Holds the monitor. */
  private void awaitChange(long millis) {
    try {
      wait(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MongoServerException(ErrorCode.INTERRUPTED_DUE_TO_REPL_STATE_CHANGE, "interrupted");
    }
  }
}
