package dev.starling.node.exec;

import java.util.List;
import org.bson.BsonDocument;

/** An open cursor: a query's remaining results, kept between getMores. */
public final class Cursor {
  private final long id;
  private final String ns;
  private final ResultBatches results;
  private final Tail tail;
  private volatile long lastUsedMillis;
  private volatile String killedBecause;
  private volatile BsonDocument session;

  /**
   * What makes a cursor tailable: it stays open at the end of its results, and (awaitData) a
   * getMore that finds nothing waits up to its maxTimeMS for more.
   */
  public interface Tail {
    /** Blocks until more results may exist or {@code maxMillis} passed. */
    void awaitMore(long maxMillis) throws InterruptedException;
  }

  Cursor(long id, String ns, ResultBatches results, Tail tail, long nowMillis) {
    this.id = id;
    this.ns = ns;
    this.results = results;
    this.tail = tail;
    this.lastUsedMillis = nowMillis;
  }

  public long id() {
    return id;
  }

  public String ns() {
    return ns;
  }

  /** The logical session ({@code lsid}) the cursor belongs to, or null. */
  public BsonDocument session() {
    return session;
  }

  void ownedBy(BsonDocument lsid) {
    session = lsid;
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

  /** The tail of a tailable cursor, or null. */
  public Tail tail() {
    return tail;
  }

  public boolean hasMore() {
    return results.hasMore();
  }
}
