package dev.starling.node.exec;

import org.bson.BsonValue;

/**
 * A range of one index field's values: null ends are open to the end of the value's type bracket
 * (MongoDB's comparison operators never cross BSON types).
 */
record Interval(BsonValue low, boolean lowInclusive, BsonValue high, boolean highInclusive) {

  static Interval point(BsonValue v) {
    return new Interval(v, true, v, true);
  }

  boolean isPoint() {
    return low != null && low == high;
  }

  /** As explain shows index bounds, e.g. {@code [5, 10)}. */
  String describe() {
    return (lowInclusive ? "[" : "(")
        + (low == null ? "-inf" : Bounds.show(low))
        + ", "
        + (high == null ? "inf" : Bounds.show(high))
        + (highInclusive ? "]" : ")");
  }
}
