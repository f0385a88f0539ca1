package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.ReadSnapshot;
import dev.starling.node.storage.StorageEngine;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

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

  private final StorageEngine storage;
  private final TreeMap<OpTime, ReadSnapshot> snapshots = new TreeMap<>();
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
    notifyAll();
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
        try {
          wait(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new MongoServerException(
              ErrorCode.INTERRUPTED_DUE_TO_REPL_STATE_CHANGE, "interrupted");
        }
      }
      return view;
    }
  }

  /** Releases every snapshot; reads waiting for a view fail. */
  synchronized void close() {
    closed = true;
    dropPending();
    if (view != null) {
      view.release();
      view = null;
    }
    notifyAll();
  }
}
