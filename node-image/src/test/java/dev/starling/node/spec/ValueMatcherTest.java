package dev.starling.node.spec;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;

/** The unified format's matching rules, proven without a server. */
class ValueMatcherTest {
  private static final BsonDocument LSID = json("{id: {$binary: {base64: 'AAAA', subType: '04'}}}");

  private final ValueMatcher matcher =
      new ValueMatcher(
          new ValueMatcher.EntityLookup() {
            @Override
            public BsonValue value(String name) {
              return name.equals("savedId") ? new BsonInt32(7) : null;
            }

            @Override
            public BsonDocument lsid(String name) {
              return name.equals("session0") ? LSID : null;
            }
          });

  private static BsonDocument json(String json) {
    return BsonDocument.parse(json);
  }

  private void matches(String expected, String actual) {
    assertThatCode(() -> matcher.matchRoot(json(expected), json(actual)))
        .doesNotThrowAnyException();
  }

  private void mismatches(String expected, String actual, String message) {
    assertThatThrownBy(() -> matcher.matchRoot(json(expected), json(actual)))
        .isInstanceOf(ValueMatcher.MatchFailure.class)
        .hasMessageContaining(message);
  }

  @Test
  void numbersAreEqualByValueAcrossIntLongAndDouble() {
    matches("{n: 1}", "{n: {$numberLong: '1'}}");
    matches("{n: {$numberLong: '10'}}", "{n: 10.0}");
    matches("{n: 2.5}", "{n: {$numberDecimal: '2.50'}}");
    mismatches("{n: 1}", "{n: 1.5}", "at n");
    mismatches("{n: 1}", "{n: '1'}", "at n");
  }

  @Test
  void rootDocumentsMayHaveExtraFieldsButEmbeddedOnesMayNot() {
    matches("{a: 1}", "{a: 1, b: 2}");
    mismatches("{a: {x: 1}}", "{a: {x: 1, y: 2}}", "unexpected field y");
  }

  @Test
  void documentsInARootArrayAreRootDocuments() {
    assertThatCode(
            () ->
                matcher.matchRoot(
                    json("{a: [{_id: 1}]}").get("a"), json("{a: [{_id: 1, x: 2}]}").get("a")))
        .doesNotThrowAnyException();
    mismatches("{a: [{_id: 1}]}", "{a: [{_id: 1, x: 2}]}", "unexpected field x");
  }

  @Test
  void theOutcomeAllowsNoExtraFieldsAnywhere() {
    assertThatThrownBy(() -> matcher.matchExactly(json("{_id: 1}"), json("{_id: 1, x: 1}")))
        .isInstanceOf(ValueMatcher.MatchFailure.class);
  }

  @Test
  void arraysMustHaveTheSameLength() {
    mismatches("{a: [1, 2]}", "{a: [1, 2, 3]}", "expected 2 elements");
  }

  @Test
  void existsChecksPresenceOfAField() {
    matches("{a: {$$exists: true}}", "{a: null}");
    matches("{a: {$$exists: false}}", "{b: 1}");
    mismatches("{a: {$$exists: false}}", "{a: 1}", "expected no field");
    mismatches("{a: {$$exists: true}}", "{b: 1}", "expected the field to exist");
  }

  @Test
  void typeAcceptsOneNameOrSeveralAndNumberCoversAllNumericTypes() {
    matches("{a: {$$type: 'string'}}", "{a: 'x'}");
    matches("{a: {$$type: ['int', 'long']}}", "{a: {$numberLong: '3'}}");
    matches("{a: {$$type: 'number'}}", "{a: 3.5}");
    mismatches("{a: {$$type: 'int'}}", "{a: 3.5}", "expected type");
  }

  @Test
  void unsetOrMatchesAcceptsAbsenceOrAMatch() {
    matches("{a: {$$unsetOrMatches: 1}}", "{}");
    matches("{a: {$$unsetOrMatches: 1}}", "{a: 1}");
    mismatches("{a: {$$unsetOrMatches: 1}}", "{a: 2}", "at a");
    assertThatCode(() -> matcher.matchRoot(json("{$$unsetOrMatches: {x: 1}}"), null))
        .doesNotThrowAnyException();
  }

  @Test
  void matchesEntityComparesWithASavedValue() {
    matches("{a: {$$matchesEntity: 'savedId'}}", "{a: 7}");
    mismatches("{a: {$$matchesEntity: 'savedId'}}", "{a: 8}", "at a");
  }

  @Test
  void matchesHexBytesComparesBinaryData() {
    BsonDocument actual = new BsonDocument("a", new BsonBinary(new byte[] {0x0a, (byte) 0xff}));
    assertThatCode(() -> matcher.matchRoot(json("{a: {$$matchesHexBytes: '0AFF'}}"), actual))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> matcher.matchRoot(json("{a: {$$matchesHexBytes: '0A'}}"), actual))
        .isInstanceOf(ValueMatcher.MatchFailure.class);
  }

  @Test
  void sessionLsidComparesWithTheSessionsId() {
    BsonDocument actual = new BsonDocument("lsid", LSID);
    assertThatCode(() -> matcher.matchRoot(json("{lsid: {$$sessionLsid: 'session0'}}"), actual))
        .doesNotThrowAnyException();
    mismatches("{lsid: {$$sessionLsid: 'session0'}}", "{lsid: {id: 1}}", "at lsid");
  }

  @Test
  void lteComparesNumbers() {
    matches("{a: {$$lte: 5}}", "{a: {$numberLong: '5'}}");
    matches("{a: {$$lte: 5}}", "{a: 4.5}");
    mismatches("{a: {$$lte: 5}}", "{a: 6}", "<= 5");
  }

  @Test
  void matchAsDocumentParsesAJsonString() {
    BsonDocument actual = new BsonDocument("a", new BsonString("{\"x\": 1}"));
    assertThatCode(() -> matcher.matchRoot(json("{a: {$$matchAsDocument: {x: 1}}}"), actual))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> matcher.matchRoot(json("{a: {$$matchAsDocument: {x: 2}}}"), actual))
        .isInstanceOf(ValueMatcher.MatchFailure.class);
  }

  @Test
  void matchAsRootAllowsExtraFieldsInAnEmbeddedDocument() {
    matches("{a: {$$matchAsRoot: {x: 1}}}", "{a: {x: 1, y: 2}}");
  }

  @Test
  void anUnknownOperatorIsAFailureNotAPass() {
    mismatches("{a: {$$bogus: 1}}", "{a: 1}", "unsupported match operator: $$bogus");
  }
}
