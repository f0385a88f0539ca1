package dev.starling.node.bson;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
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
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class BsonOrderTest {
  static BsonDocument json(String s) {
    return BsonDocument.parse(s);
  }

  @Test
  void typesOrderByMongoTypeClass() {
    List<BsonValue> ascending =
        List.of(
            new BsonMinKey(),
            BsonNull.VALUE,
            new BsonInt32(5),
            new BsonString("a"),
            json("{}"),
            new BsonArray(),
            new BsonBinary(new byte[0]),
            new BsonObjectId(new ObjectId()),
            BsonBoolean.FALSE,
            new BsonDateTime(0),
            new BsonTimestamp(0),
            new BsonRegularExpression("a"),
            new BsonMaxKey());
    List<BsonValue> shuffled = new ArrayList<>(ascending);
    java.util.Collections.reverse(shuffled);
    shuffled.sort(BsonOrder.ORDER);
    assertThat(shuffled).containsExactlyElementsOf(ascending);
  }

  @Test
  void numbersCompareNumericallyAcrossTypes() {
    assertThat(BsonOrder.compare(new BsonInt32(1), new BsonDouble(1.0))).isZero();
    assertThat(BsonOrder.compare(new BsonInt64(1), new BsonDecimal128(Decimal128.parse("1.00"))))
        .isZero();
    assertThat(BsonOrder.compare(new BsonInt32(2), new BsonDouble(1.5))).isPositive();
    assertThat(BsonOrder.compare(new BsonDouble(-0.0), new BsonInt32(0))).isZero();
    assertThat(BsonOrder.compare(new BsonDecimal128(Decimal128.parse("0.1")), new BsonDouble(0.1)))
        .isNegative(); // the double 0.1 is slightly above one tenth
    assertThat(BsonOrder.valuesEqual(new BsonInt32(3), new BsonInt64(3))).isTrue();
  }

  @Test
  void largeLongsCompareExactlyAgainstDoubles() {
    long big = (1L << 53) + 1;
    assertThat(BsonOrder.compare(new BsonInt64(big), new BsonDouble((double) (1L << 53))))
        .isPositive();
    assertThat(BsonOrder.compare(new BsonInt64(Long.MAX_VALUE), new BsonDouble(0x1p63)))
        .isNegative();
    assertThat(BsonOrder.compare(new BsonDouble(-0x1p63), new BsonInt64(Long.MIN_VALUE))).isZero();
    assertThat(BsonOrder.compare(new BsonDouble(2.5), new BsonInt64(2))).isPositive();
    assertThat(BsonOrder.compare(new BsonDouble(-2.5), new BsonInt64(-2))).isNegative();
  }

  @Test
  void nanIsLowestNumberAndEqualsItself() {
    BsonValue nan = new BsonDouble(Double.NaN);
    assertThat(BsonOrder.compare(nan, new BsonDouble(Double.NEGATIVE_INFINITY))).isNegative();
    assertThat(BsonOrder.compare(nan, new BsonInt64(Long.MIN_VALUE))).isNegative();
    assertThat(BsonOrder.compare(nan, BsonNull.VALUE)).isPositive();
    assertThat(BsonOrder.compare(nan, new BsonDecimal128(Decimal128.NaN))).isZero();
    assertThat(BsonOrder.compare(nan, nan)).isZero();
  }

  @Test
  void nullAndUndefinedAreOneTypeClass() {
    assertThat(BsonOrder.compare(BsonNull.VALUE, new BsonUndefined())).isZero();
  }

  @Test
  void stringsCompareByUtf8BytesAndSymbolsCompareAsStrings() {
    assertThat(BsonOrder.compare(new BsonString("B"), new BsonString("a"))).isNegative();
    assertThat(BsonOrder.compare(new BsonString("ab"), new BsonString("abc"))).isNegative();
    // U+FF5E (3 UTF-8 bytes, EF ...) sorts before U+1F600 (4 bytes, F0 ...), unlike UTF-16 order.
    assertThat(BsonOrder.compare(new BsonString("\uFF5E"), new BsonString("\uD83D\uDE00")))
        .isNegative();
    assertThat(BsonOrder.compare(new BsonSymbol("x"), new BsonString("x"))).isZero();
  }

  @Test
  void documentsCompareFieldByFieldTypeThenNameThenValue() {
    assertThat(BsonOrder.compare(json("{a: 1}"), json("{a: 2}"))).isNegative();
    assertThat(BsonOrder.compare(json("{a: 1}"), json("{b: 0}"))).isNegative();
    // the type class of the first field outranks its name
    assertThat(BsonOrder.compare(json("{b: 1}"), json("{a: 'x'}"))).isNegative();
    assertThat(BsonOrder.compare(json("{a: 1}"), json("{a: 1, b: 1}"))).isNegative();
    assertThat(BsonOrder.compare(json("{a: 1, b: 2}"), json("{b: 2, a: 1}"))).isNegative();
    assertThat(BsonOrder.compare(json("{a: 1}"), json("{a: 1.0}"))).isZero();
  }

  @Test
  void arraysCompareElementWise() {
    BsonDocument d = json("{x: [1, 2], y: [1, 2, 0], z: [2], w: []}");
    assertThat(BsonOrder.compare(d.get("x"), d.get("y"))).isNegative();
    assertThat(BsonOrder.compare(d.get("y"), d.get("z"))).isNegative();
    assertThat(BsonOrder.compare(d.get("w"), d.get("x"))).isNegative();
  }

  @Test
  void binDataComparesByLengthThenSubtypeThenBytes() {
    BsonBinary shortHigh = new BsonBinary((byte) 0, new byte[] {(byte) 0xff});
    BsonBinary longLow = new BsonBinary((byte) 0, new byte[] {0, 0});
    BsonBinary shortHighSubtype = new BsonBinary((byte) 5, new byte[] {0});
    assertThat(BsonOrder.compare(shortHigh, longLow)).isNegative();
    assertThat(BsonOrder.compare(shortHigh, shortHighSubtype)).isNegative();
    assertThat(
            BsonOrder.compare(
                new BsonBinary(new byte[] {1}), new BsonBinary(new byte[] {(byte) 0x80})))
        .isNegative();
  }

  @Test
  void datesAndTimestampsAndBooleansCompareWithinType() {
    assertThat(BsonOrder.compare(new BsonDateTime(-1), new BsonDateTime(1))).isNegative();
    assertThat(BsonOrder.compare(new BsonTimestamp(1, 5), new BsonTimestamp(2, 0))).isNegative();
    assertThat(BsonOrder.compare(BsonBoolean.FALSE, BsonBoolean.TRUE)).isNegative();
    assertThat(BsonOrder.compare(BsonBoolean.TRUE, new BsonDateTime(Long.MIN_VALUE))).isNegative();
  }
}
