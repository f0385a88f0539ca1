package dev.starling.node.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.error.MongoServerException;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class ProjectionTest {
  static BsonDocument json(String s) {
    return BsonDocument.parse(s);
  }

  private static String project(String spec, String doc) {
    return Projection.compile(json(spec)).apply(json(doc)).toJson();
  }

  private static String j(String s) {
    return json(s).toJson();
  }

  private static int errorCode(String spec) {
    try {
      Projection.compile(json(spec));
    } catch (MongoServerException e) {
      return e.code();
    }
    throw new AssertionError("no error for " + spec);
  }

  @Test
  void emptySpecReturnsDocumentUnchanged() {
    assertThat(project("{}", "{_id: 1, a: 1}")).isEqualTo(j("{_id: 1, a: 1}"));
  }

  @Test
  void inclusionKeepsIdAndListedFieldsInDocumentOrder() {
    assertThat(project("{b: 1, a: 1}", "{_id: 1, a: 1, b: 2, c: 3}"))
        .isEqualTo(j("{_id: 1, a: 1, b: 2}"));
    assertThat(project("{a: 1, _id: 0}", "{_id: 1, a: 1, b: 2}")).isEqualTo(j("{a: 1}"));
    assertThat(project("{a: true}", "{_id: 1, b: 2}")).isEqualTo(j("{_id: 1}"));
    assertThat(project("{_id: 1}", "{_id: 1, b: 2}")).isEqualTo(j("{_id: 1}"));
  }

  @Test
  void exclusionDropsListedFields() {
    assertThat(project("{a: 0}", "{_id: 1, a: 1, b: 2}")).isEqualTo(j("{_id: 1, b: 2}"));
    assertThat(project("{_id: 0}", "{_id: 1, a: 1}")).isEqualTo(j("{a: 1}"));
    assertThat(project("{a: false, _id: 0}", "{_id: 1, a: 1, b: 2}")).isEqualTo(j("{b: 2}"));
  }

  @Test
  void mixingInclusionAndExclusionFails() {
    assertThat(errorCode("{a: 1, b: 0}")).isEqualTo(31254);
    assertThat(errorCode("{a: 0, b: 1}")).isEqualTo(31253);
  }

  @Test
  void pathCollisionFails() {
    assertThat(errorCode("{a: 1, 'a.b': 1}")).isEqualTo(31250);
    assertThat(errorCode("{'a.b': 1, a: 1}")).isEqualTo(31250);
  }

  @Test
  void dottedInclusionThroughSubDocumentsAndArrays() {
    assertThat(project("{'a.b': 1}", "{_id: 1, a: {b: 1, c: 2}, d: 3}"))
        .isEqualTo(j("{_id: 1, a: {b: 1}}"));
    assertThat(project("{'a.b': 1}", "{_id: 1, a: [{b: 1, c: 2}, {c: 3}, 5]}"))
        .isEqualTo(j("{_id: 1, a: [{b: 1}, {}]}"));
    assertThat(project("{'a.b': 1}", "{_id: 1, a: 5}")).isEqualTo(j("{_id: 1}"));
    assertThat(project("{a: {b: 1}}", "{_id: 1, a: {b: 1, c: 2}}"))
        .isEqualTo(j("{_id: 1, a: {b: 1}}"));
  }

  @Test
  void dottedExclusionThroughSubDocumentsAndArrays() {
    assertThat(project("{'a.b': 0}", "{_id: 1, a: {b: 1, c: 2}}"))
        .isEqualTo(j("{_id: 1, a: {c: 2}}"));
    assertThat(project("{'a.b': 0}", "{_id: 1, a: [{b: 1, c: 2}, 5]}"))
        .isEqualTo(j("{_id: 1, a: [{c: 2}, 5]}"));
  }

  @Test
  void sliceLimitsArraysAndKeepsOtherFields() {
    assertThat(project("{a: {$slice: 2}}", "{_id: 1, a: [1, 2, 3], b: 1}"))
        .isEqualTo(j("{_id: 1, a: [1, 2], b: 1}"));
    assertThat(project("{a: {$slice: -2}}", "{_id: 1, a: [1, 2, 3]}"))
        .isEqualTo(j("{_id: 1, a: [2, 3]}"));
    assertThat(project("{a: {$slice: [1, 1]}}", "{_id: 1, a: [1, 2, 3]}"))
        .isEqualTo(j("{_id: 1, a: [2]}"));
    assertThat(project("{a: {$slice: [-2, 5]}}", "{_id: 1, a: [1, 2, 3]}"))
        .isEqualTo(j("{_id: 1, a: [2, 3]}"));
    assertThat(project("{b: 1, a: {$slice: 1}}", "{_id: 1, a: [1, 2], b: 2, c: 3}"))
        .isEqualTo(j("{_id: 1, a: [1], b: 2}"));
    assertThat(project("{a: {$slice: 1}}", "{_id: 1, a: 'x'}")).isEqualTo(j("{_id: 1, a: 'x'}"));
  }

  @Test
  void elemMatchReturnsFirstMatchingElementOnly() {
    String doc = "{_id: 1, s: [{n: 'a', g: 1}, {n: 'b', g: 2}, {n: 'c', g: 2}], z: 1}";
    assertThat(project("{s: {$elemMatch: {g: 2}}}", doc))
        .isEqualTo(j("{_id: 1, s: [{n: 'b', g: 2}]}"));
    assertThat(project("{s: {$elemMatch: {g: 3}}}", doc)).isEqualTo(j("{_id: 1}"));
  }

  @Test
  void computedFieldsAreEvaluated() {
    assertThat(project("{x: '$a.b', a: 1}", "{_id: 1, a: {b: 5}}"))
        .isEqualTo(j("{_id: 1, a: {b: 5}, x: 5}"));
    assertThat(project("{x: {$add: ['$n', 1]}, _id: 0}", "{_id: 1, n: 1}")).isEqualTo(j("{x: 2}"));
    assertThat(project("{x: {$literal: 1}}", "{_id: 1}")).isEqualTo(j("{_id: 1, x: 1}"));
  }

  @Test
  void applyDoesNotMutateInput() {
    BsonDocument doc = json("{_id: 1, a: {b: 1, c: 2}}");
    Projection.compile(json("{'a.b': 0}")).apply(doc);
    assertThat(doc).isEqualTo(json("{_id: 1, a: {b: 1, c: 2}}"));
  }
}
