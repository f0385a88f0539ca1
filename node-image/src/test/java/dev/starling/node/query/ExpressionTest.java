package dev.starling.node.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.error.MongoServerException;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;

class ExpressionTest {
  static BsonDocument json(String s) {
    return BsonDocument.parse(s);
  }

  /** Evaluates {r: expr} against doc and returns the result as {r: value} JSON ({} if missing). */
  private static String eval(String expr, String doc) {
    BsonValue v = Expression.compile(json("{r: " + expr + "}").get("r")).evaluate(json(doc));
    return v == null ? "missing" : new BsonDocument("r", v).toJson();
  }

  private static String r(String value) {
    return json("{r: " + value + "}").toJson();
  }

  private static int errorCode(String expr, String doc) {
    try {
      Expression.compile(json("{r: " + expr + "}").get("r")).evaluate(json(doc));
    } catch (MongoServerException e) {
      return e.code();
    }
    throw new AssertionError("no error for " + expr);
  }

  @Test
  void fieldPathsReadFieldsAndMapThroughArrays() {
    assertThat(eval("'$a.b'", "{a: {b: 5}}")).isEqualTo(r("5"));
    assertThat(eval("'$a.b'", "{a: [{b: 1}, {c: 2}, {b: 3}]}")).isEqualTo(r("[1, 3]"));
    assertThat(eval("'$a.b'", "{}")).isEqualTo("missing");
    assertThat(eval("'$$ROOT'", "{x: 1}")).isEqualTo(r("{x: 1}"));
    assertThat(eval("'$$CURRENT.x'", "{x: 1}")).isEqualTo(r("1"));
    assertThat(eval("'$$REMOVE'", "{x: 1}")).isEqualTo("missing");
  }

  @Test
  void literalsAndObjectsEvaluate() {
    assertThat(eval("'abc'", "{}")).isEqualTo(r("'abc'"));
    assertThat(eval("{$literal: '$a'}", "{a: 1}")).isEqualTo(r("'$a'"));
    assertThat(eval("{x: '$a', y: '$missing'}", "{a: 1}")).isEqualTo(r("{x: 1}"));
    assertThat(eval("['$a', '$missing']", "{a: 1}")).isEqualTo(r("[1, null]"));
  }

  @Test
  void arithmeticPromotesTypes() {
    assertThat(eval("{$add: [1, 2]}", "{}")).isEqualTo(r("3"));
    assertThat(eval("{$add: [1, 2.5]}", "{}")).isEqualTo(r("3.5"));
    assertThat(eval("{$add: [2147483647, 1]}", "{}")).isEqualTo(r("{$numberLong: '2147483648'}"));
    assertThat(eval("{$add: ['$a', 1]}", "{}")).isEqualTo(r("null"));
    assertThat(eval("{$add: [{$date: 1000}, 500]}", "{}")).isEqualTo(r("{$date: 1500}"));
    assertThat(eval("{$subtract: [10, 4]}", "{}")).isEqualTo(r("6"));
    assertThat(eval("{$subtract: [{$date: 5000}, {$date: 1000}]}", "{}"))
        .isEqualTo(r("{$numberLong: '4000'}"));
    assertThat(eval("{$multiply: [3, 4]}", "{}")).isEqualTo(r("12"));
    assertThat(eval("{$divide: [10, 4]}", "{}")).isEqualTo(r("2.5"));
    assertThat(eval("{$divide: [10, 5]}", "{}")).isEqualTo(r("2.0"));
    assertThat(eval("{$mod: [10, 3]}", "{}")).isEqualTo(r("1"));
    assertThat(eval("{$mod: [-10, 3]}", "{}")).isEqualTo(r("-1"));
    assertThat(eval("{$abs: -5}", "{}")).isEqualTo(r("5"));
    assertThat(eval("{$abs: null}", "{}")).isEqualTo(r("null"));
  }

