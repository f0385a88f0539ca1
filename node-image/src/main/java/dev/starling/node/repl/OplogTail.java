package dev.starling.node.repl;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.Column;
import dev.starling.node.storage.StorageEngine;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;

/**
 * The oplog from a timestamp on, read as a tailable cursor reads it: when the entries seen so far
 * run out, {@link #hasNext} looks again after the last one returned, so entries committed later
 * appear. Commits happen in timestamp order, so no entry can appear behind one already returned.
 *
 * <p>The oplog is capped: its oldest entries are truncated. Each new look starts at the last entry
 * returned, which must still be there; if truncation has passed it (entries this reader has not
 * seen may be gone), the tail fails with 136 CappedPositionLost as mongod's capped scans do, rather
 * than skip entries silently.
 */
public final class OplogTail implements Iterator<BsonDocument> {
  private final StorageEngine storage;
  private long nextKey;
  private Iterator<byte[][]> scan;
  private BsonDocument pending;
  private long lastReturned = -1;

  /** Entries with {@code ts >= from} ({@code inclusive}) or {@code ts > from}. */
  public OplogTail(StorageEngine storage, BsonTimestamp from, boolean inclusive) {
    this.storage = storage;
    this.nextKey = inclusive ? from.getValue() : from.getValue() + 1;
  }

  /** The timestamp (as its 64-bit value) of the last entry returned, or just before the start. */
  public long lastSeen() {
    return pending != null ? pending.getTimestamp("ts").getValue() - 1 : nextKey - 1;
  }

  @Override
  public boolean hasNext() {
    if (pending != null) {
      return true;
    }
    if (scan == null || !scan.hasNext()) {
      scan = lookAgain();
    }
    if (!scan.hasNext()) {
      scan = null;
      return false;
    }
    pending = BsonCodec.decode(scan.next()[1]);
    nextKey = pending.getTimestamp("ts").getValue() + 1;
    return true;
  }

  @Override
  public BsonDocument next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    BsonDocument out = pending;
    pending = null;
    lastReturned = out.getTimestamp("ts").getValue();
    return out;
  }

  /** A scan after the last entry returned, checking that entry is still there. */
  private Iterator<byte[][]> lookAgain() {
    if (lastReturned < 0) {
      return storage.scanColumnFrom(
          Column.OPLOG, OplogWriter.key(new BsonTimestamp(nextKey)), false);
    }
    byte[] last = OplogWriter.key(new BsonTimestamp(lastReturned));
    Iterator<byte[][]> it = storage.scanColumnFrom(Column.OPLOG, last, false);
    if (!it.hasNext() || !java.util.Arrays.equals(it.next()[0], last)) {
      throw new MongoServerException(
          ErrorCode.CAPPED_POSITION_LOST,
          "CollectionScan died due to position in capped collection being deleted. Last seen"
              + " record id: RecordId("
              + lastReturned
              + ")");
    }
    return it;
  }
}
