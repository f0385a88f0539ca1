package dev.starling.node.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.MongoServerException;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class FilterTest {
  static BsonDocument json(String s) {
    return BsonDocument.parse(s);
  }

  private static boolean matches(String filter, String doc) {
    return Filter.compile(json(filter)).matches(json(doc));
  }

  private static int errorCode(String filter) {
    try {
      Filter.compile(json(filter));
    } catch (MongoServerException e) {
      return e.code();
    }
    throw new AssertionError("no error for " + filter);
  }

  @Test
  void emptyFilterAndMatchAllMatchEverything() {
    assertThat(matches("{}", "{a: 1}")).isTrue();
    assertThat(Filter.matchAll().matches(json("{}"))).isTrue();
  }

  @Test
  void equalityComparesNumbersAcrossTypes() {
    assertThat(matches("{a: 1}", "{a: 1.0}")).isTrue();
    assertThat(matches("{a: {$numberLong: '1'}}", "{a: 1}")).isTrue();
    assertThat(matches("{a: 1}", "{a: '1'}")).isFalse();
    assertThat(matches("{a: 1}", "{b: 1}")).isFalse();
  }

  @Test
  void equalityToArrayMatchesWholeArrayOrAnElement() {
    assertThat(matches("{a: 2}", "{a: [1, 2, 3]}")).isTrue();
    assertThat(matches("{a: [1, 2]}", "{a: [1, 2]}")).isTrue();
    assertThat(matches("{a: [1, 2]}", "{a: [2, 1]}")).isFalse();
    assertThat(matches("{a: [1, 2]}", "{a: [[1, 2], 3]}")).isTrue();
    assertThat(matches("{a: [1]}", "{a: 1}")).isFalse();
  }

  @Test
  void equalityToDocumentIsExactIncludingFieldOrder() {
    assertThat(matches("{a: {b: 1, c: 2}}", "{a: {b: 1, c: 2}}")).isTrue();
    assertThat(matches("{a: {b: 1, c: 2}}", "{a: {c: 2, b: 1}}")).isFalse();
    assertThat(matches("{a: {b: 1}}", "{a: {b: 1, c: 2}}")).isFalse();
  }

  @Test
  void dottedPathMatchesInsideSubDocuments() {
    assertThat(matches("{'a.b.c': 5}", "{a: {b: {c: 5}}}")).isTrue();
    assertThat(matches("{'a.b.c': 5}", "{a: {b: {c: 6}}}")).isFalse();
  }

  @Test
  void dottedPathMatchesInsideArrayOfDocuments() {
    assertThat(matches("{'a.b': 2}", "{a: [{b: 1}, {b: 2}]}")).isTrue();
    assertThat(matches("{'a.b': 3}", "{a: [{b: 1}, {b: [2, 3]}]}")).isTrue();
    assertThat(matches("{'a.b': 3}", "{a: [{b: 1}, {b: 2}]}")).isFalse();
  }

  @Test
  void numericPathComponentIndexesArrays() {
    assertThat(matches("{'a.0.b': 1}", "{a: [{b: 1}, {b: 2}]}")).isTrue();
    assertThat(matches("{'a.1.b': 1}", "{a: [{b: 1}, {b: 2}]}")).isFalse();
    assertThat(matches("{'a.1': 'y'}", "{a: ['x', 'y']}")).isTrue();
    assertThat(matches("{'a.0': 5}", "{a: {'0': 5}}")).isTrue();
  }

  @Test
  void nullMatchesMissingAndNullButNotEmptyArraysOrScalarElements() {
    assertThat(matches("{a: null}", "{b: 1}")).isTrue();
    assertThat(matches("{a: null}", "{a: null}")).isTrue();
    assertThat(matches("{a: null}", "{a: [1, null]}")).isTrue();
    assertThat(matches("{a: null}", "{a: 0}")).isFalse();
    assertThat(matches("{a: null}", "{a: []}")).isFalse();
    // as mongod's null2.js: only array elements that are documents without b count as missing
    assertThat(matches("{'a.b': null}", "{a: [{b: 5}]}")).isFalse();
    assertThat(matches("{'a.b': null}", "{a: [{}]}")).isTrue();
    assertThat(matches("{'a.b': null}", "{a: []}")).isFalse();
    assertThat(matches("{'a.b': null}", "{a: [{}, {b: 5}]}")).isTrue();
    assertThat(matches("{'a.b': null}", "{a: [5, {b: 5}]}")).isFalse();
    assertThat(matches("{'a.b': null}", "{a: 5}")).isTrue();
  }

  @Test
  void comparisonsAreTypeBracketed() {
    assertThat(matches("{a: {$gt: 5}}", "{a: 6}")).isTrue();
    assertThat(matches("{a: {$gt: 5}}", "{a: 5.5}")).isTrue();
    assertThat(matches("{a: {$gt: 5}}", "{a: 'zzz'}")).isFalse();
    assertThat(matches("{a: {$lt: 5}}", "{a: null}")).isFalse();
    assertThat(matches("{a: {$lt: 5}}", "{}")).isFalse();
    assertThat(matches("{a: {$gte: 'b'}}", "{a: 'c'}")).isTrue();
    assertThat(matches("{a: {$lte: 5}}", "{a: 5}")).isTrue();
    assertThat(matches("{a: {$gt: 5, $lt: 10}}", "{a: 7}")).isTrue();
    assertThat(matches("{a: {$gt: 5, $lt: 10}}", "{a: 12}")).isFalse();
  }

  @Test
  void comparisonsOnArraysMatchIfAnyElementMatches() {
    assertThat(matches("{a: {$gt: 5}}", "{a: [1, 7]}")).isTrue();
    // different elements may satisfy different bounds
    assertThat(matches("{a: {$gt: 5, $lt: 3}}", "{a: [1, 7]}")).isTrue();
    assertThat(matches("{a: {$gt: 5}}", "{a: [1, 2]}")).isFalse();
  }

  @Test
  void comparisonsWithNullAndMinMaxKey() {
    assertThat(matches("{a: {$gte: null}}", "{}")).isTrue();
    assertThat(matches("{a: {$gt: null}}", "{a: null}")).isFalse();
    assertThat(matches("{a: {$gt: {$minKey: 1}}}", "{a: 'x'}")).isTrue();
    assertThat(matches("{a: {$lt: {$maxKey: 1}}}", "{a: {b: 1}}")).isTrue();
  }

  @Test
  void neAndNinAreNegationsOverTheWholeArray() {
    assertThat(matches("{a: {$ne: 1}}", "{a: 2}")).isTrue();
    assertThat(matches("{a: {$ne: 1}}", "{}")).isTrue();
    assertThat(matches("{a: {$ne: 1}}", "{a: [1, 2]}")).isFalse();
    assertThat(matches("{a: {$ne: null}}", "{}")).isFalse();
    assertThat(matches("{a: {$nin: [1, 3]}}", "{a: [2, 4]}")).isTrue();
    assertThat(matches("{a: {$nin: [1, 3]}}", "{a: [2, 3]}")).isFalse();
    assertThat(matches("{'a.b': {$ne: 1}}", "{a: [{b: 1}, {b: 2}]}")).isFalse();
  }

  @Test
  void inMatchesValuesRegexesAndNull() {
    assertThat(matches("{a: {$in: [1, 2]}}", "{a: 2.0}")).isTrue();
    assertThat(matches("{a: {$in: [1, 2]}}", "{a: [5, 1]}")).isTrue();
    assertThat(matches("{a: {$in: [/^ab/]}}", "{a: 'abc'}")).isTrue();
    assertThat(matches("{a: {$in: [/^ab/]}}", "{a: 'xabc'}")).isFalse();
    assertThat(matches("{a: {$in: [null]}}", "{}")).isTrue();
    assertThat(matches("{a: {$in: []}}", "{a: 1}")).isFalse();
    assertThat(errorCode("{a: {$in: 1}}")).isEqualTo(2);
  }

  @Test
  void logicalOperatorsCombineClauses() {
    assertThat(matches("{$and: [{a: 1}, {b: 2}]}", "{a: 1, b: 2}")).isTrue();
    assertThat(matches("{$and: [{a: 1}, {b: 2}]}", "{a: 1, b: 3}")).isFalse();
    assertThat(matches("{$or: [{a: 1}, {b: 2}]}", "{a: 0, b: 2}")).isTrue();
    assertThat(matches("{$or: [{a: 1}, {b: 2}]}", "{a: 0, b: 0}")).isFalse();
    assertThat(matches("{$nor: [{a: 1}, {b: 2}]}", "{a: 0, b: 0}")).isTrue();
    assertThat(matches("{$nor: [{a: 1}, {b: 2}]}", "{a: 1}")).isFalse();
    assertThat(errorCode("{$or: []}")).isEqualTo(2);
    assertThat(errorCode("{$and: {a: 1}}")).isEqualTo(2);
    assertThat(errorCode("{$or: [1]}")).isEqualTo(2);
  }

  @Test
  void notNegatesAnOperatorOrRegexAndMatchesMissing() {
    assertThat(matches("{a: {$not: {$gt: 5}}}", "{a: 3}")).isTrue();
    assertThat(matches("{a: {$not: {$gt: 5}}}", "{a: 7}")).isFalse();
    assertThat(matches("{a: {$not: {$gt: 5}}}", "{}")).isTrue();
    assertThat(matches("{a: {$not: {$gt: 5}}}", "{a: 'x'}")).isTrue();
    assertThat(matches("{a: {$not: /^x/}}", "{a: 'xy'}")).isFalse();
    assertThat(matches("{a: {$not: /^x/}}", "{a: 'yx'}")).isTrue();
    assertThat(errorCode("{a: {$not: 5}}")).isEqualTo(2);
    assertThat(errorCode("{a: {$not: {}}}")).isEqualTo(2);
  }

  @Test
  void existsChecksPresenceIncludingNullValues() {
    assertThat(matches("{a: {$exists: true}}", "{a: null}")).isTrue();
    assertThat(matches("{a: {$exists: true}}", "{b: 1}")).isFalse();
    assertThat(matches("{a: {$exists: false}}", "{b: 1}")).isTrue();
    assertThat(matches("{'a.b': {$exists: true}}", "{a: [{c: 1}, {b: 2}]}")).isTrue();
    assertThat(matches("{'a.b': {$exists: false}}", "{a: [1, 2]}")).isTrue();
    assertThat(matches("{a: {$exists: 0}}", "{a: 1}")).isFalse();
  }

  @Test
  void typeMatchesByNumberAliasAndNumber() {
    assertThat(matches("{a: {$type: 'string'}}", "{a: 'x'}")).isTrue();
    assertThat(matches("{a: {$type: 2}}", "{a: 'x'}")).isTrue();
    assertThat(matches("{a: {$type: 'int'}}", "{a: 1.5}")).isFalse();
    assertThat(matches("{a: {$type: 'double'}}", "{a: 1.5}")).isTrue();
    assertThat(matches("{a: {$type: 'number'}}", "{a: {$numberDecimal: '1'}}")).isTrue();
    assertThat(matches("{a: {$type: 'number'}}", "{a: '1'}")).isFalse();
    assertThat(matches("{a: {$type: ['string', 'bool']}}", "{a: true}")).isTrue();
    assertThat(matches("{a: {$type: 'null'}}", "{}")).isFalse();
    assertThat(matches("{a: {$type: 'array'}}", "{a: [1]}")).isTrue();
    assertThat(matches("{a: {$type: 'array'}}", "{a: 1}")).isFalse();
    assertThat(matches("{a: {$type: 'string'}}", "{a: [1, 'x']}")).isTrue();
    assertThat(matches("{a: {$type: 'long'}}", "{a: {$numberLong: '5'}}")).isTrue();
    assertThat(errorCode("{a: {$type: 'nope'}}")).isEqualTo(2);
    assertThat(errorCode("{a: {$type: 99}}")).isEqualTo(2);
  }

  @Test
  void regexMatchesStringsWithOptions() {
    assertThat(matches("{a: /^ab/}", "{a: 'abc'}")).isTrue();
    assertThat(matches("{a: /^AB/i}", "{a: 'abc'}")).isTrue();
    assertThat(matches("{a: {$regex: '^AB', $options: 'i'}}", "{a: 'abc'}")).isTrue();
    assertThat(matches("{a: {$regex: 'b'}}", "{a: 'abc'}")).isTrue();
    assertThat(matches("{a: {$regex: 'b'}}", "{a: 5}")).isFalse();
    assertThat(matches("{a: {$regex: '^b', $options: 'm'}}", "{a: 'a\\nb'}")).isTrue();
    assertThat(matches("{a: /x/}", "{a: ['y', 'xx']}")).isTrue();
    assertThat(matches("{a: {$regex: /^a/i}}", "{a: 'Abc'}")).isTrue();
    assertThat(errorCode("{a: {$options: 'i'}}")).isEqualTo(2);
    assertThat(errorCode("{a: {$regex: '('}}")).isEqualTo(51091);
  }

  @Test
  void eqWithRegexValueMatchesOnlyThatRegex() {
    assertThat(matches("{a: {$eq: /x/}}", "{a: 'x'}")).isFalse();
    assertThat(matches("{a: {$eq: /x/}}", "{a: /x/}")).isTrue();
  }

  @Test
  void sizeMatchesArrayLengthOnly() {
    assertThat(matches("{a: {$size: 2}}", "{a: [1, 2]}")).isTrue();
    assertThat(matches("{a: {$size: 2}}", "{a: [1]}")).isFalse();
    assertThat(matches("{a: {$size: 0}}", "{a: []}")).isTrue();
    assertThat(matches("{a: {$size: 1}}", "{a: 'x'}")).isFalse();
    assertThat(matches("{a: {$size: 1}}", "{a: [[1, 2]]}")).isTrue();
    assertThat(errorCode("{a: {$size: 'x'}}")).isEqualTo(2);
  }

  @Test
  void allRequiresEveryValue() {
    assertThat(matches("{a: {$all: [1, 2]}}", "{a: [2, 3, 1]}")).isTrue();
    assertThat(matches("{a: {$all: [1, 2]}}", "{a: [1, 3]}")).isFalse();
    assertThat(matches("{a: {$all: [1]}}", "{a: 1}")).isTrue();
    assertThat(matches("{a: {$all: []}}", "{a: [1]}")).isFalse();
    assertThat(matches("{a: {$all: [[1, 2]]}}", "{a: [[1, 2], 3]}")).isTrue();
    assertThat(
            matches(
                "{a: {$all: [{$elemMatch: {b: 1}}, {$elemMatch: {b: 2}}]}}",
                "{a: [{b: 1}, {b: 2}]}"))
        .isTrue();
  }

  @Test
  void elemMatchObjectFormNeedsOneElementMatchingAllConditions() {
    String doc = "{a: [{b: 1, c: 2}, {b: 2, c: 1}]}";
    assertThat(matches("{a: {$elemMatch: {b: 1, c: 2}}}", doc)).isTrue();
    assertThat(matches("{a: {$elemMatch: {b: 1, c: 1}}}", doc)).isFalse();
    assertThat(matches("{'a.b': 1, 'a.c': 1}", doc)).isTrue();
    assertThat(matches("{a: {$elemMatch: {b: 1}}}", "{a: {b: 1}}")).isFalse();
  }

  @Test
  void elemMatchValueFormAppliesOperatorsToEachElement() {
    assertThat(matches("{a: {$elemMatch: {$gt: 1, $lt: 3}}}", "{a: [0, 2]}")).isTrue();
    assertThat(matches("{a: {$elemMatch: {$gt: 1, $lt: 3}}}", "{a: [0, 5]}")).isFalse();
    assertThat(matches("{a: {$gt: 1, $lt: 3}}", "{a: [0, 5]}")).isTrue();
    assertThat(matches("{a: {$elemMatch: {$ne: 1}}}", "{a: [1, 2]}")).isTrue();
  }

  @Test
  void modMatchesRemainder() {
    assertThat(matches("{a: {$mod: [4, 1]}}", "{a: 5}")).isTrue();
    assertThat(matches("{a: {$mod: [4, 1]}}", "{a: 5.9}")).isTrue();
    assertThat(matches("{a: {$mod: [4, 1]}}", "{a: 6}")).isFalse();
    assertThat(matches("{a: {$mod: [4, -1]}}", "{a: -5}")).isTrue();
    assertThat(errorCode("{a: {$mod: [0, 1]}}")).isEqualTo(2);
    assertThat(errorCode("{a: {$mod: [4]}}")).isEqualTo(2);
    assertThat(errorCode("{a: {$mod: [4, 1, 2]}}")).isEqualTo(2);
  }

  @Test
  void commentIsIgnored() {
    assertThat(matches("{a: 1, $comment: 'hello'}", "{a: 1}")).isTrue();
  }

  @Test
  void exprEvaluatesAggregationExpressions() {
    assertThat(matches("{$expr: {$gt: ['$a', '$b']}}", "{a: 3, b: 2}")).isTrue();
    assertThat(matches("{$expr: {$gt: ['$a', '$b']}}", "{a: 1, b: 2}")).isFalse();
    assertThat(matches("{$expr: '$flag'}", "{flag: 0}")).isFalse();
  }

  @Test
  void unknownOperatorsAreRejected() {
    assertThatThrownBy(() -> Filter.compile(json("{a: {$foo: 1}}")))
        .isInstanceOf(MongoServerException.class)
        .hasMessage("unknown operator: $foo");
    assertThatThrownBy(() -> Filter.compile(json("{$foo: 1}")))
        .isInstanceOf(MongoServerException.class)
        .hasMessage("unknown top level operator: $foo");
    assertThat(errorCode("{a: {$foo: 1}}")).isEqualTo(2);
  }

  @Test
  void dateAndObjectIdValuesCompare() {
    assertThat(
            matches(
                "{d: {$gte: {$date: '2020-01-01T00:00:00Z'}}}",
                "{d: {$date: '2021-06-01T00:00:00Z'}}"))
        .isTrue();
    assertThat(
            matches(
                "{_id: {$oid: '5f1d7f8e2c3b4a5d6e7f8091'}}",
                "{_id: {$oid: '5f1d7f8e2c3b4a5d6e7f8091'}}"))
        .isTrue();
  }
}
