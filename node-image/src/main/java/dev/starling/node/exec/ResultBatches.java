package dev.starling.node.exec;

import dev.starling.node.bson.BsonSizes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonDocument;

/** A query's remaining results, handed out in batches that fit a 16 MB reply. */
public final class ResultBatches {
  /** Replies stay under the 16 MB document limit with room for the reply envelope. */
  private static final int MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;

  private final Iterator<BsonDocument> results;
  private BsonDocument pending;

  public ResultBatches(Iterator<BsonDocument> results) {
    this.results = results;
  }

  /** The next batch: at most {@code max} documents (0: no count limit) and about 16 MB. */
  public synchronized List<BsonDocument> next(int max) {
    List<BsonDocument> batch = new ArrayList<>();
    long bytes = 0;
    while ((max <= 0 || batch.size() < max) && hasMore()) {
      BsonDocument doc = pending != null ? pending : results.next();
      pending = null;
      long size = BsonSizes.of(doc);
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
}
