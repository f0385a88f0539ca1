package dev.starling.node.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.error.MongoServerException;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class UpdateTest {
  private static final BsonDateTime NOW = new BsonDateTime(1_700_000_000_123L);

  static BsonDocument json(String s) {
    return BsonDocument.parse(s);
  }

  private static BsonDocument apply(String doc, String update) {
    return Update.compile(json(update)).apply(json(doc), false, NOW).document();
  }

  private static void assertApplies(String doc, String update, String expected) {
    BsonDocument out = apply(doc, update);
    assertThat(out.toJson()).isEqualTo(json(expected).toJson());
  }

  private static int errorCode(String doc, String update) {
    try {
      Update.compile(json(update)).apply(json(doc), false, NOW);
    } catch (MongoServerException e) {
      return e.code();
    }
    throw new AssertionError("no error for " + update);
  }

  private static String errorMessage(String doc, String update) {
    try {
      Update.compile(json(update)).apply(json(doc), false, NOW);
    } catch (MongoServerException e) {
      return e.getMessage();
    }
    throw new AssertionError("no error for " + update);
  }

  @Test
  void setReplacesInPlaceAndAppendsNewFields() {
    assertApplies("{_id: 1, a: 1, b: 2}", "{$set: {a: 5, c: 3}}", "{_id: 1, a: 5, b: 2, c: 3}");
  }

  @Test
  void newFieldsAreAddedInFieldNameOrder() {
    assertApplies("{_id: 1}", "{$set: {z: 1, a: 2}}", "{_id: 1, a: 2, z: 1}");
  }

  @Test
  void setDottedPathCreatesIntermediateDocuments() {
    assertApplies("{_id: 1}", "{$set: {'a.b.c': 1}}", "{_id: 1, a: {b: {c: 1}}}");
    assertApplies("{_id: 1, a: {x: 1}}", "{$set: {'a.b': 2}}", "{_id: 1, a: {x: 1, b: 2}}");
  }

  @Test
  void numericComponentIndexesArraysAndPadsWithNull() {
    assertApplies("{_id: 1, a: [1, 2]}", "{$set: {'a.1': 9}}", "{_id: 1, a: [1, 9]}");
    assertApplies("{_id: 1, a: [1]}", "{$set: {'a.3': 9}}", "{_id: 1, a: [1, null, null, 9]}");
    assertApplies("{_id: 1, a: [{b: 1}]}", "{$set: {'a.0.b': 2}}", "{_id: 1, a: [{b: 2}]}");
    assertApplies("{_id: 1}", "{$set: {'a.0': 1}}", "{_id: 1, a: {'0': 1}}");
  }

  @Test
  void setThroughScalarIsPathNotViable() {
    assertThat(errorCode("{_id: 1, a: 5}", "{$set: {'a.b': 1}}")).isEqualTo(28);
    assertThat(errorMessage("{_id: 1, a: 5}", "{$set: {'a.b': 1}}"))
        .isEqualTo("Cannot create field 'b' in element {a: 5}");
    assertThat(errorCode("{_id: 1, a: [1]}", "{$set: {'a.b': 1}}")).isEqualTo(28);
  }

  @Test
  void applyDoesNotMutateTheInputAndReportsModification() {
    BsonDocument doc = json("{_id: 1, a: {b: 1}}");
    Update.Result r = Update.compile(json("{$set: {'a.b': 2}}")).apply(doc, false, NOW);
    assertThat(doc).isEqualTo(json("{_id: 1, a: {b: 1}}"));
    assertThat(r.modified()).isTrue();
    Update.Result same = Update.compile(json("{$set: {'a.b': 1}}")).apply(doc, false, NOW);
    assertThat(same.modified()).isFalse();
  }

  @Test
  void unsetRemovesFieldsAndNullsArrayElements() {
    assertApplies("{_id: 1, a: 1, b: 2}", "{$unset: {a: ''}}", "{_id: 1, b: 2}");
    assertApplies("{_id: 1, a: {b: 1, c: 2}}", "{$unset: {'a.b': 1}}", "{_id: 1, a: {c: 2}}");
    assertApplies("{_id: 1, a: [1, 2]}", "{$unset: {'a.0': 1}}", "{_id: 1, a: [null, 2]}");
    assertApplies("{_id: 1}", "{$unset: {'x.y': 1}}", "{_id: 1}");
  }

  @Test
  void incAddsWithTypePromotionAndCreatesMissingFields() {
    assertApplies("{_id: 1, a: 1}", "{$inc: {a: 2}}", "{_id: 1, a: 3}");
    assertApplies("{_id: 1, a: 1}", "{$inc: {a: 0.5}}", "{_id: 1, a: 1.5}");
    assertApplies("{_id: 1}", "{$inc: {a: -2}}", "{_id: 1, a: -2}");
    assertApplies(
        "{_id: 1, a: 2147483647}", "{$inc: {a: 1}}", "{_id: 1, a: {$numberLong: '2147483648'}}");
    assertApplies(
        "{_id: 1, a: {$numberLong: '5'}}", "{$inc: {a: 1}}", "{_id: 1, a: {$numberLong: '6'}}");
  }

  @Test
  void incOnNonNumberIsTypeMismatch() {
    assertThat(errorCode("{_id: 1, a: 'x'}", "{$inc: {a: 1}}")).isEqualTo(14);
    assertThat(errorCode("{_id: 1}", "{$inc: {a: 'x'}}")).isEqualTo(14);
    assertThat(errorCode("{_id: 1, a: {$numberLong: '9223372036854775807'}}", "{$inc: {a: 1}}"))
        .isEqualTo(2);
  }

  @Test
  void mulMultipliesAndSetsZeroWhenMissing() {
    assertApplies("{_id: 1, a: 3}", "{$mul: {a: 4}}", "{_id: 1, a: 12}");
    assertApplies("{_id: 1, a: 3}", "{$mul: {a: 0.5}}", "{_id: 1, a: 1.5}");
    assertApplies("{_id: 1}", "{$mul: {a: 4}}", "{_id: 1, a: 0}");
    assertApplies("{_id: 1}", "{$mul: {a: 2.5}}", "{_id: 1, a: 0.0}");
  }

  @Test
  void minAndMaxReplaceOnlyWhenBeyondCurrent() {
    assertApplies("{_id: 1, a: 5}", "{$min: {a: 3}}", "{_id: 1, a: 3}");
    assertApplies("{_id: 1, a: 5}", "{$min: {a: 7}}", "{_id: 1, a: 5}");
    assertApplies("{_id: 1, a: 5}", "{$max: {a: 7}}", "{_id: 1, a: 7}");
    assertApplies("{_id: 1}", "{$max: {a: 7}}", "{_id: 1, a: 7}");
    // across types BsonOrder applies: any string is above any number
    assertApplies("{_id: 1, a: 5}", "{$max: {a: 'x'}}", "{_id: 1, a: 'x'}");
  }

  @Test
  void renameMovesFieldToTheEnd() {
    assertApplies("{_id: 1, a: 1, b: 2}", "{$rename: {a: 'c'}}", "{_id: 1, b: 2, c: 1}");
    assertApplies("{_id: 1, a: {b: 1}}", "{$rename: {'a.b': 'x.y'}}", "{_id: 1, a: {}, x: {y: 1}}");
    assertApplies("{_id: 1, b: 2}", "{$rename: {a: 'c'}}", "{_id: 1, b: 2}");
    assertApplies("{_id: 1, a: 1, c: 2}", "{$rename: {a: 'c'}}", "{_id: 1, c: 1}");
    assertThat(errorCode("{_id: 1}", "{$rename: {a: 'a'}}")).isEqualTo(2);
    assertThat(errorCode("{_id: 1}", "{$rename: {a: 5}}")).isEqualTo(2);
    assertThat(errorCode("{_id: 1, a: [{b: 1}]}", "{$rename: {'a.0.b': 'c'}}")).isEqualTo(2);
  }

  @Test
  void pushAppendsAndCreatesArrays() {
    assertApplies("{_id: 1, a: [1]}", "{$push: {a: 2}}", "{_id: 1, a: [1, 2]}");
    assertApplies("{_id: 1}", "{$push: {a: 2}}", "{_id: 1, a: [2]}");
    assertApplies("{_id: 1, a: [1]}", "{$push: {a: [2, 3]}}", "{_id: 1, a: [1, [2, 3]]}");
    assertThat(errorCode("{_id: 1, a: 1}", "{$push: {a: 2}}")).isEqualTo(2);
  }

  @Test
  void pushModifiersApplyPositionThenSortThenSlice() {
    assertApplies("{_id: 1, a: [1]}", "{$push: {a: {$each: [2, 3]}}}", "{_id: 1, a: [1, 2, 3]}");
    assertApplies(
        "{_id: 1, a: [1, 2]}",
        "{$push: {a: {$each: [9], $position: 0}}}",
        "{_id: 1, a: [9, 1, 2]}");
    assertApplies(
        "{_id: 1, a: [1, 2, 3]}",
        "{$push: {a: {$each: [9], $position: -1}}}",
        "{_id: 1, a: [1, 2, 9, 3]}");
    assertApplies(
        "{_id: 1, a: [5, 1]}",
        "{$push: {a: {$each: [3], $sort: 1, $slice: 2}}}",
        "{_id: 1, a: [1, 3]}");
    assertApplies(
        "{_id: 1, a: [5, 1]}", "{$push: {a: {$each: [3], $slice: -2}}}", "{_id: 1, a: [1, 3]}");
    assertApplies(
        "{_id: 1, a: [{s: 2}, {s: 1}]}",
        "{$push: {a: {$each: [{s: 3}], $sort: {s: -1}}}}",
        "{_id: 1, a: [{s: 3}, {s: 2}, {s: 1}]}");
    assertApplies("{_id: 1, a: [1, 2]}", "{$push: {a: {$each: [], $slice: 0}}}", "{_id: 1, a: []}");
    assertThat(errorCode("{_id: 1}", "{$push: {a: {$each: 1}}}")).isEqualTo(2);
    assertThat(errorCode("{_id: 1}", "{$push: {a: {$each: [1], $sort: 2}}}")).isEqualTo(2);
  }

  @Test
  void addToSetAddsOnlyMissingValues() {
    assertApplies("{_id: 1, a: [1, 2]}", "{$addToSet: {a: 2}}", "{_id: 1, a: [1, 2]}");
    assertApplies("{_id: 1, a: [1, 2]}", "{$addToSet: {a: 2.0}}", "{_id: 1, a: [1, 2]}");
    assertApplies(
        "{_id: 1, a: [1]}", "{$addToSet: {a: {$each: [1, 3, 3]}}}", "{_id: 1, a: [1, 3]}");
    assertApplies("{_id: 1}", "{$addToSet: {a: 'x'}}", "{_id: 1, a: ['x']}");
    assertThat(errorCode("{_id: 1, a: 5}", "{$addToSet: {a: 1}}")).isEqualTo(2);
  }

  @Test
  void pullRemovesByValueOrCondition() {
    assertApplies("{_id: 1, a: [1, 2, 1, 3]}", "{$pull: {a: 1}}", "{_id: 1, a: [2, 3]}");
    assertApplies("{_id: 1, a: [1, 5, 7]}", "{$pull: {a: {$gte: 5}}}", "{_id: 1, a: [1]}");
    assertApplies(
        "{_id: 1, a: [{b: 1, c: 1}, {b: 2}]}", "{$pull: {a: {b: 1}}}", "{_id: 1, a: [{b: 2}]}");
    assertApplies(
        "{_id: 1, a: ['apple', 'berry']}",
        "{$pull: {a: {$in: ['apple']}}}",
        "{_id: 1, a: ['berry']}");
    assertApplies("{_id: 1}", "{$pull: {a: 1}}", "{_id: 1}");
    assertThat(errorCode("{_id: 1, a: 5}", "{$pull: {a: 1}}")).isEqualTo(2);
  }

  @Test
  void pullAllRemovesEveryListedValue() {
    assertApplies(
        "{_id: 1, a: [0, 2, 5, 5, 1, 0]}", "{$pullAll: {a: [0, 5]}}", "{_id: 1, a: [2, 1]}");
    assertThat(errorCode("{_id: 1, a: [1]}", "{$pullAll: {a: 1}}")).isEqualTo(2);
  }

  @Test
  void popRemovesFirstOrLast() {
    assertApplies("{_id: 1, a: [1, 2, 3]}", "{$pop: {a: 1}}", "{_id: 1, a: [1, 2]}");
    assertApplies("{_id: 1, a: [1, 2, 3]}", "{$pop: {a: -1}}", "{_id: 1, a: [2, 3]}");
    assertApplies("{_id: 1, a: []}", "{$pop: {a: 1}}", "{_id: 1, a: []}");
    assertThat(errorCode("{_id: 1, a: [1]}", "{$pop: {a: 2}}")).isEqualTo(9);
    assertThat(errorCode("{_id: 1, a: 1}", "{$pop: {a: 1}}")).isEqualTo(14);
  }

  @Test
  void currentDateWritesTheGivenTime() {
    assertApplies(
        "{_id: 1}",
        "{$currentDate: {a: true, b: {$type: 'date'}}}",
        "{_id: 1, a: {$date: 1700000000123}, b: {$date: 1700000000123}}");
    BsonDocument out = apply("{_id: 1}", "{$currentDate: {t: {$type: 'timestamp'}}}");
    assertThat(out.getTimestamp("t").getTime()).isEqualTo(1_700_000_000);
    assertThat(errorCode("{_id: 1}", "{$currentDate: {a: {$type: 'x'}}}")).isEqualTo(2);
  }

  @Test
  void setOnInsertAppliesOnlyToUpsertInserts() {
    Update u = Update.compile(json("{$set: {a: 1}, $setOnInsert: {b: 2}}"));
    assertThat(u.apply(json("{_id: 1}"), false, NOW).document()).isEqualTo(json("{_id: 1, a: 1}"));
    assertThat(u.apply(json("{_id: 1}"), true, NOW).document())
        .isEqualTo(json("{_id: 1, a: 1, b: 2}"));
  }

  @Test
  void changingIdIsImmutableField() {
    assertThat(errorCode("{_id: 1}", "{$set: {_id: 2}}")).isEqualTo(66);
    assertThat(errorMessage("{_id: 1}", "{$set: {_id: 2}}"))
        .isEqualTo("Performing an update on the path '_id' would modify the immutable field '_id'");
    assertThat(errorCode("{_id: 1}", "{$unset: {_id: 1}}")).isEqualTo(66);
    assertThat(errorCode("{_id: {a: 1}}", "{$set: {'_id.a': 2}}")).isEqualTo(66);
    assertApplies("{_id: 1, a: 1}", "{$set: {_id: 1, a: 2}}", "{_id: 1, a: 2}");
  }

  @Test
  void conflictingPathsAreRejected() {
    assertThat(errorCode("{_id: 1}", "{$set: {a: 1}, $inc: {a: 1}}")).isEqualTo(40);
    assertThat(errorCode("{_id: 1}", "{$set: {'a.b': 1}, $unset: {a: 1}}")).isEqualTo(40);
    assertThat(errorCode("{_id: 1}", "{$set: {a: 1}, $rename: {b: 'a'}}")).isEqualTo(40);
    assertApplies("{_id: 1}", "{$set: {'a.b': 1, 'a.c': 2}}", "{_id: 1, a: {b: 1, c: 2}}");
  }

  @Test
  void malformedUpdateDocumentsFailLikeMongod() {
    assertThat(errorCode("{_id: 1}", "{$set: {a: 1}, b: 2}")).isEqualTo(9);
    assertThat(errorCode("{_id: 1}", "{b: 2, $set: {a: 1}}")).isEqualTo(52);
    assertThat(errorCode("{_id: 1}", "{$foo: {a: 1}}")).isEqualTo(9);
    assertThat(errorCode("{_id: 1}", "{$set: 5}")).isEqualTo(9);
    assertThat(errorCode("{_id: 1}", "{$set: {'a..b': 1}}")).isEqualTo(56);
    assertThat(errorCode("{_id: 1}", "{$set: {'': 1}}")).isEqualTo(56);
  }

  @Test
  void emptyOperatorArgumentIsANoOp() {
    Update.Result r = Update.compile(json("{$set: {}}")).apply(json("{_id: 1}"), false, NOW);
    assertThat(r.modified()).isFalse();
  }

  @Test
  void replacementKeepsIdAndRejectsADifferentOne() {
    Update r = Update.compile(json("{b: 2}"));
    assertThat(r.isReplacement()).isTrue();
    assertThat(r.apply(json("{_id: 1, a: 1}"), false, NOW).document())
        .isEqualTo(json("{_id: 1, b: 2}"));
    assertThat(
            Update.compile(json("{b: 2, _id: 1}"))
                .apply(json("{_id: 1, a: 1}"), false, NOW)
                .document()
                .toJson())
        .isEqualTo(json("{_id: 1, b: 2}").toJson());
    assertThat(errorCode("{_id: 1}", "{_id: 2, b: 1}")).isEqualTo(66);
    assertThat(Update.compile(json("{}")).isReplacement()).isTrue();
    assertThat(Update.compile(json("{$set: {a: 1}}")).isReplacement()).isFalse();
  }

  @Test
  void upsertSeedTakesEqualityConditions() {
    assertThat(
            Update.upsertSeed(
                json("{a: 1, b: {$gt: 2}, c: {$eq: 3}, 'd.e': 4, f: /x/, $or: [{g: 1}]}")))
        .isEqualTo(json("{a: 1, c: 3, d: {e: 4}}"));
    assertThat(Update.upsertSeed(json("{$and: [{a: 1}, {'b.c': 2}], x: {$in: [7]}}")))
        .isEqualTo(json("{a: 1, b: {c: 2}, x: 7}"));
    assertThat(Update.upsertSeed(json("{a: 1, _id: 5}")).getFirstKey()).isEqualTo("_id");
  }

  @Test
  void upsertAppliesUpdateToSeed() {
    BsonDocument seed = Update.upsertSeed(json("{_id: 7, a: 1}"));
    BsonDocument out =
        Update.compile(json("{$inc: {n: 1}, $setOnInsert: {created: true}}"))
            .apply(seed, true, NOW)
            .document();
    assertThat(out).isEqualTo(json("{_id: 7, a: 1, created: true, n: 1}"));
  }
}
