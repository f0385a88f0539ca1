package dev.starling.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.WriteObserver;
import dev.starling.node.wire.ClientConnection;
import dev.starling.node.wire.OpCode;
import dev.starling.node.wire.Request;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** $out and $merge through the dispatcher, on a standalone: what they write and refuse. */
class AggregateWritesTest {
  @TempDir Path dir;
  RocksStorageEngine engine;
  CommandDispatcher dispatcher;

  @BeforeEach
  void open() {
    engine = RocksStorageEngine.open(dir, WriteObserver.NONE);
    dispatcher =
        new CommandDispatcher(Commands.registry(), TestNodes.standalone(engine, Clock.systemUTC()));
  }

  @AfterEach
  void close() {
    engine.close();
  }

  private BsonDocument run(String db, String json) {
    return dispatcher.handle(
        new Request(1, OpCode.OP_MSG, db, BsonDocument.parse(json), false, false),
        new ClientConnection(1, null));
  }

  private BsonDocument run(String json) {
    BsonDocument reply = run("test", json);
    return reply;
  }

  private BsonDocument ok(String json) {
    BsonDocument reply = run(json);
    assertThat(reply.getNumber("ok").intValue()).as(reply.toJson()).isEqualTo(1);
    return reply;
  }

  private int code(String json) {
    BsonDocument reply = run(json);
    assertThat(reply.getNumber("ok").intValue()).as(reply.toJson()).isZero();
    return reply.getInt32("code").getValue();
  }

  private List<String> contents(String db, String coll) {
    BsonDocument reply = run(db, "{find: '" + coll + "', sort: {_id: 1}}");
    return reply.getDocument("cursor").getArray("firstBatch").stream()
        .map(BsonValue::asDocument)
        .map(BsonDocument::toJson)
        .toList();
  }

  private List<String> contents(String coll) {
    return contents("test", coll);
  }

  private static List<String> docs(String... json) {
    return java.util.Arrays.stream(json).map(j -> BsonDocument.parse(j).toJson()).toList();
  }

  private List<String> collectionNames(String db) {
    return run(db, "{listCollections: 1}").getDocument("cursor").getArray("firstBatch").stream()
        .map(v -> v.asDocument().getString("name").getValue())
        .sorted()
        .toList();
  }

  private List<String> indexNames(String coll) {
    return run("{listIndexes: '" + coll + "'}")
        .getDocument("cursor")
        .getArray("firstBatch")
        .stream()
        .map(v -> v.asDocument().getString("name").getValue())
        .sorted()
        .toList();
  }

  private void source() {
    ok(
        "{insert: 'src', documents: [{_id: 1, k: 'a', v: 1}, {_id: 2, k: 'b', v: 2}, {_id: 3, k:"
            + " 'c', v: 3}]}");
  }

  private String aggregate(String pipeline) {
    return "{aggregate: 'src', pipeline: " + pipeline + ", cursor: {}}";
  }

  @Test
  void outRepliesWithAnEmptyCursorOnTheSourceNamespace() {
    source();
    BsonDocument cursor = ok(aggregate("[{$out: 'dst'}]")).getDocument("cursor");

    assertThat(cursor.getArray("firstBatch")).isEmpty();
    assertThat(cursor.getNumber("id").longValue()).isZero();
    assertThat(cursor.getString("ns").getValue()).isEqualTo("test.src");
    assertThat(contents("dst"))
        .containsExactlyElementsOf(
            docs("{_id: 1, k: 'a', v: 1}", "{_id: 2, k: 'b', v: 2}", "{_id: 3, k: 'c', v: 3}"));
  }

  @Test
  void outReplacesTheTargetKeepingItsIndexesAndLeavesNoTemporaryCollection() {
    source();
    ok("{insert: 'dst', documents: [{_id: 9, k: 'old'}]}");
    ok("{createIndexes: 'dst', indexes: [{key: {k: 1}, name: 'k_1', unique: true}]}");

    ok(aggregate("[{$match: {v: {$gte: 2}}}, {$project: {k: 1}}, {$out: 'dst'}]"));

    assertThat(contents("dst"))
        .containsExactlyElementsOf(docs("{_id: 2, k: 'b'}", "{_id: 3, k: 'c'}"));
    assertThat(indexNames("dst")).containsExactly("_id_", "k_1");
    assertThat(collectionNames("test")).containsExactly("dst", "src");
  }

