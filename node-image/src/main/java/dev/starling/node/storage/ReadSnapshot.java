package dev.starling.node.storage;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.Snapshot;

/**
 * A point-in-time view of the whole store (a RocksDB snapshot), shared by reference count: the one
 * who opened it holds one reference, and every scan reading through it holds another until it is
 * exhausted or collected. The native snapshot is released when the last reference goes, never while
 * a reader can still use it.
 */
public final class ReadSnapshot {
  private final RocksDB db;
  private final Snapshot snapshot;
  private final java.util.function.Consumer<Runnable> whileOpen;
  private ReadOptions options;
  private int refs = 1;

  /**
   * @param whileOpen runs the native release only while the store is open: a scan abandoned before
   *     its end drops its reference when the garbage collector finds it, which may be after the
   *     store closed (and released every snapshot with it)
   */
  ReadSnapshot(RocksDB db, java.util.function.Consumer<Runnable> whileOpen) {
    this.db = db;
    this.snapshot = db.getSnapshot();
    this.whileOpen = whileOpen;
  }

  /** Takes a reference; false if the snapshot is already released. */
  public synchronized boolean retain() {
    if (refs == 0) {
      return false;
    }
    refs++;
    return true;
  }

  /** Drops a reference; the last one releases the native snapshot. */
  public synchronized void release() {
    if (refs == 0) {
      return;
    }
    if (--refs == 0) {
      whileOpen.accept(() -> db.releaseSnapshot(snapshot));
      if (options != null) {
        options.close();
      }
    }
  }

  /**
   * The read options to read at this snapshot, made on first use (most snapshots are never read);
   * only while holding a reference.
   */
  synchronized ReadOptions options() {
    if (options == null) {
      options = new ReadOptions().setSnapshot(snapshot);
    }
    return options;
  }
}
