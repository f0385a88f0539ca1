package dev.starling.node.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class PipelineTest {
  static BsonDocument json(String s) {
    return BsonDocument.parse(s);
  }

  private static List<BsonDocument> docs(String... docs) {
    List<BsonDocument> out = new ArrayList<>();
    for (String d : docs) {
      out.add(json(d));
    }
    return out;
  }

  private static BsonArray stages(String pipeline) {
    return BsonArray.parse(pipeline);
  }

  private static List<String> run(String pipeline, String... input) {
    return Pipeline.compile(stages(pipeline)).run(docs(input).iterator()).stream()
        .map(BsonDocument::toJson)
        .toList();
  }

  private static List<String> expected(String... docs) {
    return docs(docs).stream().map(BsonDocument::toJson).toList();
  }

  private static int errorCode(String pipeline) {
    try {
      Pipeline.compile(stages(pipeline));
    } catch (MongoServerException e) {
      return e.code();
    }
    throw new AssertionError("no error for " + pipeline);
  }

  private static final String[] SALES = {
    "{_id: 1, item: 'a', qty: 2, price: 10}",
    "{_id: 2, item: 'b', qty: 1, price: 20}",
    "{_id: 3, item: 'a', qty: 5, price: 10}",
    "{_id: 4, item: 'c', qty: 10, price: 1}"
  };

  @Test
  void matchSortSkipLimit() {
    assertThat(
            run(
                "[{$match: {price: {$lte: 10}}}, {$sort: {qty: -1}}, {$skip: 1}, {$limit: 1}]",
                SALES))
        .isEqualTo(expected("{_id: 3, item: 'a', qty: 5, price: 10}"));
  }

  @Test
  void limitStopsPullingInputEarly() {
    int[] pulled = {0};
    Iterator<BsonDocument> endless =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public BsonDocument next() {
            return new BsonDocument("n", new org.bson.BsonInt32(pulled[0]++));
          }
        };
    List<BsonDocument> out = Pipeline.compile(stages("[{$match: {}}, {$limit: 3}]")).run(endless);
    assertThat(out).hasSize(3);
    assertThat(pulled[0]).isEqualTo(3);
  }

  @Test
  void groupWithAccumulators() {
    assertThat(
            run(
                "[{$group: {_id: '$item', total: {$sum: {$multiply: ['$qty', '$price']}},"
                    + " n: {$sum: 1}, avgQty: {$avg: '$qty'}, maxQty: {$max: '$qty'},"
                    + " minQty: {$min: '$qty'}, first: {$first: '$_id'}, last: {$last: '$_id'},"
                    + " ids: {$push: '$_id'}, prices: {$addToSet: '$price'}, c: {$count: {}}}},"
                    + " {$sort: {_id: 1}}]",
                SALES))
        .isEqualTo(
            expected(
                "{_id: 'a', total: 70, n: 2, avgQty: 3.5, maxQty: 5, minQty: 2, first: 1, last: 3,"
                    + " ids: [1, 3], prices: [10], c: 2}",
                "{_id: 'b', total: 20, n: 1, avgQty: 1.0, maxQty: 1, minQty: 1, first: 2, last: 2,"
                    + " ids: [2], prices: [20], c: 1}",
                "{_id: 'c', total: 10, n: 1, avgQty: 10.0, maxQty: 10, minQty: 10, first: 4, last:"
                    + " 4, ids: [4], prices: [1], c: 1}"));
  }

  @Test
  void groupByNullAndByDocumentKey() {
    assertThat(run("[{$group: {_id: null, n: {$sum: '$qty'}}}]", SALES))
        .isEqualTo(expected("{_id: null, n: 18}"));
    assertThat(
            run(
                "[{$group: {_id: {i: '$item', p: '$price'}, n: {$sum: 1}}}, {$sort: {n: -1}},"
                    + " {$limit: 1}]",
                SALES))
        .isEqualTo(expected("{_id: {i: 'a', p: 10}, n: 2}"));
  }

  @Test
  void groupTreatsEqualNumbersAndMissingAsOneGroup() {
    assertThat(
            run("[{$group: {_id: '$k', n: {$sum: 1}}}]", "{k: 1}", "{k: 1.0}", "{}", "{k: null}"))
        .isEqualTo(expected("{_id: 1, n: 2}", "{_id: null, n: 2}"));
  }

  @Test
  void groupAccumulatorsIgnoreNonNumbersAndNulls() {
    assertThat(
            run(
                "[{$group: {_id: 1, s: {$sum: '$v'}, a: {$avg: '$v'}, m: {$min: '$v'}}}]",
                "{v: 'x'}",
                "{v: null}",
                "{}"))
        .isEqualTo(expected("{_id: 1, s: 0, a: null, m: 'x'}"));
  }

  @Test
  void groupErrors() {
    assertThat(errorCode("[{$group: {n: {$sum: 1}}}]")).isEqualTo(15955);
    assertThat(errorCode("[{$group: {_id: 1, n: {$foo: 1}}}]")).isEqualTo(15952);
    assertThat(errorCode("[{$group: {_id: 1, n: 5}}]")).isEqualTo(40234);
    assertThat(errorCode("[{$group: {_id: 1, 'a.b': {$sum: 1}}}]")).isEqualTo(40235);
  }

  @Test
  void projectIncludesExcludesAndComputes() {
    assertThat(run("[{$project: {item: 1, total: {$multiply: ['$qty', '$price']}}}]", SALES[0]))
        .isEqualTo(expected("{_id: 1, item: 'a', total: 20}"));
    assertThat(run("[{$project: {qty: 0, price: 0}}]", SALES[0]))
        .isEqualTo(expected("{_id: 1, item: 'a'}"));
    assertThat(run("[{$project: {_id: 0, item: 1}}]", SALES[0])).isEqualTo(expected("{item: 'a'}"));
    assertThat(errorCode("[{$project: {}}]")).isEqualTo(51272);
    assertThat(errorCode("[{$project: {a: 1, b: 0}}]")).isEqualTo(31254);
  }

  @Test
  void addFieldsAndSetMergeComputedFields() {
    assertThat(run("[{$addFields: {total: {$multiply: ['$qty', '$price']}, qty: 0}}]", SALES[0]))
        .isEqualTo(expected("{_id: 1, item: 'a', qty: 0, price: 10, total: 20}"));
    assertThat(run("[{$set: {'s.f': 'x'}}]", "{_id: 1, s: {a: 1}}"))
        .isEqualTo(expected("{_id: 1, s: {a: 1, f: 'x'}}"));
    assertThat(run("[{$addFields: {s: {f: 'x'}}}]", "{_id: 1, s: {a: 1}}"))
        .isEqualTo(expected("{_id: 1, s: {a: 1, f: 'x'}}"));
    assertThat(run("[{$addFields: {'a.b': 1}}]", "{_id: 1, a: [{c: 1}, {c: 2}]}"))
        .isEqualTo(expected("{_id: 1, a: [{c: 1, b: 1}, {c: 2, b: 1}]}"));
    assertThat(run("[{$set: {a: '$$REMOVE'}}]", "{_id: 1, a: 1, b: 2}"))
        .isEqualTo(expected("{_id: 1, b: 2}"));
  }

  @Test
  void unsetRemovesFields() {
    assertThat(run("[{$unset: 'qty'}]", SALES[0]))
        .isEqualTo(expected("{_id: 1, item: 'a', price: 10}"));
    assertThat(run("[{$unset: ['qty', 'price']}]", SALES[0]))
        .isEqualTo(expected("{_id: 1, item: 'a'}"));
  }

  @Test
  void countStage() {
    assertThat(run("[{$match: {item: 'a'}}, {$count: 'n'}]", SALES)).isEqualTo(expected("{n: 2}"));
    assertThat(run("[{$match: {item: 'z'}}, {$count: 'n'}]", SALES)).isEmpty();
    assertThat(errorCode("[{$count: ''}]")).isEqualTo(40156);
    assertThat(errorCode("[{$count: '$n'}]")).isEqualTo(40158);
    assertThat(errorCode("[{$count: 'a.b'}]")).isEqualTo(40160);
  }

  @Test
  void unwindStringForm() {
    assertThat(
            run(
                "[{$unwind: '$a'}]",
                "{_id: 1, a: [1, 2]}",
                "{_id: 2, a: []}",
                "{_id: 3}",
                "{_id: 4, a: 5}"))
        .isEqualTo(expected("{_id: 1, a: 1}", "{_id: 1, a: 2}", "{_id: 4, a: 5}"));
    assertThat(errorCode("[{$unwind: 'a'}]")).isEqualTo(28818);
  }

  @Test
  void unwindDocumentFormWithIndexAndPreserve() {
    assertThat(
            run(
                "[{$unwind: {path: '$a', includeArrayIndex: 'i', preserveNullAndEmptyArrays:"
                    + " true}}]",
                "{_id: 1, a: ['x', 'y']}",
                "{_id: 2, a: []}",
                "{_id: 3, a: null}",
                "{_id: 4}"))
        .isEqualTo(
            expected(
                "{_id: 1, a: 'x', i: {$numberLong: '0'}}",
                "{_id: 1, a: 'y', i: {$numberLong: '1'}}",
                "{_id: 2, a: [], i: null}",
                "{_id: 3, a: null, i: null}",
                "{_id: 4, i: null}"));
    assertThat(run("[{$unwind: '$a.b'}]", "{_id: 1, a: {b: [1, 2]}}"))
        .isEqualTo(expected("{_id: 1, a: {b: 1}}", "{_id: 1, a: {b: 2}}"));
  }

  @Test
  void replaceRootAndReplaceWith() {
    assertThat(run("[{$replaceRoot: {newRoot: '$inner'}}]", "{_id: 1, inner: {x: 1}}"))
        .isEqualTo(expected("{x: 1}"));
    assertThat(run("[{$replaceWith: {a: '$_id'}}]", "{_id: 1, inner: {x: 1}}"))
        .isEqualTo(expected("{a: 1}"));
    Pipeline p = Pipeline.compile(stages("[{$replaceRoot: {newRoot: '$x'}}]"));
    try {
      p.run(docs("{x: 1}").iterator());
      throw new AssertionError("expected failure");
    } catch (MongoServerException e) {
      assertThat(e.code()).isEqualTo(40228);
    }
  }

  @Test
  void sortByCountGroupsAndOrdersByCount() {
    assertThat(run("[{$sortByCount: '$item'}]", SALES).get(0))
        .isEqualTo(json("{_id: 'a', count: 2}").toJson());
    assertThat(errorCode("[{$sortByCount: 'item'}]")).isEqualTo(40148);
  }

  @Test
  void unknownAndMalformedStagesFail() {
    assertThat(errorCode("[{$foo: {}}]")).isEqualTo(40324);
    try {
      Pipeline.compile(stages("[{$foo: {}}]"));
    } catch (MongoServerException e) {
      assertThat(e.getMessage()).isEqualTo("Unrecognized pipeline stage name: '$foo'");
    }
    assertThat(errorCode("[{$match: {}, $limit: 1}]")).isEqualTo(40323);
    assertThat(errorCode("[{$limit: 0}]")).isEqualTo(15958);
    assertThat(errorCode("[{$sort: {}}]")).isEqualTo(15976);
    assertThat(errorCode("[{$project: {x: {$foo: 1}}}]")).isEqualTo(168);
  }

  @Test
  void leadingMatchFilterIsExposed() {
    assertThat(Pipeline.compile(stages("[{$match: {a: 1}}, {$limit: 1}]")).leadingMatchFilter())
        .isEqualTo(json("{a: 1}"));
    assertThat(Pipeline.compile(stages("[{$limit: 1}, {$match: {a: 1}}]")).leadingMatchFilter())
        .isNull();
  }

  @Test
  void matchWithExprInPipeline() {
    assertThat(run("[{$match: {$expr: {$gt: ['$qty', 4]}}}, {$project: {_id: 1}}]", SALES))
        .isEqualTo(expected("{_id: 3}", "{_id: 4}"));
  }
}
