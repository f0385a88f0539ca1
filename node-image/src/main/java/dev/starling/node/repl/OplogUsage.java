package dev.starling.node.repl;

import dev.starling.node.storage.Column;
import dev.starling.node.storage.StorageEngine;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The oplog's running size: the BSON bytes and number of its entries. {@link OplogWriter} adds
 * every entry it puts and subtracts what it deletes; the total is counted once at startup.
 */
public final class OplogUsage {
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong count = new AtomicLong();
  private volatile Runnable onGrowth = () -> {};

  /** Counts the oplog as stored (at startup, before anything writes). */
  void recount(StorageEngine storage) {
    long b = 0;
    long n = 0;
    Iterator<byte[][]> scan = storage.scanColumn(Column.OPLOG, false);
    while (scan.hasNext()) {
      b += scan.next()[1].length;
      n++;
    }
    bytes.set(b);
    count.set(n);
  }

  /** Runs after each added entry (the truncator checks whether the oplog outgrew its size). */
  void onGrowth(Runnable listener) {
    this.onGrowth = listener;
  }

  void added(long entryBytes) {
    bytes.addAndGet(entryBytes);
    count.incrementAndGet();
    onGrowth.run();
  }

  void removed(long entryBytes, long entries) {
    bytes.addAndGet(-entryBytes);
    count.addAndGet(-entries);
  }

  /** The BSON bytes of all entries (collStats' {@code size}). */
  public long bytes() {
    return bytes.get();
  }

  /** The number of entries (collStats' {@code count}). */
  public long count() {
    return count.get();
  }
}
