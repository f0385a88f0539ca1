package dev.starling.node.repl;

import dev.starling.node.bson.BsonCodec;
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
 */
public final class OplogTail implements Iterator<BsonDocument> {
  private final StorageEngine storage;
  private long nextKey;
  private Iterator<byte[][]> scan;
  private BsonDocument pending;

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
      scan =
          storage.scanColumnFrom(Column.OPLOG, OplogWriter.key(new BsonTimestamp(nextKey)), false);
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
    return out;
  }
}
