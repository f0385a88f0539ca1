package dev.starling.node.exec;

import dev.starling.node.storage.IndexEntries;
import dev.starling.node.storage.KeyEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Index bounds derived from a filter: equality intervals on a leading run of index fields, then at
 * most one range. Bounds may include more than the filter matches (the filter is always applied to
 * fetched documents), never less.
 */
final class Bounds {
  private Bounds() {}

  /**
   * The intervals per index field (possibly fewer than the fields), or an empty list when none
   * apply.
   */
  static List<List<Interval>> forIndex(
      BsonDocument filter, BsonDocument keyPattern, boolean multikey) {
    List<List<Interval>> fields = new ArrayList<>();
    for (Map.Entry<String, BsonValue> field : keyPattern.entrySet()) {
      List<Interval> intervals = intervals(condition(filter, field.getKey()), multikey);
      if (intervals == null) {
        break;
      }
      fields.add(intervals);
      if (!intervals.stream().allMatch(Interval::isPoint)) {
        break;
      }
    }
    return fields;
  }

  /** Whether some interval is the point null (which also matches documents missing the field). */
  static boolean includesNull(List<List<Interval>> fields) {
    for (List<Interval> field : fields) {
      for (Interval interval : field) {
        if (interval.isPoint() && interval.low().isNull()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The condition a filter puts on a field, merging the top level with {@code $and} clauses
   * (drivers render {@code and(gte(n, 1), lt(n, 9))} as {@code {$and: [{n: {$gte: 1}}, {n: {$lt:
   * 9}}]}}): an equality wins; otherwise the operators are combined into one document. Null when
   * the filter does not constrain the field.
   */
  static BsonValue condition(BsonDocument filter, String field) {
    List<BsonValue> found = new ArrayList<>();
    collect(filter, field, found);
    if (found.size() <= 1) {
      return found.isEmpty() ? null : found.get(0);
    }
    BsonDocument merged = new BsonDocument();
    for (BsonValue condition : found) {
      if (!isOperatorDocument(condition)
          || condition.asDocument().containsKey("$eq")
          || condition.asDocument().containsKey("$in")) {
        return condition;
      }
      merged.putAll(condition.asDocument());
    }
    return merged;
  }

  private static void collect(BsonDocument filter, String field, List<BsonValue> out) {
    BsonValue direct = filter.get(field);
    if (direct != null) {
      out.add(direct);
    }
    if (filter.get("$and") instanceof BsonArray clauses) {
      for (BsonValue clause : clauses) {
        if (clause.isDocument()) {
          collect(clause.asDocument(), field, out);
        }
      }
    }
  }

  /** The intervals one filter condition allows, or null if it gives no usable bound. */
  static List<Interval> intervals(BsonValue condition, boolean multikey) {
    if (condition == null) {
      return null;
    }
    if (!isOperatorDocument(condition)) {
      return equalityUsable(condition) ? List.of(Interval.point(condition)) : null;
    }
    BsonDocument ops = condition.asDocument();
    if (ops.containsKey("$eq")) {
      return equalityUsable(ops.get("$eq")) ? List.of(Interval.point(ops.get("$eq"))) : null;
    }
    if (ops.get("$in") instanceof BsonArray in) {
      // One point per distinct key, in key order: [1, 1] or [1, NumberLong(1)] must not scan (and
      // return) twice.
      java.util.TreeMap<byte[], BsonValue> distinct =
          new java.util.TreeMap<>(java.util.Arrays::compareUnsigned);
      for (BsonValue v : in) {
        if (!equalityUsable(v)) {
          return null;
        }
        distinct.putIfAbsent(KeyEncoding.encode(v), v);
      }
      List<Interval> points = new ArrayList<>();
      distinct.values().forEach(v -> points.add(Interval.point(v)));
      return points.isEmpty() ? null : points;
    }
    BsonValue low = null;
    BsonValue high = null;
    boolean lowInclusive = true;
    boolean highInclusive = true;
    for (Map.Entry<String, BsonValue> op : ops.entrySet()) {
      BsonValue v = op.getValue();
      if (v.isArray()
          || v.isRegularExpression()
          || v.isNull()
          || v.getBsonType() == org.bson.BsonType.MIN_KEY
          || v.getBsonType() == org.bson.BsonType.MAX_KEY) {
        continue;
      }
      switch (op.getKey()) {
        case "$gt", "$gte" -> {
          low = v;
          lowInclusive = op.getKey().equals("$gte");
        }
        case "$lt", "$lte" -> {
          high = v;
          highInclusive = op.getKey().equals("$lte");
        }
        default -> {}
      }
    }
    if (low != null && high != null && multikey) {
      // Different array elements may satisfy each side: a multikey index can only bound one side.
      high = null;
    }
    if (low != null
        && high != null
        && low.getBsonType() != high.getBsonType()
        && !(low.isNumber() && high.isNumber())) {
      high = null;
    }
    if (low == null && high == null) {
      return null;
    }
    return List.of(new Interval(low, lowInclusive, high, highInclusive));
  }

  private static boolean isOperatorDocument(BsonValue v) {
    return v.isDocument()
        && !v.asDocument().isEmpty()
        && v.asDocument().getFirstKey().startsWith("$");
  }

  private static boolean equalityUsable(BsonValue v) {
    return !v.isArray()
        && !v.isRegularExpression()
        && !(v.isDocument() && v.asDocument().isEmpty());
  }

  /**
   * Encoded key ranges [lower, upper) for the intervals: the cross product of the equality points,
   * with the last field's interval (if any) as a range.
   */
  static List<byte[][]> keyRanges(List<List<Interval>> fields, BsonDocument keyPattern) {
    List<String> names = new ArrayList<>(keyPattern.keySet());
    List<byte[]> prefixes = new ArrayList<>();
    prefixes.add(new byte[0]);
    List<byte[][]> ranges = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      boolean descending = IndexEntries.descending(keyPattern.get(names.get(i)));
      List<byte[]> next = new ArrayList<>();
      boolean last = i == fields.size() - 1;
      for (byte[] prefix : prefixes) {
        for (Interval interval : fields.get(i)) {
          if (interval.isPoint() && !last) {
            next.add(concat(prefix, encode(interval.low(), descending)));
          } else {
            ranges.add(range(prefix, interval, descending));
          }
        }
      }
      prefixes = next;
    }
    return ranges;
  }

  private static byte[][] range(byte[] prefix, Interval interval, boolean descending) {
    BsonValue first = descending ? interval.high() : interval.low();
    BsonValue second = descending ? interval.low() : interval.high();
    BsonValue any = interval.low() != null ? interval.low() : interval.high();
    byte[] bracket = encode(any, descending);
    byte[] lower = first != null ? encode(first, descending) : new byte[] {bracket[0]};
    byte[] upper =
        second != null ? successor(encode(second, descending)) : successor(new byte[] {bracket[0]});
    return new byte[][] {concat(prefix, lower), upper == null ? null : concat(prefix, upper)};
  }

  private static byte[] encode(BsonValue v, boolean descending) {
    return descending ? KeyEncoding.encodeDescending(v) : KeyEncoding.encode(v);
  }

  private static byte[] successor(byte[] key) {
    byte[] b = key.clone();
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xFF) {
        b[i]++;
        return java.util.Arrays.copyOf(b, i + 1);
      }
    }
    return null;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static String show(BsonValue v) {
    if (v.isString()) {
      return "\"" + v.asString().getValue() + "\"";
    }
    if (v.isNumber()) {
      return v.isDouble()
          ? String.valueOf(v.asDouble().getValue())
          : String.valueOf(v.asNumber().longValue());
    }
    return v.toString();
  }
}
