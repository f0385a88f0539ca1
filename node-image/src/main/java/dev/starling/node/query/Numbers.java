package dev.starling.node.query;

import dev.starling.node.bson.BsonOrder;
import java.math.BigDecimal;
import java.math.MathContext;
import org.bson.BsonDecimal128;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/**
 * Arithmetic on BSON numbers with MongoDB's type promotion: int32 widens to int64 on overflow,
 * anything with a double is a double, anything with a decimal is a decimal.
 */
final class Numbers {
  private Numbers() {}

  static double toDouble(BsonValue v) {
    return switch (v.getBsonType()) {
      case INT32 -> v.asInt32().getValue();
      case INT64 -> v.asInt64().getValue();
      case DOUBLE -> v.asDouble().getValue();
      case DECIMAL128 -> v.asDecimal128().getValue().doubleValue();
      default -> throw new IllegalArgumentException("not a number: " + v);
    };
  }

  /** The value truncated toward zero to an int64 (saturating for out-of-range doubles). */
  static long truncateToLong(BsonValue v) {
    return switch (v.getBsonType()) {
      case INT32 -> v.asInt32().getValue();
      case INT64 -> v.asInt64().getValue();
      case DECIMAL128 -> BsonOrder.decimalValue(v.asDecimal128().getValue()).longValue();
      default -> (long) v.asDouble().getValue();
    };
  }

  static BigDecimal toBigDecimal(BsonValue v) {
    return switch (v.getBsonType()) {
      case INT32 -> BigDecimal.valueOf(v.asInt32().getValue());
      case INT64 -> BigDecimal.valueOf(v.asInt64().getValue());
      case DECIMAL128 -> BsonOrder.decimalValue(v.asDecimal128().getValue());
      default -> new BigDecimal(Double.toString(v.asDouble().getValue()));
    };
  }

  /** Whether the value is an int32 or int64 that can be used as an integral index or count. */
  static boolean isIntegral(BsonValue v) {
    return switch (v.getBsonType()) {
      case INT32, INT64 -> true;
      case DOUBLE -> v.asDouble().getValue() == Math.rint(v.asDouble().getValue());
      case DECIMAL128 -> {
        Decimal128 d = v.asDecimal128().getValue();
        yield d.isFinite() && BsonOrder.decimalValue(d).stripTrailingZeros().scale() <= 0;
      }
      default -> false;
    };
  }

  static boolean isZero(BsonValue v) {
    return switch (v.getBsonType()) {
      case INT32 -> v.asInt32().getValue() == 0;
      case INT64 -> v.asInt64().getValue() == 0;
      case DOUBLE -> v.asDouble().getValue() == 0;
      case DECIMAL128 -> {
        Decimal128 d = v.asDecimal128().getValue();
        yield d.isFinite() && BsonOrder.decimalValue(d).signum() == 0;
      }
      default -> false;
    };
  }

  /** The wider of two numeric types in MongoDB's promotion order. */
  private static BsonType widest(BsonValue a, BsonValue b) {
    BsonType ta = a.getBsonType();
    BsonType tb = b.getBsonType();
    if (ta == BsonType.DECIMAL128 || tb == BsonType.DECIMAL128) {
      return BsonType.DECIMAL128;
    }
    if (ta == BsonType.DOUBLE || tb == BsonType.DOUBLE) {
      return BsonType.DOUBLE;
    }
    if (ta == BsonType.INT64 || tb == BsonType.INT64) {
      return BsonType.INT64;
    }
    return BsonType.INT32;
  }

  /**
   * Sum of two numbers; an int64 overflow yields a double when {@code overflowToDouble}
   * (aggregation) and null otherwise (update operators report an error).
   */
  static BsonValue add(BsonValue a, BsonValue b, boolean overflowToDouble) {
    return switch (widest(a, b)) {
      case DECIMAL128 -> decimal(toBigDecimal(a).add(toBigDecimal(b), MathContext.DECIMAL128));
      case DOUBLE -> new BsonDouble(toDouble(a) + toDouble(b));
      case INT64 -> {
        long x = truncateToLong(a);
        long y = truncateToLong(b);
        long r = x + y;
        if (((x ^ r) & (y ^ r)) < 0) {
          yield overflowToDouble ? new BsonDouble((double) x + (double) y) : null;
        }
        yield new BsonInt64(r);
      }
      default -> integral((long) a.asInt32().getValue() + b.asInt32().getValue());
    };
  }

  static BsonValue subtract(BsonValue a, BsonValue b) {
    return switch (widest(a, b)) {
      case DECIMAL128 -> decimal(toBigDecimal(a).subtract(toBigDecimal(b), MathContext.DECIMAL128));
      case DOUBLE -> new BsonDouble(toDouble(a) - toDouble(b));
      case INT64 -> {
        long x = truncateToLong(a);
        long y = truncateToLong(b);
        try {
          yield new BsonInt64(Math.subtractExact(x, y));
        } catch (ArithmeticException overflow) {
          yield new BsonDouble((double) x - (double) y);
        }
      }
      default -> integral((long) a.asInt32().getValue() - b.asInt32().getValue());
    };
  }

  /** Product of two numbers; int64 overflow handled as in {@link #add}. */
  static BsonValue multiply(BsonValue a, BsonValue b, boolean overflowToDouble) {
    return switch (widest(a, b)) {
      case DECIMAL128 -> decimal(toBigDecimal(a).multiply(toBigDecimal(b), MathContext.DECIMAL128));
      case DOUBLE -> new BsonDouble(toDouble(a) * toDouble(b));
      case INT64 -> {
        long x = truncateToLong(a);
        long y = truncateToLong(b);
        try {
          yield new BsonInt64(Math.multiplyExact(x, y));
        } catch (ArithmeticException overflow) {
          yield overflowToDouble ? new BsonDouble((double) x * (double) y) : null;
        }
      }
      default -> integral((long) a.asInt32().getValue() * b.asInt32().getValue());
    };
  }

  /** The remainder with the dividend's sign, typed like the wider operand. */
  static BsonValue mod(BsonValue a, BsonValue b) {
    return switch (widest(a, b)) {
      case DECIMAL128 -> decimal(toBigDecimal(a).remainder(toBigDecimal(b)));
      case DOUBLE -> new BsonDouble(toDouble(a) % toDouble(b));
      case INT64 -> new BsonInt64(truncateToLong(a) % truncateToLong(b));
      default -> new BsonInt32(a.asInt32().getValue() % b.asInt32().getValue());
    };
  }

  static BsonValue negate(BsonValue a) {
    return subtract(new BsonInt32(0), a);
  }

  /** An int32 when the value fits, else an int64. */
  static BsonValue integral(long v) {
    return v == (int) v ? new BsonInt32((int) v) : new BsonInt64(v);
  }

  static BsonValue decimal(BigDecimal v) {
    return new BsonDecimal128(new Decimal128(v.round(MathContext.DECIMAL128)));
  }

  /** Zero of the same numeric type as {@code like}, as $mul on a missing field produces. */
  static BsonValue zeroLike(BsonValue like) {
    return switch (like.getBsonType()) {
      case INT64 -> new BsonInt64(0);
      case DOUBLE -> new BsonDouble(0);
      case DECIMAL128 -> new BsonDecimal128(Decimal128.parse("0"));
      default -> new BsonInt32(0);
    };
  }
}
