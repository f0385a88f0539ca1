package dev.starling.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.bson.BsonOrder;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class KeyEncodingTest {
  private static int byteOrder(BsonValue a, BsonValue b) {
    return Integer.signum(Arrays.compareUnsigned(KeyEncoding.encode(a), KeyEncoding.encode(b)));
  }

  @Test
  void equalNumbersOfDifferentTypesEncodeIdentically() {
    byte[] one = KeyEncoding.encode(new BsonInt32(1));
    assertThat(KeyEncoding.encode(new BsonInt64(1))).isEqualTo(one);
    assertThat(KeyEncoding.encode(new BsonDouble(1.0))).isEqualTo(one);
    assertThat(KeyEncoding.encode(new BsonDecimal128(Decimal128.parse("1.000")))).isEqualTo(one);
    assertThat(KeyEncoding.encode(new BsonDouble(-0.0)))
        .isEqualTo(KeyEncoding.encode(new BsonInt32(0)));
    assertThat(KeyEncoding.encode(BsonDocument.parse("{a: 1}")))
        .isEqualTo(KeyEncoding.encode(BsonDocument.parse("{a: 1.0}")));
  }

  @Test
  void adjacentLargeLongsStayInExactOrder() {
    long base = 1L << 60;
    List<BsonValue> values = new ArrayList<>();
    for (long l = base - 300; l < base + 300; l += 7) {
      values.add(new BsonInt64(l));
      values.add(new BsonDouble((double) l));
    }
    values.add(new BsonInt64(Long.MAX_VALUE));
    values.add(new BsonInt64(Long.MAX_VALUE - 1));
    values.add(new BsonDouble(0x1p63));
    values.add(new BsonInt64(Long.MIN_VALUE));
    values.add(new BsonInt64(Long.MIN_VALUE + 1));
    values.add(new BsonDouble(-0x1p63));
    assertOrdersAgree(values);
  }

  @Test
  void stringPrefixesSortFirstAndEmbeddedZerosStayOrdered() {
    assertThat(byteOrder(new BsonString("a"), new BsonString("a\0"))).isNegative();
    assertThat(byteOrder(new BsonString("a\0"), new BsonString("a\1"))).isNegative();
    assertThat(byteOrder(new BsonString("ab"), new BsonString("abc"))).isNegative();
    assertThat(byteOrder(new BsonString(""), new BsonString("\0"))).isNegative();
  }

  @Test
  void compoundKeysConcatenateWithoutAmbiguity() {
    // ("a", "bc") must sort before ("ab", "c") as it does component by component.
    byte[] k1 = compound(new BsonString("a"), new BsonString("bc"));
    byte[] k2 = compound(new BsonString("ab"), new BsonString("c"));
    assertThat(Arrays.compareUnsigned(k1, k2)).isNegative();
  }

  @Test
  void descendingEncodingReversesOrderAndStillConcatenates() {
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    KeyEncoding.encode(new BsonString("ab"), true, a);
    KeyEncoding.encode(new BsonInt32(1), false, a);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    KeyEncoding.encode(new BsonString("a"), true, b);
    KeyEncoding.encode(new BsonInt32(0), false, b);
    // descending first component: "ab" sorts before "a"
    assertThat(Arrays.compareUnsigned(a.toByteArray(), b.toByteArray())).isNegative();
  }

  @Test
  void randomMixedValuesSortTheSameByBytesAsByBsonOrder() {
    Random random = new Random(42);
    List<BsonValue> values = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      values.add(randomValue(random, 2));
    }
    assertOrdersAgree(values);
  }

  @Test
  void randomCompoundKeysSortComponentWiseInBothDirections() {
    Random random = new Random(7);
    for (int i = 0; i < 3000; i++) {
      BsonValue a1 = randomValue(random, 1);
      BsonValue a2 = randomValue(random, 1);
      BsonValue b1 = random.nextInt(3) == 0 ? a1 : randomValue(random, 1);
      BsonValue b2 = randomValue(random, 1);
      boolean desc = random.nextBoolean();
      ByteArrayOutputStream ka = new ByteArrayOutputStream();
      KeyEncoding.encode(a1, desc, ka);
      KeyEncoding.encode(a2, false, ka);
      ByteArrayOutputStream kb = new ByteArrayOutputStream();
      KeyEncoding.encode(b1, desc, kb);
      KeyEncoding.encode(b2, false, kb);
      int expected = BsonOrder.compare(a1, b1);
      if (desc) {
        expected = -expected;
      }
      if (expected == 0) {
        expected = BsonOrder.compare(a2, b2);
      }
      assertThat(Integer.signum(Arrays.compareUnsigned(ka.toByteArray(), kb.toByteArray())))
          .as("%s,%s vs %s,%s desc=%s", a1, a2, b1, b2, desc)
          .isEqualTo(Integer.signum(expected));
    }
  }

  private static byte[] compound(BsonValue... values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (BsonValue v : values) {
      KeyEncoding.encode(v, out);
    }
    return out.toByteArray();
  }

  private static void assertOrdersAgree(List<BsonValue> values) {
    for (int i = 0; i < values.size(); i++) {
      BsonValue a = values.get(i);
      // compare each value against a window of others plus its neighbours in BsonOrder
      for (int j = Math.max(0, i - 40); j < Math.min(values.size(), i + 40); j++) {
        BsonValue b = values.get(j);
        assertThat(byteOrder(a, b))
            .as("%s vs %s", a, b)
            .isEqualTo(Integer.signum(BsonOrder.compare(a, b)));
      }
    }
    List<BsonValue> byOrder = new ArrayList<>(values);
    byOrder.sort(BsonOrder.ORDER);
    for (int i = 1; i < byOrder.size(); i++) {
      BsonValue a = byOrder.get(i - 1);
      BsonValue b = byOrder.get(i);
      assertThat(byteOrder(a, b))
          .as("%s vs %s", a, b)
          .isEqualTo(Integer.signum(BsonOrder.compare(a, b)));
      assertThat(
              Integer.signum(
                  Arrays.compareUnsigned(
                      KeyEncoding.encodeDescending(a), KeyEncoding.encodeDescending(b))))
          .isEqualTo(-Integer.signum(BsonOrder.compare(a, b)));
    }
  }

  private static final String[] STRINGS = {
    "", "a", "a\0", "a\0b", "ab", "b", "\u00e9", "\uD83D\uDE00"
  };

  private static BsonValue randomValue(Random r, int depth) {
    int kind = r.nextInt(depth > 0 ? 16 : 14);
    return switch (kind) {
      case 0 -> new BsonInt32(r.nextInt(7) - 3);
      case 1 -> new BsonInt64(r.nextBoolean() ? r.nextLong() : r.nextInt(7) - 3);
      case 2 ->
          new BsonDouble(
              switch (r.nextInt(6)) {
                case 0 -> Double.NaN;
                case 1 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                case 2 -> (r.nextInt(13) - 6) / 2.0;
                case 3 -> -0.0;
                default -> r.nextGaussian() * 1e18;
              });
      case 3 ->
          new BsonDecimal128(
              Decimal128.parse(String.valueOf(r.nextInt(7) - 3) + (r.nextBoolean() ? ".0" : "")));
      case 4 -> new BsonString(STRINGS[r.nextInt(STRINGS.length)]);
      case 5 -> r.nextBoolean() ? BsonNull.VALUE : new BsonMinKey();
      case 6 -> new BsonMaxKey();
      case 7 -> BsonBoolean.valueOf(r.nextBoolean());
      case 8 -> new BsonDateTime(r.nextInt(5) - 2);
      case 9 -> new BsonTimestamp(r.nextInt(3), r.nextInt(3));
      case 10 -> {
        byte[] data = new byte[r.nextInt(3)];
        r.nextBytes(data);
        yield new BsonBinary((byte) r.nextInt(2), data);
      }
      case 11 ->
          new BsonObjectId(
              new ObjectId(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) r.nextInt(256)}));
      case 12 ->
          new BsonRegularExpression(r.nextBoolean() ? "a" : "ab", r.nextBoolean() ? "" : "i");
      case 13 -> new BsonInt64((1L << 55) + r.nextInt(9) - 4);
      case 14 -> {
        BsonArray a = new BsonArray();
        for (int i = r.nextInt(3); i > 0; i--) {
          a.add(randomValue(r, depth - 1));
        }
        yield a;
      }
      default -> {
        BsonDocument d = new BsonDocument();
        for (int i = r.nextInt(3); i > 0; i--) {
          d.put(STRINGS[r.nextInt(4)], randomValue(r, depth - 1));
        }
        yield d;
      }
    };
  }
}