  @Test
  void readersSeeTheOldContentsOrTheNewNeverAMix() throws Exception {
    StringBuilder hundred = new StringBuilder("{insert: 'src100', documents: [");
    for (int i = 0; i < 100; i++) {
      hundred.append(i == 0 ? "" : ",").append("{_id: ").append(i).append("}");
    }
    ok(hundred.append("]}").toString());
    ok(
        "{aggregate: 'src100', pipeline: [{$match: {_id: {$lt: 50}}}, {$out: 'src50'}], cursor:"
            + " {}}");
    ok("{aggregate: 'src100', pipeline: [{$out: 'dst'}], cursor: {}}");
    java.util.Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!stop.get()) {
                    seen.add(run("{count: 'dst'}").getNumber("n").longValue());
                  }
                });
    try {
      for (int i = 0; i < 10; i++) {
        ok(
            "{aggregate: 'src"
                + (i % 2 == 0 ? 50 : 100)
                + "', pipeline: [{$out: 'dst'}], cursor: {}}");
      }
    } finally {
      stop.set(true);
      reader.join();
    }
    assertThat(seen).isNotEmpty().isSubsetOf(50L, 100L);
    assertThat(collectionNames("test")).containsExactly("dst", "src100", "src50");
  }

  @Test
  void aFailedOutLeavesTheTargetAsItWasAndDropsItsTemporaryCollection() {
    source();
    ok("{insert: 'dst', documents: [{_id: 9, k: 'old'}]}");
    ok("{createIndexes: 'dst', indexes: [{key: {k: 1}, name: 'k_1', unique: true}]}");

    // Every result has k 'same': the copied unique index refuses the second.
    BsonDocument reply = run(aggregate("[{$set: {k: 'same'}}, {$out: 'dst'}]"));

    assertThat(reply.getInt32("code").getValue()).isEqualTo(11000);
    assertThat(contents("dst")).containsExactlyElementsOf(docs("{_id: 9, k: 'old'}"));
    assertThat(collectionNames("test")).containsExactly("dst", "src");
  }

  @Test
  void outToAnotherDatabaseAndFromAMissingSource() {
    source();
    ok(aggregate("[{$match: {_id: 1}}, {$out: {db: 'other', coll: 'dst'}}]"));
    assertThat(contents("other", "dst")).containsExactlyElementsOf(docs("{_id: 1, k: 'a', v: 1}"));

    // No source: the target is replaced by an empty collection, as mongod does.
    ok("{aggregate: 'missing', pipeline: [{$out: 'dst2'}], cursor: {}}");
    assertThat(collectionNames("test")).contains("dst2");
    assertThat(contents("dst2")).isEmpty();
  }

  @Test
  void outRefusesSystemCollectionsAndInternalDatabases() {
    source();
    assertThat(code(aggregate("[{$out: 'system.x'}]"))).isEqualTo(17385);
    assertThat(code(aggregate("[{$out: {db: 'admin', coll: 'x'}}]"))).isEqualTo(31321);
    assertThat(code(aggregate("[{$out: {db: 'local', coll: 'x'}}]"))).isEqualTo(31321);
    assertThat(code(aggregate("[{$out: {db: 'config', coll: 'x'}}]"))).isEqualTo(31321);
    assertThat(code(aggregate("[{$out: 'a$b'}]"))).isEqualTo(73);
    assertThat(code(aggregate("[{$merge: 'system.x'}]"))).isEqualTo(31319);
    assertThat(code(aggregate("[{$merge: {into: {db: 'admin', coll: 'x'}}}]"))).isEqualTo(31320);
  }

  @Test
  void explainOfAWriteStageWritesNothing() {
    source();
    BsonDocument reply = ok("{aggregate: 'src', pipeline: [{$out: 'dst'}], explain: true}");
    assertThat(
            reply
                .getArray("stages")
                .getValues()
                .getLast()
                .asDocument()
                .getString("$out")
                .getValue())
        .isEqualTo("dst");
    ok("{explain: {aggregate: 'src', pipeline: [{$merge: 'dst'}], cursor: {}}}");
    assertThat(collectionNames("test")).containsExactly("src");
  }

  @Test
  void aWriteAggregateHonoursTheStandalonesWriteConcernRules() {
    source();
    assertThat(
            code("{aggregate: 'src', pipeline: [{$out: 'dst'}], cursor: {}, writeConcern: {w: 2}}"))
        .isEqualTo(2);
    assertThat(collectionNames("test")).containsExactly("src");
    ok("{aggregate: 'src', pipeline: [{$out: 'dst'}], cursor: {}, writeConcern: {w: 1, j: true}}");
    ok(
        "{aggregate: 'src', pipeline: [{$merge: 'dst'}], cursor: {}, bypassDocumentValidation:"
            + " true}");
  }

  @Test
  void mergeDefaultsInsertNewAndSetFieldsOfMatched() {
    source();
    ok("{insert: 'dst', documents: [{_id: 1, k: 'old', extra: true}]}");

    ok(aggregate("[{$merge: 'dst'}]"));

    assertThat(contents("dst"))
        .containsExactlyElementsOf(
            docs(
                "{_id: 1, k: 'a', extra: true, v: 1}",
                "{_id: 2, k: 'b', v: 2}",
                "{_id: 3, k: 'c', v: 3}"));
  }

  @Test
  void mergeReplaceKeepExistingAndDiscard() {
    source();
    ok("{insert: 'dst', documents: [{_id: 1, k: 'old', extra: true}]}");
    ok(aggregate("[{$merge: {into: 'dst', whenMatched: 'replace', whenNotMatched: 'discard'}}]"));
    assertThat(contents("dst")).containsExactlyElementsOf(docs("{_id: 1, k: 'a', v: 1}"));

    ok("{insert: 'dst2', documents: [{_id: 1, k: 'old'}]}");
    ok(aggregate("[{$merge: {into: 'dst2', whenMatched: 'keepExisting'}}]"));
    assertThat(contents("dst2"))
        .containsExactlyElementsOf(
            docs("{_id: 1, k: 'old'}", "{_id: 2, k: 'b', v: 2}", "{_id: 3, k: 'c', v: 3}"));

    // Nothing matches in a target that does not exist, and discarding does not create it.
    ok(aggregate("[{$merge: {into: 'none', whenMatched: 'merge', whenNotMatched: 'discard'}}]"));
    assertThat(collectionNames("test")).doesNotContain("none");
  }

  @Test
  void mergeFailModesWriteTheRestOfTheirBatchAndFailWithMongodsCodes() {
    source();
    ok("{insert: 'dst', documents: [{_id: 2, k: 'taken'}]}");

    BsonDocument reply = run(aggregate("[{$merge: {into: 'dst', whenMatched: 'fail'}}]"));

    assertThat(reply.getInt32("code").getValue()).isEqualTo(11000);
    assertThat(reply.getDocument("keyPattern")).isEqualTo(BsonDocument.parse("{_id: 1}"));
    assertThat(reply.getDocument("keyValue")).isEqualTo(BsonDocument.parse("{_id: 2}"));
    // The batch is unordered, as mongod's: the other two were inserted.
    assertThat(contents("dst"))
        .containsExactlyElementsOf(
            docs("{_id: 1, k: 'a', v: 1}", "{_id: 2, k: 'taken'}", "{_id: 3, k: 'c', v: 3}"));

    ok("{insert: 'dst2', documents: [{_id: 1, k: 'old'}, {_id: 3, k: 'old'}]}");
    reply =
        run(aggregate("[{$merge: {into: 'dst2', whenMatched: 'merge', whenNotMatched: 'fail'}}]"));
    assertThat(reply.getInt32("code").getValue()).isEqualTo(13113);
    assertThat(reply.getString("codeName").getValue()).isEqualTo("MergeStageNoMatchingDocument");
    // The matched ones were updated; the unmatched one was not inserted.
    assertThat(contents("dst2"))
        .containsExactlyElementsOf(docs("{_id: 1, k: 'a', v: 1}", "{_id: 3, k: 'c', v: 3}"));

    assertThat(code(aggregate("[{$merge: {into: 'none', whenNotMatched: 'fail'}}]")))
        .isEqualTo(13113);
  }

  @Test
  void mergeOnOtherFieldsNeedsAUniqueIndexOnExactlyThem() {
    source();
    assertThat(code(aggregate("[{$project: {_id: 0}}, {$merge: {into: 'dst', on: 'k'}}]")))
        .isEqualTo(51183);
    ok("{createIndexes: 'dst', indexes: [{key: {k: 1}, name: 'k_1'}]}");
    assertThat(code(aggregate("[{$project: {_id: 0}}, {$merge: {into: 'dst', on: 'k'}}]")))
        .isEqualTo(51183);
    ok("{createIndexes: 'dst', indexes: [{key: {k: 1, v: 1}, name: 'k_v', unique: true}]}");
    assertThat(code(aggregate("[{$project: {_id: 0}}, {$merge: {into: 'dst', on: 'k'}}]")))
        .isEqualTo(51183);
    ok("{insert: 'dst', documents: [{_id: 'x', k: 'a', v: 0, keep: 1}]}");

    ok(aggregate("[{$project: {_id: 0}}, {$merge: {into: 'dst', on: ['v', 'k']}}]"));

    BsonDocument all = run("{find: 'dst', sort: {k: 1}, projection: {_id: 0}}");
    assertThat(
            all.getDocument("cursor").getArray("firstBatch").stream()
                .map(v -> v.asDocument().toJson())
                .toList())
        .containsExactlyElementsOf(
            docs("{k: 'a', v: 0, keep: 1}", "{k: 'a', v: 1}", "{k: 'b', v: 2}", "{k: 'c', v: 3}"));
  }

  @Test
  void mergeOnFieldsMustBeThereAndNotArrays() {
    ok("{createIndexes: 'dst', indexes: [{key: {k: 1}, name: 'k_1', unique: true}]}");
    ok("{insert: 'src', documents: [{_id: 1}]}");
    assertThat(code(aggregate("[{$merge: {into: 'dst', on: 'k'}}]"))).isEqualTo(51132);
    assertThat(code(aggregate("[{$set: {k: null}}, {$merge: {into: 'dst', on: 'k'}}]")))
        .isEqualTo(51132);
    assertThat(code(aggregate("[{$set: {k: [1]}}, {$merge: {into: 'dst', on: 'k'}}]")))
        .isEqualTo(51185);
    // A result without _id merged on _id gets a new one.
    ok(aggregate("[{$project: {_id: 0, a: {$literal: 1}}}, {$merge: 'ids'}]"));
    assertThat(
            run("{find: 'ids'}")
                .getDocument("cursor")
                .getArray("firstBatch")
                .get(0)
                .asDocument()
                .isObjectId("_id"))
        .isTrue();
  }

  @Test
  void mergeReplacingADifferentIdIsImmutableField() {
    source();
    ok("{createIndexes: 'dst', indexes: [{key: {k: 1}, name: 'k_1', unique: true}]}");
    ok("{insert: 'dst', documents: [{_id: 'other', k: 'a'}]}");
    assertThat(code(aggregate("[{$merge: {into: 'dst', on: 'k', whenMatched: 'replace'}}]")))
        .isEqualTo(66);
  }

  @Test
  void mergeIntoItsOwnSourceReadsTheSourceAsItWas() {
    source();
    ok(aggregate("[{$project: {_id: {$add: ['$_id', 10]}, k: 1}}, {$merge: 'src'}]"));
    assertThat(contents("src")).hasSize(6);
  }

  @Test
  void aWhenMatchedPipelineIsNotImplemented() {
    source();
    assertThat(code(aggregate("[{$merge: {into: 'dst', whenMatched: [{$set: {x: 1}}]}}]")))
        .isEqualTo(238);
    assertThat(collectionNames("test")).containsExactly("src");
  }

  @Test
  void aWriteStageInTheMiddleIsRefused() {
    source();
    assertThat(code(aggregate("[{$out: 'dst'}, {$match: {}}]"))).isEqualTo(40601);
    assertThat(collectionNames("test")).containsExactly("src");
  }
}