  @Test
  void arithmeticErrorsUseMongodCodes() {
    assertThat(errorCode("{$add: [1, 'x']}", "{}")).isEqualTo(16554);
    assertThat(errorCode("{$divide: [1, 0]}", "{}")).isEqualTo(2);
    assertThat(errorCode("{$mod: [1, 0]}", "{}")).isEqualTo(16610);
    assertThat(errorCode("{$multiply: [1, 'x']}", "{}")).isEqualTo(16555);
    assertThat(errorCode("{$abs: [1, 2]}", "{}")).isEqualTo(16020);
  }

  @Test
  void comparisonsUseBsonOrderWithMissingBelowNull() {
    assertThat(eval("{$eq: [1, 1.0]}", "{}")).isEqualTo(r("true"));
    assertThat(eval("{$gt: ['a', 5]}", "{}")).isEqualTo(r("true"));
    assertThat(eval("{$lt: ['$a', '$b']}", "{a: 1, b: 2}")).isEqualTo(r("true"));
    assertThat(eval("{$eq: ['$missing', null]}", "{}")).isEqualTo(r("false"));
    assertThat(eval("{$lte: ['$missing', null]}", "{}")).isEqualTo(r("true"));
    assertThat(eval("{$ne: [1, 2]}", "{}")).isEqualTo(r("true"));
    assertThat(eval("{$cmp: [3, 1]}", "{}")).isEqualTo(r("1"));
    assertThat(eval("{$cmp: ['a', 'b']}", "{}")).isEqualTo(r("-1"));
  }

  @Test
  void booleanOperatorsUseTruthiness() {
    assertThat(eval("{$and: [1, 'x', []]}", "{}")).isEqualTo(r("true"));
    assertThat(eval("{$and: [1, 0]}", "{}")).isEqualTo(r("false"));
    assertThat(eval("{$or: [null, '$missing', false]}", "{}")).isEqualTo(r("false"));
    assertThat(eval("{$or: [0, 2]}", "{}")).isEqualTo(r("true"));
    assertThat(eval("{$not: [0]}", "{}")).isEqualTo(r("true"));
    assertThat(eval("{$and: []}", "{}")).isEqualTo(r("true"));
  }

  @Test
  void condAndIfNull() {
    assertThat(eval("{$cond: [{$gt: ['$a', 5]}, 'big', 'small']}", "{a: 7}")).isEqualTo(r("'big'"));
    assertThat(eval("{$cond: {if: '$a', then: 1, else: 2}}", "{a: 0}")).isEqualTo(r("2"));
    assertThat(errorCode("{$cond: {if: true, then: 1}}", "{}")).isEqualTo(17082);
    assertThat(eval("{$ifNull: ['$a', 'default']}", "{}")).isEqualTo(r("'default'"));
    assertThat(eval("{$ifNull: ['$a', 'default']}", "{a: null}")).isEqualTo(r("'default'"));
    assertThat(eval("{$ifNull: ['$a', 'default']}", "{a: 0}")).isEqualTo(r("0"));
  }

  @Test
  void stringOperators() {
    assertThat(eval("{$concat: ['a', '$b', 'c']}", "{b: 'B'}")).isEqualTo(r("'aBc'"));
    assertThat(eval("{$concat: ['a', '$missing']}", "{}")).isEqualTo(r("null"));
    assertThat(errorCode("{$concat: ['a', 1]}", "{}")).isEqualTo(16702);
    assertThat(eval("{$toUpper: 'abc'}", "{}")).isEqualTo(r("'ABC'"));
    assertThat(eval("{$toLower: 'ABC'}", "{}")).isEqualTo(r("'abc'"));
    assertThat(eval("{$toUpper: null}", "{}")).isEqualTo(r("''"));
    assertThat(eval("{$substr: ['hello', 1, 3]}", "{}")).isEqualTo(r("'ell'"));
    assertThat(eval("{$substr: ['hello', 1, -1]}", "{}")).isEqualTo(r("'ello'"));
    assertThat(eval("{$substrCP: ['h\u00e9llo', 1, 2]}", "{}")).isEqualTo(r("'\u00e9l'"));
    assertThat(eval("{$strLenCP: 'h\u00e9llo'}", "{}")).isEqualTo(r("5"));
    assertThat(errorCode("{$strLenCP: 5}", "{}")).isEqualTo(34471);
  }

