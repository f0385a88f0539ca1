package dev.starling.node.exec;

import java.util.List;
import org.bson.BsonDocument;

/** An open cursor: a query's remaining results, kept between getMores. */
public final class Cursor {
  private final long id;
  private final String ns;
  private final ResultBatches results;
  private volatile long lastUsedMillis;
  private volatile String killedBecause;

  Cursor(long id, String ns, ResultBatches results, long nowMillis) {
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
  public List<BsonDocument> nextBatch(int max) {
    return results.next(max);
  }

  public boolean hasMore() {
    return results.hasMore();
  }
}
