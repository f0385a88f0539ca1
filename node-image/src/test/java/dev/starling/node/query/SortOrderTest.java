package dev.starling.node.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class SortOrderTest {
  static BsonDocument json(String s) {
    return BsonDocument.parse(s);
  }

  private static List<Integer> sortedIds(String spec, String... docs) {
    List<BsonDocument> list = new ArrayList<>();
    for (String d : docs) {
      list.add(json(d));
    }
    list.sort(SortOrder.compile(json(spec)));
    return list.stream().map(d -> d.getInt32("_id").getValue()).toList();
  }

  @Test
  void sortsAscendingAndDescendingAcrossTypes() {
    String[] docs = {"{_id: 1, a: 'x'}", "{_id: 2, a: 5}", "{_id: 3, a: null}", "{_id: 4, a: 2.5}"};
    assertThat(sortedIds("{a: 1}", docs)).containsExactly(3, 4, 2, 1);
    assertThat(sortedIds("{a: -1}", docs)).containsExactly(1, 2, 4, 3);
  }

  @Test
  void missingSortsAsNull() {
    assertThat(sortedIds("{a: 1, _id: 1}", "{_id: 1, a: 1}", "{_id: 2}", "{_id: 3, a: null}"))
        .containsExactly(2, 3, 1);
  }

  @Test
  void arraysSortByMinAscendingAndMaxDescending() {
    String[] docs = {"{_id: 1, a: [1, 10]}", "{_id: 2, a: 5}", "{_id: 3, a: [3, 4]}"};
    assertThat(sortedIds("{a: 1}", docs)).containsExactly(1, 3, 2);
    assertThat(sortedIds("{a: -1}", docs)).containsExactly(1, 2, 3);
  }

  @Test
  void emptyArraySortsBeforeNull() {
    assertThat(sortedIds("{a: 1}", "{_id: 1, a: null}", "{_id: 2, a: []}", "{_id: 3, a: 0}"))
        .containsExactly(2, 1, 3);
  }

  @Test
  void compoundAndDottedKeys() {
    String[] docs = {
      "{_id: 1, a: {b: 2}, c: 1}", "{_id: 2, a: {b: 1}, c: 1}", "{_id: 3, a: {b: 1}, c: 2}"
    };
    assertThat(sortedIds("{c: -1, 'a.b': 1}", docs)).containsExactly(3, 2, 1);
    assertThat(sortedIds("{'a.b': 1, c: -1}", docs)).containsExactly(3, 2, 1);
    assertThat(sortedIds("{'a.b': 1, c: 1}", docs)).containsExactly(2, 3, 1);
  }

  @Test
  void dottedPathThroughArrayOfDocuments() {
    assertThat(sortedIds("{'a.b': 1}", "{_id: 1, a: [{b: 5}, {b: 3}]}", "{_id: 2, a: [{b: 4}]}"))
        .containsExactly(1, 2);
  }

  @Test
  void naturalAndEmptySpecsKeepInputOrder() {
    assertThat(sortedIds("{$natural: 1}", "{_id: 2}", "{_id: 1}")).containsExactly(2, 1);
    assertThat(sortedIds("{}", "{_id: 2}", "{_id: 1}")).containsExactly(2, 1);
  }

  @Test
  void invalidDirectionsAreRejected() {
    assertThatThrownBy(() -> SortOrder.compile(json("{a: 2}")))
        .isInstanceOf(MongoServerException.class)
        .hasMessageContaining("$sort key ordering must be 1");
    assertThatThrownBy(() -> SortOrder.compile(json("{a: 'asc'}")))
        .isInstanceOf(MongoServerException.class);
    assertThatThrownBy(() -> SortOrder.compile(json("{a: 0}")))
        .isInstanceOf(MongoServerException.class);
  }
}
