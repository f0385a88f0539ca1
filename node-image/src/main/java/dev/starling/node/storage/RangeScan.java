package dev.starling.node.storage;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;

/**
 * Reads the keys in {@code [lower, upper)} of one column family page by page, opening a short-lived
 * RocksDB iterator per page, so a cursor that a client abandons holds no native resources.
 */
final class RangeScan implements Iterator<byte[][]> {
  private static final int PAGE = 256;

  private final RocksDB db;
  private final ColumnFamilyHandle family;
  private final byte[] upper;
  private final ArrayDeque<byte[][]> page = new ArrayDeque<>();
  private byte[] resumeAfter;
  private byte[] start;
  private boolean exhausted;
  private final boolean reverse;
  private byte[] descendFrom;
  private final ReadSnapshot snapshot;
  private final Cleaner.Cleanable releaseSnapshot;
  private static final Cleaner CLEANER = Cleaner.create();
  private Runnable pageCheck;

  RangeScan(RocksDB db, ColumnFamilyHandle family, byte[] lower, byte[] upper) {
    this(db, family, lower, upper, false);
  }

  /** With {@code reverse}, the whole family from its last key down (bounds are ignored). */
  RangeScan(RocksDB db, ColumnFamilyHandle family, byte[] lower, byte[] upper, boolean reverse) {
    this(db, family, lower, upper, reverse, null);
  }

  /**
   * A scan that reads at {@code snapshot} (null: the latest data on each page), holding a reference
   * to it until the scan is exhausted or, if abandoned, collected.
   */
  RangeScan(
      RocksDB db,
      ColumnFamilyHandle family,
      byte[] lower,
      byte[] upper,
      boolean reverse,
      ReadSnapshot snapshot) {
    this.db = db;
    this.family = family;
    this.start = lower;
    this.upper = upper;
    this.reverse = reverse;
    if (snapshot != null && snapshot.retain()) {
      this.snapshot = snapshot;
      this.releaseSnapshot = CLEANER.register(this, snapshot::release);
    } else if (snapshot != null) {
      throw new IllegalStateException("read snapshot already released");
    } else {
      this.snapshot = null;
      this.releaseSnapshot = null;
    }
  }

  private RocksIterator iterator() {
    return snapshot == null ? db.newIterator(family) : db.newIterator(family, snapshot.options());
  }

  /** Descending from {@code fromInclusive} (the last key at or before it) down to the first key. */
  static RangeScan descendingFrom(RocksDB db, ColumnFamilyHandle family, byte[] fromInclusive) {
    RangeScan scan = new RangeScan(db, family, new byte[0], null, true);
    scan.descendFrom = fromInclusive;
    return scan;
  }

  /**
   * Runs {@code check} after each page is read (it may throw to end the scan): a scan that reads
   * the latest data page by page can so make sure the data it read was still its own.
   */
  RangeScan checkEachPage(Runnable check) {
    this.pageCheck = check;
    return this;
  }

  @Override
  public boolean hasNext() {
    if (page.isEmpty() && !exhausted) {
      fill();
      if (pageCheck != null) {
        pageCheck.run();
      }
    }
    if (page.isEmpty() && releaseSnapshot != null) {
      releaseSnapshot.clean();
    }
    return !page.isEmpty();
  }

  @Override
  public byte[][] next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return page.poll();
  }

  private void fill() {
    if (reverse) {
      fillReverse();
      return;
    }
    try (RocksIterator it = iterator()) {
      if (resumeAfter != null) {
        it.seek(resumeAfter);
        if (it.isValid() && Arrays.equals(it.key(), resumeAfter)) {
          it.next();
        }
      } else {
        it.seek(start);
      }
      int n = 0;
      while (it.isValid() && n < PAGE) {
        byte[] key = it.key();
        if (upper != null && Arrays.compareUnsigned(key, upper) >= 0) {
          exhausted = true;
          break;
        }
        page.add(new byte[][] {key, it.value()});
        resumeAfter = key;
        n++;
        it.next();
      }
      if (n < PAGE) {
        exhausted = true;
      }
      checkStatus(it);
    }
  }

  private void fillReverse() {
    try (RocksIterator it = iterator()) {
      if (resumeAfter != null) {
        it.seekForPrev(resumeAfter);
        if (it.isValid() && Arrays.equals(it.key(), resumeAfter)) {
          it.prev();
        }
      } else if (descendFrom != null) {
        it.seekForPrev(descendFrom);
      } else {
        it.seekToLast();
      }
      int n = 0;
      while (it.isValid() && n < PAGE) {
        byte[] key = it.key();
        page.add(new byte[][] {key, it.value()});
        resumeAfter = key;
        n++;
        it.prev();
      }
      if (n < PAGE) {
        exhausted = true;
      }
      checkStatus(it);
    }
  }

  /** A read error must not look like the end of the data. */
  private static void checkStatus(RocksIterator it) {
    try {
      it.status();
    } catch (org.rocksdb.RocksDBException e) {
      throw new dev.starling.node.error.MongoServerException(
          dev.starling.node.error.ErrorCode.INTERNAL_ERROR,
          "storage read error: " + e.getMessage());
    }
  }
}
