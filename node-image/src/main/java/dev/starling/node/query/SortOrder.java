package dev.starling.node.query;

import dev.starling.node.bson.BsonOrder;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonType;
import org.bson.BsonUndefined;
import org.bson.BsonValue;

/**
 * Sort specifications ({@code {a: 1, "b.c": -1}}) compiled to document comparators with MongoDB's
 * rules: an array sorts by its smallest element ascending and its largest descending, missing sorts
 * as null, and an empty array sorts before null.
 */
public final class SortOrder {
  // Stands for an empty array, which sorts below null and missing.
  private static final BsonValue EMPTY_ARRAY_KEY = new BsonUndefined();

  private SortOrder() {}

  /**
   * Compiles a sort specification. {@code {}} and {@code {$natural: 1}} give a comparator that
   * keeps the input order.
   */
  public static Comparator<BsonDocument> compile(BsonDocument sortSpec) {
    List<Comparator<BsonDocument>> keys = new ArrayList<>();
    for (Map.Entry<String, BsonValue> e : sortSpec.entrySet()) {
      String field = e.getKey();
      int direction = direction(field, e.getValue());
      if (field.equals("$natural")) {
        continue;
      }
      if (field.isEmpty() || Paths.split(field).length == 0 || field.contains("..")) {
        throw new MongoServerException(
            ErrorCode.LOCATION_40352, "FieldPath cannot be constructed with empty string");
      }
      keys.add(keyComparator(Paths.split(field), direction));
    }
    return (a, b) -> {
      for (Comparator<BsonDocument> k : keys) {
        int c = k.compare(a, b);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    };
  }

  private static int direction(String field, BsonValue v) {
    if (v.isDocument()) {
      throw MongoServerException.badValue(
          "Invalid $sort specification: only {$meta: 'textScore'} style keys are allowed and"
              + " they are not supported: "
              + field);
    }
    if (!BsonTypes.isNumber(v)) {
      throw new MongoServerException(
          ErrorCode.LOCATION_15974,
          "Illegal key in $sort specification: " + field + ": " + UpdatePaths.render(v));
    }
    double d = Numbers.toDouble(v);
    if (d != 1 && d != -1) {
      throw new MongoServerException(
          ErrorCode.location(15975),
          "$sort key ordering must be 1 (for ascending) or -1 (for descending)");
    }
    return (int) d;
  }

  private static Comparator<BsonDocument> keyComparator(String[] path, int direction) {
    return (a, b) ->
        direction * compareKeys(sortKey(a, path, direction), sortKey(b, path, direction));
  }

  /** The value a document sorts by for one path: min (ascending) or max (descending). */
  static BsonValue sortKey(BsonDocument doc, String[] path, int direction) {
    BsonValue best = null;
    for (BsonValue v : Paths.collect(doc, path)) {
      if (v instanceof BsonArray a) {
        if (a.isEmpty()) {
          best = pick(best, EMPTY_ARRAY_KEY, direction);
        }
        for (BsonValue e : a) {
          best = pick(best, e, direction);
        }
      } else {
        best = pick(best, v == null ? BsonNull.VALUE : v, direction);
      }
    }
    return best == null ? BsonNull.VALUE : best;
  }

  private static BsonValue pick(BsonValue best, BsonValue candidate, int direction) {
    if (best == null) {
      return candidate;
    }
    int c = compareKeys(candidate, best);
    return (direction > 0 ? c < 0 : c > 0) ? candidate : best;
  }

  private static int compareKeys(BsonValue a, BsonValue b) {
    boolean ea = a.getBsonType() == BsonType.UNDEFINED;
    boolean eb = b.getBsonType() == BsonType.UNDEFINED;
    if (ea || eb) {
      if (ea && eb) {
        return 0;
      }
      if (ea) {
        return b.getBsonType() == BsonType.MIN_KEY ? 1 : -1;
      }
      return a.getBsonType() == BsonType.MIN_KEY ? -1 : 1;
    }
    return BsonOrder.compare(a, b);
  }

  /** $push's $sort: 1/-1 orders whole elements; a document orders document elements by fields. */
  static Comparator<BsonValue> forPushSort(BsonValue spec) {
    if (BsonTypes.isNumber(spec)) {
      double d = Numbers.toDouble(spec);
      if (d == 1 || d == -1) {
        int direction = (int) d;
        return (a, b) -> direction * BsonOrder.compare(a, b);
      }
    } else if (spec.isDocument()) {
      if (spec.asDocument().isEmpty()) {
        throw MongoServerException.badValue(
            "The $sort pattern is empty when it should be a set of fields.");
      }
      for (BsonValue v : spec.asDocument().values()) {
        if (!BsonTypes.isNumber(v) || Math.abs(Numbers.toDouble(v)) != 1) {
          throw MongoServerException.badValue("The $sort element value must be either 1 or -1");
        }
      }
      Comparator<BsonDocument> byFields = compile(spec.asDocument());
      BsonDocument empty = new BsonDocument();
      return (a, b) ->
          byFields.compare(
              a.isDocument() ? a.asDocument() : empty, b.isDocument() ? b.asDocument() : empty);
    }
    throw MongoServerException.badValue(
        "The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort"
            + " embedded fields");
  }
}
