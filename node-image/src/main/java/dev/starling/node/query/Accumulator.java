package dev.starling.node.query;

import dev.starling.node.bson.BsonOrder;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.TreeSet;
import org.bson.BsonArray;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonValue;

/** A $group accumulator ($sum, $avg, $min, ...) folding the values of one group into a result. */
abstract class Accumulator {
  /** Adds one evaluated value; null means the expression evaluated to missing. */
  abstract void add(BsonValue v);

  abstract BsonValue result();

  static boolean isKnown(String op) {
    return switch (op) {
      case "$sum", "$avg", "$min", "$max", "$first", "$last", "$push", "$addToSet", "$count" ->
          true;
      default -> false;
    };
  }

  static Accumulator create(String op) {
    return switch (op) {
      case "$sum", "$count" -> new Sum();
      case "$avg" -> new Avg();
      case "$min" -> new MinMax(-1);
      case "$max" -> new MinMax(1);
      case "$first" -> new First();
      case "$last" -> new Last();
      case "$push" -> new Push();
      case "$addToSet" -> new AddToSet();
      default ->
          throw new MongoServerException(
              ErrorCode.location(15952), "unknown group operator '" + op + "'");
    };
  }

  /** Sums numbers, ignoring everything else; ints widen to long, then to double on overflow. */
  static final class Sum extends Accumulator {
    private BsonValue sum = new BsonInt32(0);

    @Override
    void add(BsonValue v) {
      if (BsonTypes.isNumber(v)) {
        sum = Numbers.add(sum, v, true);
      }
    }

    @Override
    BsonValue result() {
      return sum;
    }
  }

  static final class Avg extends Accumulator {
    private BsonValue sum = new BsonInt32(0);
    private long count;

    @Override
    void add(BsonValue v) {
      if (BsonTypes.isNumber(v)) {
        sum = Numbers.add(sum, v.isDecimal128() ? v : new BsonDouble(Numbers.toDouble(v)), true);
        count++;
      }
    }

    @Override
    BsonValue result() {
      if (count == 0) {
        return BsonNull.VALUE;
      }
      if (sum.isDecimal128()) {
        return Numbers.decimal(
            Numbers.toBigDecimal(sum)
                .divide(java.math.BigDecimal.valueOf(count), java.math.MathContext.DECIMAL128));
      }
      return new BsonDouble(Numbers.toDouble(sum) / count);
    }
  }

  /** $min (sign -1) or $max (sign 1) in BsonOrder, ignoring null and missing. */
  static final class MinMax extends Accumulator {
    private final int sign;
    private BsonValue best;

    MinMax(int sign) {
      this.sign = sign;
    }

    @Override
    void add(BsonValue v) {
      if (Filter.isNullish(v)) {
        return;
      }
      if (best == null || Integer.signum(BsonOrder.compare(v, best)) == sign) {
        best = v;
      }
    }

    @Override
    BsonValue result() {
      return best == null ? BsonNull.VALUE : best;
    }
  }

  static final class First extends Accumulator {
    private boolean seen;
    private BsonValue first;

    @Override
    void add(BsonValue v) {
      if (!seen) {
        seen = true;
        first = v;
      }
    }

    @Override
    BsonValue result() {
      return first == null ? BsonNull.VALUE : first;
    }
  }

  static final class Last extends Accumulator {
    private BsonValue last;

    @Override
    void add(BsonValue v) {
      last = v;
    }

    @Override
    BsonValue result() {
      return last == null ? BsonNull.VALUE : last;
    }
  }

  static final class Push extends Accumulator {
    private final BsonArray values = new BsonArray();

    @Override
    void add(BsonValue v) {
      if (v != null) {
        values.add(v);
      }
    }

    @Override
    BsonValue result() {
      return values;
    }
  }

  static final class AddToSet extends Accumulator {
    private final TreeSet<BsonValue> seen = new TreeSet<>(BsonOrder.ORDER);
    private final BsonArray values = new BsonArray();

    @Override
    void add(BsonValue v) {
      if (v != null && seen.add(v)) {
        values.add(v);
      }
    }

    @Override
    BsonValue result() {
      return values;
    }
  }
}
