package dev.starling.node.exec;

import dev.starling.node.bson.BsonOrder;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.IndexKeys;
import dev.starling.node.storage.IndexMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;

/**
 * A find's {@code min} and {@code max} (the shell's cursor.min() / max()): only the documents with
 * an index key, in the hinted index, in [min, max), as mongod's index scan between the two bounds
 * returns them. mongod requires the hint (51173), bounds whose fields are the index's key fields in
 * order (51174), and min strictly before max in the index's order (51175).
 */
public final class IndexBounds implements Predicate<BsonDocument> {
  /** mongod's find wraps a planner error in this (without the query, here). */
  private static final String PLANNER_ERROR =
      "error processing query: planner returned error :: caused by :: ";

  private final BsonDocument keyPattern;
  private final BsonValue[] min;
  private final BsonValue[] max;

  private IndexBounds(BsonDocument keyPattern, BsonValue[] min, BsonValue[] max) {
    this.keyPattern = keyPattern;
    this.min = min;
    this.max = max;
  }

  /**
   * The bounds of {@code min} and {@code max} (either may be empty) in the index {@code hint}
   * names, or null when the find has neither.
   */
  public static IndexBounds of(
      CollectionMeta collection, BsonDocument min, BsonDocument max, BsonValue hint) {
    if (min.isEmpty() && max.isEmpty()) {
      return null;
    }
    if (hint == null
        || (hint instanceof BsonDocument h && h.isEmpty())
        || (hint.isString() && hint.asString().getValue().isEmpty())) {
      throw new MongoServerException(
          ErrorCode.LOCATION_51173,
          PLANNER_ERROR + "When using min()/max() a hint of which index to use must be provided");
    }
    BsonDocument keyPattern = keyPattern(collection, hint);
    BsonValue[] lower = min.isEmpty() ? null : tuple(min, keyPattern);
    BsonValue[] upper = max.isEmpty() ? null : tuple(max, keyPattern);
    IndexBounds bounds = new IndexBounds(keyPattern, lower, upper);
    if (lower != null && upper != null && bounds.compare(lower, upper) >= 0) {
      throw new MongoServerException(
          ErrorCode.LOCATION_51175,
          PLANNER_ERROR
              + "The value provided for min() does not come before the value provided for max()"
              + " in the hinted index");
    }
    return bounds;
  }

  private static BsonDocument keyPattern(CollectionMeta collection, BsonValue hint) {
    BsonDocument idKey = new BsonDocument("_id", new BsonInt32(1));
    if (hint.isString()) {
      String name = hint.asString().getValue();
      if (name.equals("_id_")) {
        return idKey;
      }
      IndexMeta index = collection.index(name);
      if (index != null) {
        return index.key();
      }
    } else if (hint instanceof BsonDocument pattern) {
      if (pattern.equals(idKey)) {
        return idKey;
      }
      for (IndexMeta index : collection.indexes()) {
        if (index.key().equals(pattern)) {
          return index.key();
        }
      }
    }
    throw new MongoServerException(
        ErrorCode.BAD_VALUE,
        "error processing query: planner returned error :: caused by :: hint provided does not"
            + " correspond to an existing index");
  }

  /** The bound's values in key-pattern order; its field names must be the pattern's, in order. */
  private static BsonValue[] tuple(BsonDocument bound, BsonDocument keyPattern) {
    List<String> fields = new ArrayList<>(keyPattern.keySet());
    List<String> given = new ArrayList<>(bound.keySet());
    if (!given.equals(fields)) {
      throw new MongoServerException(
          ErrorCode.LOCATION_51174,
          PLANNER_ERROR + "The index chosen is not compatible with min/max");
    }
    return bound.values().toArray(new BsonValue[0]);
  }

  /** Compares two key tuples in the index's order (a descending field reverses its values). */
  private int compare(BsonValue[] a, BsonValue[] b) {
    int i = 0;
    for (BsonValue direction : keyPattern.values()) {
      int c = BsonOrder.compare(a[i], b[i]);
      if (c != 0) {
        return direction.isNumber() && direction.asNumber().doubleValue() < 0 ? -c : c;
      }
      i++;
    }
    return 0;
  }

  /** Whether one of the document's keys in this index lies in [min, max). */
  @Override
  public boolean test(BsonDocument doc) {
    for (BsonValue[] key : IndexKeys.extract(doc, keyPattern)) {
      if ((min == null || compare(min, key) <= 0) && (max == null || compare(key, max) < 0)) {
        return true;
      }
    }
    return false;
  }
}
