package dev.starling.node.repl;

import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * secondaryDelaySecs: a delayed member applies an oplog entry only once its primary wall-clock time
 * ({@code wall}) plus the delay has passed. These are the pure calculations; the coordinator waits.
 */
final class SecondaryDelay {
  private SecondaryDelay() {}

  /** When {@code entry} may be applied with {@code delayMillis}: its wall time plus the delay. */
  static long dueAt(BsonDocument entry, long delayMillis) {
    BsonValue wall = entry.get("wall");
    if (delayMillis <= 0 || wall == null || !wall.isDateTime()) {
      return Long.MIN_VALUE;
    }
    return wall.asDateTime().getValue() + delayMillis;
  }

  /**
   * The end (exclusive) of the run of entries starting at {@code from} that are due at {@code now};
   * {@code from} itself when the first one is not due yet.
   */
  static int dueEnd(List<BsonDocument> batch, int from, long delayMillis, long now) {
    int end = from;
    while (end < batch.size() && dueAt(batch.get(end), delayMillis) <= now) {
      end++;
    }
    return end;
  }
}
