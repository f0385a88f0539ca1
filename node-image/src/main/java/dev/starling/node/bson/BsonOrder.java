package dev.starling.node.bson;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.bson.BsonBinary;
import org.bson.BsonDbPointer;
import org.bson.BsonDocument;
import org.bson.BsonJavaScriptWithScope;
import org.bson.BsonRegularExpression;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/**
 * MongoDB's total order over BSON values, as used by sorts, range queries, $min/$max and index
 * keys. Values of different types order by type class first; numbers compare numerically across
 * int32, int64, double and decimal128.
 */
public final class BsonOrder {
  /** The order as a comparator. */
  public static final Comparator<BsonValue> ORDER = BsonOrder::compare;

  // Canonical type ranks; gaps leave room and the storage key encoding uses them as tag bytes.
  static final int RANK_MIN_KEY = 10;
  static final int RANK_NULL = 20;
  static final int RANK_NUMBER = 30;
  static final int RANK_STRING = 40;
  static final int RANK_OBJECT = 50;
  static final int RANK_ARRAY = 60;
  static final int RANK_BINARY = 70;
  static final int RANK_OBJECT_ID = 80;
  static final int RANK_BOOLEAN = 90;
  static final int RANK_DATE = 100;
  static final int RANK_TIMESTAMP = 110;
  static final int RANK_REGEX = 120;
  static final int RANK_DB_POINTER = 130;
  static final int RANK_JAVASCRIPT = 140;
  static final int RANK_JAVASCRIPT_WITH_SCOPE = 150;
  static final int RANK_MAX_KEY = 250;

  private BsonOrder() {}

  /** The canonical type class of a value: values of different classes never compare equal. */
  public static int typeRank(BsonValue v) {
    return switch (v.getBsonType()) {
      case MIN_KEY -> RANK_MIN_KEY;
      case NULL, UNDEFINED -> RANK_NULL;
      case INT32, INT64, DOUBLE, DECIMAL128 -> RANK_NUMBER;
      case STRING, SYMBOL -> RANK_STRING;
      case DOCUMENT -> RANK_OBJECT;
      case ARRAY -> RANK_ARRAY;
      case BINARY -> RANK_BINARY;
      case OBJECT_ID -> RANK_OBJECT_ID;
      case BOOLEAN -> RANK_BOOLEAN;
      case DATE_TIME -> RANK_DATE;
      case TIMESTAMP -> RANK_TIMESTAMP;
      case REGULAR_EXPRESSION -> RANK_REGEX;
      case DB_POINTER -> RANK_DB_POINTER;
      case JAVASCRIPT -> RANK_JAVASCRIPT;
      case JAVASCRIPT_WITH_SCOPE -> RANK_JAVASCRIPT_WITH_SCOPE;
      case MAX_KEY -> RANK_MAX_KEY;
      default -> throw new IllegalArgumentException("unsupported BSON type " + v.getBsonType());
    };
  }

  /** True when MongoDB's equality treats the values as equal (1 == 1L == 1.0). */
  public static boolean valuesEqual(BsonValue a, BsonValue b) {
    return compare(a, b) == 0;
  }

  /** Compares two values in MongoDB's cross-type order. */
  public static int compare(BsonValue a, BsonValue b) {
    int ra = typeRank(a);
    int rb = typeRank(b);
    if (ra != rb) {
      return Integer.compare(ra, rb);
    }
    return switch (ra) {
      case RANK_MIN_KEY, RANK_NULL, RANK_MAX_KEY -> 0;
      case RANK_NUMBER -> compareNumbers(a, b);
      case RANK_STRING -> compareStrings(stringOf(a), stringOf(b));
      case RANK_OBJECT -> compareDocuments(a.asDocument(), b.asDocument());
      case RANK_ARRAY -> compareArrays(a.asArray().getValues(), b.asArray().getValues());
      case RANK_BINARY -> compareBinary(a.asBinary(), b.asBinary());
      case RANK_OBJECT_ID ->
          Arrays.compareUnsigned(
              a.asObjectId().getValue().toByteArray(), b.asObjectId().getValue().toByteArray());
      case RANK_BOOLEAN -> Boolean.compare(a.asBoolean().getValue(), b.asBoolean().getValue());
      case RANK_DATE -> Long.compare(a.asDateTime().getValue(), b.asDateTime().getValue());
      case RANK_TIMESTAMP ->
          Long.compareUnsigned(a.asTimestamp().getValue(), b.asTimestamp().getValue());
      case RANK_REGEX -> compareRegex(a.asRegularExpression(), b.asRegularExpression());
      case RANK_DB_POINTER -> compareDbPointer(a.asDBPointer(), b.asDBPointer());
      case RANK_JAVASCRIPT ->
          compareStrings(a.asJavaScript().getCode(), b.asJavaScript().getCode());
      case RANK_JAVASCRIPT_WITH_SCOPE ->
          compareCodeWithScope(a.asJavaScriptWithScope(), b.asJavaScriptWithScope());
      default -> throw new IllegalStateException();
    };
  }

  /** The text of a string or symbol, which compare as the same type. */
  public static String stringOf(BsonValue v) {
    return v.getBsonType() == BsonType.SYMBOL ? v.asSymbol().getSymbol() : v.asString().getValue();
  }

