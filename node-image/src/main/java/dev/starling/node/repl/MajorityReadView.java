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
   * How long a view a snapshot read named stays readable at its time (mongod's
   * minSnapshotHistoryWindowInSeconds, 300 by default).
   */
  static final long HISTORY_MILLIS = 300_000;

  /** Views whose time a snapshot read named to a client, kept for the whole window, at most. */
  private static final int MAX_NAMED = 10_000;

  private final StorageEngine storage;
  private final TreeMap<OpTime, ReadSnapshot> snapshots = new TreeMap<>();

  /**
   * The views whose time a read without atClusterTime named (a snapshot session reads at it again),
   * each with a reference of its own, for the whole window however many entries follow. Only these
   * are kept behind the view, not a snapshot per entry: each held snapshot keeps RocksDB from
   * folding the versions (and counter merge operands) on either side of it, and keeping the last
   * 1,000 entries' cost w:1 inserts about a fifth of their throughput (BENCHMARKS.md).
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
      older.values().forEach(ReadSnapshot::release);
      older.clear();
      snapshots.remove(at);
    } else if (!committed.isBefore(lastApplied) && view == null) {
      next = storage.openSnapshot();
      at = committed;
    } else {
      return;
    }
    if (view != null) {
      view.release();
    }
    view = next;
    viewAt = at;
    pruneNamed(System.currentTimeMillis());
    notifyAll();
  }

  /** Keeps the view, named to a client at {@code ts}, with a reference of its own. */
  private void name(BsonTimestamp ts, long now) {
    if (!named.containsKey(ts) && view.retain()) {
      named.put(ts, new Kept(view, now));
      pruneNamed(now);
    }
  }

  /** Releases the named views past the window, and the oldest beyond {@link #MAX_NAMED}. */
  private void pruneNamed(long now) {
    while (!named.isEmpty()
        && (named.size() > MAX_NAMED
            || named.firstEntry().getValue().sinceMillis() < now - HISTORY_MILLIS)) {
      named.pollFirstEntry().getValue().snapshot().release();
    }
  }

  /**
   * Waits, holding the monitor, until there is a view and it is at {@code atLeast} or later (null:
   * any view): 134 ReadConcernMajorityNotAvailableYet if no view comes by {@code deadline}, 50
   * MaxTimeMSExpired if the view does not reach {@code atLeast}.
   */
  private void awaitView(BsonTimestamp atLeast, long deadline) {
    while (view == null || (atLeast != null && viewAt.ts().compareTo(atLeast) < 0)) {
      long wait = deadline - System.currentTimeMillis();
      if (closed || wait <= 0) {
        throw view == null
            ? new MongoServerException(
                ErrorCode.READ_CONCERN_MAJORITY_NOT_AVAILABLE_YET,
                "Read concern majority reads are currently not possible: no majority-committed"
                    + " snapshot yet")
            : new MongoServerException(
                ErrorCode.MAX_TIME_MS_EXPIRED,
                "waited for the majority commit point to reach atClusterTime "
                    + atLeast
                    + "; it is at "
                    + viewAt.ts());
      }
      awaitChange(wait);
    }
  }

  /**
   * Runs {@code read} for readConcern "snapshot": at the view (the majority commit point) when
   * {@code atClusterTime} is null, else at exactly {@code atClusterTime}, waiting up to {@code
   * timeoutMillis} for the commit point to reach it. Returns the time it read at with the result.
   * Exactly: at the newest named view at or before that time, when no entry lies between the two
   * (else 246 SnapshotUnavailable: mongod reads any time of its window, this node the times it
   * named and those with no write since one); a time older than every named view kept is 239
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
      awaitView(atClusterTime, System.currentTimeMillis() + timeoutMillis);
      if (atClusterTime == null || viewAt.ts().equals(atClusterTime)) {
        snapshot = view;
        readAt = viewAt.ts();
        if (atClusterTime == null) {
          name(readAt, System.currentTimeMillis());
        }
      } else {
        // The view is past atClusterTime: the newest named view at or before it.
        Map.Entry<BsonTimestamp, Kept> floor = named.floorEntry(atClusterTime);
        if (floor != null) {
          snapshot = floor.getValue().snapshot();
          readAt = floor.getKey();
        } else {
          throw new MongoServerException(
              ErrorCode.SNAPSHOT_TOO_OLD,
              "Read timestamp " + atClusterTime + " is older than the oldest available timestamp");
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
              "this member kept no snapshot of the data at exactly "
                  + atClusterTime
                  + ": the nearest it kept, "
                  + readAt
                  + ", is older, and writes followed it");
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
      awaitView(null, System.currentTimeMillis() + timeoutMillis);
      // The view holds a reference until it is replaced, under this monitor: this cannot fail.
      view.retain();
      return view;
    }
  }

  /** Releases every snapshot; reads waiting for a view fail. */
  synchronized void close() {
    closed = true;
    dropPending();
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
