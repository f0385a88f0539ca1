package dev.starling.node.bson;

import static org.assertj.core.api.Assertions.assertThat;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

class BsonSizesTest {

  @Test
  void sizeEqualsTheEncodedLengthForEveryCommonType() {
    BsonDocument doc =
        BsonDocument.parse(
            """
            {_id: {$oid: '507f1f77bcf86cd799439011'}, s: 'héllo ✓ 𝄞', i: 1, l: {$numberLong: '2'}, d: 1.5,
             dec: {$numberDecimal: '1.1'}, b: true, n: null, dt: {$date: 0}, ts: {$timestamp: {t: 1, i: 2}},
             bin: {$binary: {base64: 'AQID', subType: '00'}}, re: {$regex: 'a.c', $options: 'i'},
             sub: {a: [1, 'x', {b: null}], e: {}}, arr: [], mk: {$minKey: 1}, xk: {$maxKey: 1},
             u: {$undefined: true}, sym: {$symbol: 'q'}, js: {$code: 'f()'}}
            """);
    BsonArray big = new BsonArray();
    for (int i = 0; i < 1200; i++) {
      big.add(i % 2 == 0 ? new BsonInt32(i) : new BsonString("v" + i));
    }
    doc.append("big", big);
    assertThat(BsonSizes.of(doc)).isEqualTo(BsonCodec.encode(doc).length);
    assertThat(BsonSizes.of(new BsonDocument())).isEqualTo(5);
  }
}