  @Test
  void arrayOperators() {
    assertThat(eval("{$size: '$a'}", "{a: [1, 2, 3]}")).isEqualTo(r("3"));
    assertThat(errorCode("{$size: '$a'}", "{}")).isEqualTo(17124);
    assertThat(eval("{$arrayElemAt: ['$a', 0]}", "{a: [7, 8]}")).isEqualTo(r("7"));
    assertThat(eval("{$arrayElemAt: ['$a', -1]}", "{a: [7, 8]}")).isEqualTo(r("8"));
    assertThat(eval("{$arrayElemAt: ['$a', 5]}", "{a: [7, 8]}")).isEqualTo("missing");
    assertThat(eval("{$in: [2, '$a']}", "{a: [1, 2]}")).isEqualTo(r("true"));
    assertThat(eval("{$in: [3, '$a']}", "{a: [1, 2]}")).isEqualTo(r("false"));
    assertThat(errorCode("{$in: [3, '$a']}", "{}")).isEqualTo(40081);
    assertThat(eval("{$isArray: '$a'}", "{a: [1]}")).isEqualTo(r("true"));
    assertThat(eval("{$isArray: ['$a']}", "{a: 1}")).isEqualTo(r("false"));
  }

  @Test
  void typeAndToString() {
    assertThat(eval("{$type: '$a'}", "{a: 1}")).isEqualTo(r("'int'"));
    assertThat(eval("{$type: '$a'}", "{a: 1.5}")).isEqualTo(r("'double'"));
    assertThat(eval("{$type: '$a'}", "{}")).isEqualTo(r("'missing'"));
    assertThat(eval("{$type: '$a'}", "{a: [1]}")).isEqualTo(r("'array'"));
    assertThat(eval("{$toString: 5}", "{}")).isEqualTo(r("'5'"));
    assertThat(eval("{$toString: 2.5}", "{}")).isEqualTo(r("'2.5'"));
    assertThat(eval("{$toString: true}", "{}")).isEqualTo(r("'true'"));
    assertThat(eval("{$toString: {$date: 0}}", "{}")).isEqualTo(r("'1970-01-01T00:00:00.000Z'"));
    assertThat(eval("{$toString: {$oid: '5f1d7f8e2c3b4a5d6e7f8091'}}", "{}"))
        .isEqualTo(r("'5f1d7f8e2c3b4a5d6e7f8091'"));
    assertThat(eval("{$toString: '$missing'}", "{}")).isEqualTo(r("null"));
  }

  @Test
  void unknownOperatorIsInvalidPipelineOperator() {
    assertThat(errorCode("{$foo: 1}", "{}")).isEqualTo(168);
    try {
      Expression.compile(json("{$foo: 1}"));
    } catch (MongoServerException e) {
      assertThat(e.getMessage()).isEqualTo("Unrecognized expression '$foo'");
    }
    assertThat(errorCode("{$add: [1], b: 1}", "{}")).isEqualTo(15983);
    assertThat(errorCode("'$$nope'", "{}")).isEqualTo(17276);
  }

  @Test
  void letMapAndFilterBindVariables() {
    assertThat(eval("{$let: {vars: {x: 2}, in: {$multiply: ['$$x', '$a']}}}", "{a: 3}"))
        .isEqualTo(r("6"));
    assertThat(eval("{$map: {input: '$a', as: 'v', in: {$add: ['$$v', 1]}}}", "{a: [1, 2]}"))
        .isEqualTo(r("[2, 3]"));
    assertThat(eval("{$filter: {input: '$a', cond: {$gt: ['$$this', 1]}}}", "{a: [1, 2, 3]}"))
        .isEqualTo(r("[2, 3]"));
  }
}
