package dev.starling.node.exec;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonDocument;

/** An open cursor: the rest of a query's results, handed out batch by batch. */
public final class Cursor {
  /** Replies stay under the 16 MB document limit with room for the reply envelope. */
  private static final int MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;

  private final long id;
  private final String ns;
  private final Iterator<BsonDocument> results;
  private volatile long lastUsedMillis;
  private BsonDocument pending;
  private volatile String killedBecause;

  Cursor(long id, String ns, Iterator<BsonDocument> results, long nowMillis) {
    this.id = id;
    this.ns = ns;
    this.results = results;
    this.lastUsedMillis = nowMillis;
  }

  public long id() {
    return id;
  }

  public String ns() {
    return ns;
  }

  /**
   * Marks the cursor dead (its collection was dropped or renamed); its next getMore fails saying
   * why.
   */
  void kill(String reason) {
    killedBecause = reason;
  }

  String killedBecause() {
    return killedBecause;
  }

  long lastUsedMillis() {
    return lastUsedMillis;
  }

  void touch(long nowMillis) {
    lastUsedMillis = nowMillis;
  }

  /** The next batch: at most {@code max} documents (0: no count limit) and about 16 MB. */
  public synchronized List<BsonDocument> nextBatch(int max) {
    List<BsonDocument> batch = new ArrayList<>();
    long bytes = 0;
    while ((max <= 0 || batch.size() < max) && hasMore()) {
      BsonDocument doc = pending != null ? pending : results.next();
      pending = null;
      long size = approximateSize(doc);
      if (!batch.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
        pending = doc;
        break;
      }
      bytes += size;
      batch.add(doc);
    }
    return batch;
  }

  public synchronized boolean hasMore() {
    return pending != null || results.hasNext();
  }

  private static long approximateSize(BsonDocument doc) {
    if (doc instanceof org.bson.RawBsonDocument raw) {
      return raw.getByteBuffer().remaining();
    }
    return dev.starling.node.bson.BsonCodec.size(doc);
  }
}
