package dev.starling.node.storage;

import dev.starling.node.bson.BsonOrder;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.bson.BsonBinary;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/**
 * Encodes BSON values as byte strings whose unsigned lexicographic order is {@link BsonOrder}'s
 * order, for RocksDB index keys. Values MongoDB treats as equal (int 1, long 1, double 1.0) encode
 * to the same bytes.
 *
 * <p>Every encoding is prefix-free (no encoding is a prefix of another), so encodings can be
 * concatenated into compound keys and the concatenation still sorts component by component. That is
 * why strings end in a terminator and escape their zero bytes, and why documents and arrays end in
 * a 0x00 byte that sorts below every type tag.
 *
 * <p>Numbers are a type tag, 8 bytes of order-preserving double, and a tie-break that keeps int64
 * values not exactly representable as double in exact order. Decimal128 values that are not
 * integers fitting in an int64 are approximated by the nearest double: two such decimals that round
 * to the same double get the same key, so index scans over decimals must re-check the predicate.
 */
public final class KeyEncoding {
  private static final int END = 0x00;
  private static final int TIE_EXACT = 0x02;
  private static final int TIE_BELOW = 0x01;
  private static final int TIE_ABOVE = 0x03;

  private KeyEncoding() {}

  /** The ascending key bytes of a value. */
  public static byte[] encode(BsonValue v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16);
    encode(v, out);
    return out.toByteArray();
  }

  /** The key bytes of a value for a descending index field: the complement of {@link #encode}. */
  public static byte[] encodeDescending(BsonValue v) {
    byte[] bytes = encode(v);
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) ~bytes[i];
    }
    return bytes;
  }

  /** Appends the key bytes of a value, ascending or descending, to a compound key. */
  public static void encode(BsonValue v, boolean descending, ByteArrayOutputStream out) {
    if (descending) {
      out.writeBytes(encodeDescending(v));
    } else {
      encode(v, out);
    }
  }

  /** Appends the ascending key bytes of a value. */
  public static void encode(BsonValue v, ByteArrayOutputStream out) {
    int rank = BsonOrder.typeRank(v);
    out.write(rank);
    writePayload(v, out);
  }

  private static void writePayload(BsonValue v, ByteArrayOutputStream out) {
    switch (v.getBsonType()) {
      case MIN_KEY, MAX_KEY, NULL, UNDEFINED -> {}
      case INT32 -> writeLong(v.asInt32().getValue(), out);
      case INT64 -> writeLong(v.asInt64().getValue(), out);
      case DOUBLE -> writeDouble(v.asDouble().getValue(), out);
      case DECIMAL128 -> writeDecimal(v.asDecimal128().getValue(), out);
      case STRING -> writeString(v.asString().getValue(), out);
      case SYMBOL -> writeString(v.asSymbol().getSymbol(), out);
      case DOCUMENT -> writeDocumentBody(v.asDocument(), out);
      case ARRAY -> {
        for (BsonValue e : v.asArray()) {
          encode(e, out);
        }
        out.write(END);
      }
      case BINARY -> {
        BsonBinary b = v.asBinary();
        writeInt(b.getData().length, out);
        out.write(b.getType());
        out.writeBytes(b.getData());
      }
      case OBJECT_ID -> out.writeBytes(v.asObjectId().getValue().toByteArray());
      case BOOLEAN -> out.write(v.asBoolean().getValue() ? 1 : 0);
      case DATE_TIME -> writeRawLong(v.asDateTime().getValue() ^ Long.MIN_VALUE, out);
      case TIMESTAMP -> writeRawLong(v.asTimestamp().getValue(), out);
      case REGULAR_EXPRESSION -> {
        writeString(v.asRegularExpression().getPattern(), out);
        writeString(v.asRegularExpression().getOptions(), out);
      }
      case DB_POINTER -> {
        writeString(v.asDBPointer().getNamespace(), out);
        out.writeBytes(v.asDBPointer().getId().toByteArray());
      }
      case JAVASCRIPT -> writeString(v.asJavaScript().getCode(), out);
      case JAVASCRIPT_WITH_SCOPE -> {
        writeString(v.asJavaScriptWithScope().getCode(), out);
        writeDocumentBody(v.asJavaScriptWithScope().getScope(), out);
      }
      default -> throw new IllegalArgumentException("unsupported BSON type " + v.getBsonType());
    }
  }

  // Elements order by (type class, name, value), as BsonOrder compares documents.
  private static void writeDocumentBody(Map<String, BsonValue> doc, ByteArrayOutputStream out) {
    for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
      out.write(BsonOrder.typeRank(e.getValue()));
      writeString(e.getKey(), out);
      writePayload(e.getValue(), out);
    }
    out.write(END);
  }

  /** UTF-8 bytes with 0x00 escaped as 00 FF and terminated by 00 01, so prefixes sort first. */
  private static void writeString(String s, ByteArrayOutputStream out) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      out.write(b);
      if (b == 0) {
        out.write(0xFF);
      }
    }
    out.write(0x00);
    out.write(0x01);
  }

  private static void writeDouble(double d, ByteArrayOutputStream out) {
    writeSortableDouble(d, out);
    out.write(TIE_EXACT);
  }

  private static void writeLong(long l, ByteArrayOutputStream out) {
    double d = (double) l;
    writeSortableDouble(d, out);
    // (long) of 2^63 saturates, so compute the distance to it without the cast.
    long diff = d >= 0x1p63 ? (l - Long.MAX_VALUE) - 1 : l - (long) d;
    if (diff == 0) {
      out.write(TIE_EXACT);
    } else {
      out.write(diff < 0 ? TIE_BELOW : TIE_ABOVE);
      int biased = (int) diff + 0x8000;
      out.write(biased >>> 8);
      out.write(biased);
    }
  }

  private static void writeDecimal(Decimal128 dec, ByteArrayOutputStream out) {
    if (dec.isNaN()) {
      writeDouble(Double.NaN, out);
      return;
    }
    if (dec.isInfinite()) {
      writeDouble(dec.isNegative() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, out);
      return;
    }
    BigDecimal value = decimalValue(dec);
    try {
      writeLong(value.longValueExact(), out);
    } catch (ArithmeticException notAnInt64) {
      writeDouble(value.doubleValue(), out);
    }
  }

  /** Order-preserving 8 bytes for a double: NaN lowest, -0.0 the same as 0.0. */
  private static void writeSortableDouble(double d, ByteArrayOutputStream out) {
    if (Double.isNaN(d)) {
      writeRawLong(0L, out);
      return;
    }
    if (d == 0.0) {
      d = 0.0;
    }
    long bits = Double.doubleToLongBits(d);
    bits = bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
    writeRawLong(bits, out);
  }

  private static void writeRawLong(long v, ByteArrayOutputStream out) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift));
    }
  }

  private static void writeInt(int v, ByteArrayOutputStream out) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.write(v >>> shift);
    }
  }

  private static BigDecimal decimalValue(Decimal128 d) {
    try {
      return d.bigDecimalValue();
    } catch (ArithmeticException negativeZero) {
      return BigDecimal.ZERO;
    }
  }
}
