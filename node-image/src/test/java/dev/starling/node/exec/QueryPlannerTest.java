package dev.starling.node.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.IndexMeta;
import java.util.List;
import java.util.UUID;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class QueryPlannerTest {
  static final IndexMeta BY_N = new IndexMeta("n_1", json("{n: 1}"), false, false, 10, false);
  static final IndexMeta BY_A_B =
      new IndexMeta("a_1_b_-1", json("{a: 1, b: -1}"), false, false, 11, false);
  static final CollectionMeta COLLECTION =
      new CollectionMeta(
          "test", "c", UUID.randomUUID(), 1, new BsonDocument(), List.of(BY_N, BY_A_B));

  @Test
  void idEqualityIsAPointLookup() {
    assertThat(QueryPlanner.plan(COLLECTION, json("{_id: 5, n: 1}"), null).kind())
        .isEqualTo(QueryPlan.Kind.IDHACK);
  }

  @Test
  void rangeOnAnIndexedFieldUsesThatIndex() {
    QueryPlan plan = QueryPlanner.plan(COLLECTION, json("{n: {$gte: 5, $lt: 10}}"), null);
    assertThat(plan.kind()).isEqualTo(QueryPlan.Kind.IXSCAN);
    assertThat(plan.index().name()).isEqualTo("n_1");
    BsonDocument explained = plan.explain(json("{}"));
    assertThat(
            explained
                .getDocument("inputStage")
                .getDocument("indexBounds")
                .getArray("n")
                .get(0)
                .asString()
                .getValue())
        .isEqualTo("[5, 10)");
  }

  @Test
  void andClausesOnOneFieldCombineIntoOneRange() {
    QueryPlan plan =
        QueryPlanner.plan(COLLECTION, json("{$and: [{n: {$gte: 5}}, {n: {$lt: 10}}]}"), null);
    assertThat(plan.index().name()).isEqualTo("n_1");
    assertThat(
            plan.explain(json("{}"))
                .getDocument("inputStage")
                .getDocument("indexBounds")
                .getArray("n")
                .get(0)
                .asString()
                .getValue())
        .isEqualTo("[5, 10)");
    assertThat(QueryPlanner.plan(COLLECTION, json("{$and: [{_id: 3}, {n: 1}]}"), null).kind())
        .isEqualTo(QueryPlan.Kind.IDHACK);
  }

  @Test
  void equalityOnMoreLeadingFieldsWins() {
    QueryPlan plan = QueryPlanner.plan(COLLECTION, json("{a: 1, b: 2, n: {$gt: 0}}"), null);
    assertThat(plan.index().name()).isEqualTo("a_1_b_-1");
  }

  @Test
  void unindexedFilterScansTheCollection() {
    assertThat(QueryPlanner.plan(COLLECTION, json("{z: 1}"), null).kind())
        .isEqualTo(QueryPlan.Kind.COLLSCAN);
    assertThat(QueryPlanner.plan(COLLECTION, json("{b: 1}"), null).kind())
        .as("a non-leading field of a compound index")
        .isEqualTo(QueryPlan.Kind.COLLSCAN);
    assertThat(QueryPlanner.plan(COLLECTION, json("{n: {$regex: 'x'}}"), null).kind())
        .isEqualTo(QueryPlan.Kind.COLLSCAN);
  }

  @Test
  void hintForcesTheIndexOrACollectionScan() {
    assertThat(
            QueryPlanner.plan(COLLECTION, json("{}"), new org.bson.BsonString("n_1"))
                .index()
                .name())
        .isEqualTo("n_1");
    assertThat(QueryPlanner.plan(COLLECTION, json("{n: 1}"), json("{$natural: 1}")).kind())
        .isEqualTo(QueryPlan.Kind.COLLSCAN);
  }

  @Test
  void multikeyIndexBoundsOnlyOneSideOfARange() {
    IndexMeta multikey = new IndexMeta("n_1", json("{n: 1}"), false, false, 10, true);
    List<List<Interval>> bounds =
        Bounds.forIndex(json("{n: {$gt: 5, $lt: 10}}"), multikey.key(), true);
    assertThat(bounds.get(0).get(0).high()).isNull();
    assertThat(bounds.get(0).get(0).low().asInt32().getValue()).isEqualTo(5);
  }

  @Test
  void sparseIndexIsNotUsedForNullWhichMatchesMissingFields() {
    IndexMeta sparse = new IndexMeta("s_1", json("{s: 1}"), false, true, 12, false);
    CollectionMeta c =
        new CollectionMeta("test", "c", UUID.randomUUID(), 1, new BsonDocument(), List.of(sparse));
    assertThat(QueryPlanner.plan(c, json("{s: null}"), null).kind())
        .isEqualTo(QueryPlan.Kind.COLLSCAN);
    assertThat(QueryPlanner.plan(c, json("{s: {$in: [1, null]}}"), null).kind())
        .isEqualTo(QueryPlan.Kind.COLLSCAN);
    assertThat(QueryPlanner.plan(c, json("{s: 5}"), null).kind()).isEqualTo(QueryPlan.Kind.IXSCAN);
  }

  @Test
  void repeatedInValuesBecomeOnePointEach() {
    List<List<Interval>> bounds =
        Bounds.forIndex(json("{n: {$in: [1, 1, {$numberLong: '1'}, 2]}}"), BY_N.key(), false);
    assertThat(bounds.get(0)).hasSize(2);
  }

  @Test
  void missingCollectionIsEof() {
    assertThat(QueryPlanner.plan(null, json("{}"), null).kind()).isEqualTo(QueryPlan.Kind.EOF);
  }

  static BsonDocument json(String s) {
    return BsonDocument.parse(s);
  }
}
