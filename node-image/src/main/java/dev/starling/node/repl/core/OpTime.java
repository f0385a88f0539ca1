package dev.starling.node.repl.core;

import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonTimestamp;

/**
 * A position in the oplog: the entry's timestamp and the term of the primary that wrote it. Ordered
 * by term first, then timestamp, as in MongoDB's PV1.
 */
public record OpTime(BsonTimestamp ts, long term) implements Comparable<OpTime> {
  /** The null OpTime: before any write. Term -1 is MongoDB's "uninitialized term". */
  public static final OpTime NULL = new OpTime(new BsonTimestamp(0, 0), -1);

  public OpTime {
    if (ts == null) {
      throw new IllegalArgumentException("ts");
    }
  }

  public static OpTime of(int seconds, int increment, long term) {
    return new OpTime(new BsonTimestamp(seconds, increment), term);
  }

  public boolean isNull() {
    return equals(NULL);
  }

  @Override
  public int compareTo(OpTime o) {
    int c = Long.compare(term, o.term);
    return c != 0 ? c : ts.compareTo(o.ts);
  }

  public boolean isAfter(OpTime o) {
    return compareTo(o) > 0;
  }

  public boolean isBefore(OpTime o) {
    return compareTo(o) < 0;
  }

  public static OpTime max(OpTime a, OpTime b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  public static OpTime min(OpTime a, OpTime b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** The {@code {ts, t}} form mongod uses in replSetGetStatus and oplog entries. */
  public BsonDocument toBsonDocument() {
    return new BsonDocument("ts", ts).append("t", new BsonInt64(term));
  }

  @Override
  public String toString() {
    return "{ts:" + ts.getTime() + "," + ts.getInc() + ",t:" + term + "}";
  }
}