  /**
   * Compares strings by code point, which is the order of their UTF-8 bytes (MongoDB compares
   * strings as bytes without a collation). UTF-16 order differs for supplementary characters.
   */
  public static int compareStrings(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        return Integer.compare(fixUpForCodePointOrder(ca), fixUpForCodePointOrder(cb));
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  // Surrogates (D800-DFFF) stand for code points above FFFF, so they must sort after E000-FFFF.
  private static int fixUpForCodePointOrder(char c) {
    if (c >= 0xE000) {
      return c - 0x800;
    }
    if (c >= 0xD800) {
      return c + 0x2000;
    }
    return c;
  }

  static int compareDocuments(BsonDocument a, BsonDocument b) {
    Iterator<Map.Entry<String, BsonValue>> ia = a.entrySet().iterator();
    Iterator<Map.Entry<String, BsonValue>> ib = b.entrySet().iterator();
    while (ia.hasNext() && ib.hasNext()) {
      Map.Entry<String, BsonValue> ea = ia.next();
      Map.Entry<String, BsonValue> eb = ib.next();
      int c = Integer.compare(typeRank(ea.getValue()), typeRank(eb.getValue()));
      if (c != 0) {
        return c;
      }
      c = compareStrings(ea.getKey(), eb.getKey());
      if (c != 0) {
        return c;
      }
      c = compare(ea.getValue(), eb.getValue());
      if (c != 0) {
        return c;
      }
    }
    return Boolean.compare(ia.hasNext(), ib.hasNext());
  }

  static int compareArrays(List<BsonValue> a, List<BsonValue> b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      int c = compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int compareBinary(BsonBinary a, BsonBinary b) {
    int c = Integer.compare(a.getData().length, b.getData().length);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.getType() & 0xff, b.getType() & 0xff);
    if (c != 0) {
      return c;
    }
    return Arrays.compareUnsigned(a.getData(), b.getData());
  }

  private static int compareRegex(BsonRegularExpression a, BsonRegularExpression b) {
    int c = compareStrings(a.getPattern(), b.getPattern());
    return c != 0 ? c : compareStrings(a.getOptions(), b.getOptions());
  }

  private static int compareDbPointer(BsonDbPointer a, BsonDbPointer b) {
    int c = compareStrings(a.getNamespace(), b.getNamespace());
    return c != 0 ? c : Arrays.compareUnsigned(a.getId().toByteArray(), b.getId().toByteArray());
  }

  private static int compareCodeWithScope(BsonJavaScriptWithScope a, BsonJavaScriptWithScope b) {
    int c = compareStrings(a.getCode(), b.getCode());
    return c != 0 ? c : compareDocuments(a.getScope(), b.getScope());
  }

  /** Numeric comparison across int32, int64, double and decimal128; NaN is lowest, NaN == NaN. */
  static int compareNumbers(BsonValue a, BsonValue b) {
    BsonType ta = a.getBsonType();
    BsonType tb = b.getBsonType();
    if (ta == BsonType.DECIMAL128 || tb == BsonType.DECIMAL128) {
      return compareDecimals(a, b);
    }
    boolean da = ta == BsonType.DOUBLE;
    boolean db = tb == BsonType.DOUBLE;
    if (!da && !db) {
      return Long.compare(longOf(a), longOf(b));
    }
    if (da && db) {
      return compareDoubles(a.asDouble().getValue(), b.asDouble().getValue());
    }
    if (da) {
      return compareDoubleToLong(a.asDouble().getValue(), longOf(b));
    }
    return -compareDoubleToLong(b.asDouble().getValue(), longOf(a));
  }

  private static long longOf(BsonValue v) {
    return v.getBsonType() == BsonType.INT32 ? v.asInt32().getValue() : v.asInt64().getValue();
  }

  static int compareDoubles(double x, double y) {
    if (x < y) {
      return -1;
    }
    if (x > y) {
      return 1;
    }
    if (x == y) {
      return 0; // also -0.0 == 0.0
    }
    return Boolean.compare(!Double.isNaN(x), !Double.isNaN(y));
  }

  /** Exact comparison of a double and a long, without losing precision on large longs. */
  static int compareDoubleToLong(double d, long l) {
    if (Double.isNaN(d)) {
      return -1;
    }
    if (d < -0x1p63) {
      return -1;
    }
    if (d >= 0x1p63) {
      return 1;
    }
    double floor = Math.floor(d);
    int c = Long.compare((long) floor, l);
    if (c != 0) {
      return c;
    }
    return d > floor ? 1 : 0;
  }

  private static int compareDecimals(BsonValue a, BsonValue b) {
    int ca = numberClass(a);
    int cb = numberClass(b);
    if (ca != cb || ca != 2) {
      return Integer.compare(ca, cb);
    }
    return exactValue(a).compareTo(exactValue(b));
  }

  // 0 NaN, 1 -inf, 2 finite, 3 +inf
  private static int numberClass(BsonValue v) {
    if (v.getBsonType() == BsonType.DECIMAL128) {
      Decimal128 d = v.asDecimal128().getValue();
      if (d.isNaN()) {
        return 0;
      }
      if (d.isInfinite()) {
        return d.isNegative() ? 1 : 3;
      }
    } else if (v.getBsonType() == BsonType.DOUBLE) {
      double d = v.asDouble().getValue();
      if (Double.isNaN(d)) {
        return 0;
      }
      if (Double.isInfinite(d)) {
        return d < 0 ? 1 : 3;
      }
    }
    return 2;
  }

  /** The exact value of a finite number. */
  static BigDecimal exactValue(BsonValue v) {
    return switch (v.getBsonType()) {
      case DECIMAL128 -> decimalValue(v.asDecimal128().getValue());
      case INT32 -> BigDecimal.valueOf(v.asInt32().getValue());
      case INT64 -> BigDecimal.valueOf(v.asInt64().getValue());
      default -> new BigDecimal(v.asDouble().getValue());
    };
  }

  /** A finite Decimal128 as a BigDecimal; -0, which a BigDecimal cannot hold, as 0. */
  public static BigDecimal decimalValue(Decimal128 d) {
    try {
      return d.bigDecimalValue();
    } catch (ArithmeticException negativeZero) {
      return BigDecimal.ZERO;
    }
  }
}
