package dev.starling.node.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.WriteObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests the node used to accept and silently not honour: each now either works as on mongod 6.0
 * or is refused with mongod's code, before anything is read or written.
 */
class HonestAnswersTest {
  private static final String EN = "{locale: 'en', strength: 2}";

  @TempDir Path dir;
  RocksStorageEngine engine;
  CommandDispatcher dispatcher;

  @BeforeEach
  void open() {
    engine = RocksStorageEngine.open(dir, WriteObserver.NONE);
    NodeServices node = TestNodes.standalone(engine, Clock.systemUTC());
    dispatcher = new CommandDispatcher(Commands.registry(), node);
  }

  @AfterEach
  void close() {
    engine.close();
  }

  private BsonDocument run(String json) {
    return run("test", json);
  }

  private BsonDocument run(String db, String json) {
    return TestNodes.run(dispatcher, db, BsonDocument.parse(json));
  }

  private static void assertError(BsonDocument reply, int code, String codeName) {
    assertThat(reply.getNumber("ok").intValue()).as(reply.toJson()).isZero();
    assertThat(reply.getInt32("code").getValue()).as(reply.toJson()).isEqualTo(code);
    assertThat(reply.getString("codeName").getValue()).isEqualTo(codeName);
  }

  private static void assertOk(BsonDocument reply) {
    assertThat(reply.getNumber("ok").intValue()).as(reply.toJson()).isEqualTo(1);
    assertThat(reply).as(reply.toJson()).doesNotContainKey("writeErrors");
  }

  private List<Integer> ids(BsonDocument findReply) {
    return findReply.getDocument("cursor").getArray("firstBatch").stream()
        .map(d -> d.asDocument().getInt32("_id").getValue())
        .collect(Collectors.toList());
  }

  private void seedAbc() {
    assertOk(
        run(
            "{insert: 'c', documents: [{_id: 1, s: 'a'}, {_id: 2, s: 'A'}, {_id: 3, s: 'b'},"
                + " {_id: 4, s: 'B'}]}"));
  }

  // ------------------------------------------------------------------------- 1. collation

  @Test
  void aNonSimpleCollationIsRefusedByEveryCommandThatTakesOne() {
    seedAbc();
    List<String> commands =
        List.of(
            "{find: 'c', filter: {s: 'a'}, collation: " + EN + "}",
            "{aggregate: 'c', pipeline: [], cursor: {}, collation: " + EN + "}",
            "{count: 'c', query: {s: 'a'}, collation: " + EN + "}",
            "{distinct: 'c', key: 's', collation: " + EN + "}",
            "{findAndModify: 'c', query: {s: 'a'}, remove: true, collation: " + EN + "}",
            "{update: 'c', updates: [{q: {s: 'a'}, u: {$set: {x: 1}}, multi: true, collation: "
                + EN
                + "}]}",
            "{delete: 'c', deletes: [{q: {s: 'a'}, limit: 0, collation: " + EN + "}]}",
            "{createIndexes: 'c', indexes: [{key: {s: 1}, name: 's_1', collation: " + EN + "}]}",
            "{create: 'd', collation: " + EN + "}",
            "{explain: {find: 'c', filter: {s: 'a'}, collation: " + EN + "}}");
    for (String command : commands) {
      BsonDocument reply = run(command);
      assertError(reply, 238, "NotImplemented");
      assertThat(reply.getString("errmsg").getValue()).as(command).contains("simple");
    }
    // Nothing was written, created or indexed.
    assertThat(run("{count: 'c', query: {x: 1}}").getNumber("n").intValue()).isZero();
    assertThat(run("{count: 'c'}").getNumber("n").intValue()).isEqualTo(4);
    assertThat(run("{listIndexes: 'c'}").getDocument("cursor").getArray("firstBatch")).hasSize(1);
    assertThat(
            run("{listCollections: 1, filter: {name: 'd'}}")
                .getDocument("cursor")
                .getArray("firstBatch"))
        .isEmpty();
  }

  @Test
  void theSimpleCollationAndNoCollationWorkAsBefore() {
    seedAbc();
    assertThat(ids(run("{find: 'c', filter: {s: 'a'}, collation: {locale: 'simple'}}")))
        .containsExactly(1);
    assertThat(ids(run("{find: 'c', filter: {s: 'a'}}"))).containsExactly(1);
    assertOk(
        run(
            "{update: 'c', updates: [{q: {_id: 1}, u: {$set: {x: 1}}, collation: {locale:"
                + " 'simple'}}]}"));
    assertOk(run("{create: 'd', collation: {locale: 'simple'}}"));
    assertThat(
            run("{listCollections: 1, filter: {name: 'd'}}")
                .getDocument("cursor")
                .getArray("firstBatch")
                .get(0)
                .asDocument()
                .getDocument("options"))
        .isEmpty();
    assertOk(
        run(
            "{createIndexes: 'c', indexes: [{key: {s: 1}, name: 's_1', collation: {locale:"
                + " 'simple'}}]}"));
    assertThat(run("{listIndexes: 'c'}").getDocument("cursor").getArray("firstBatch").get(1))
        .isEqualTo(BsonDocument.parse("{v: 2, key: {s: 1}, name: 's_1'}"));
  }

  @Test
  void aMalformedCollationFailsAsMongodParsesIt() {
    BsonDocument missingLocale = run("{find: 'c', collation: {strength: 2}}");
    assertError(missingLocale, 40414, "Location40414");
    assertThat(missingLocale.getString("errmsg").getValue())
        .isEqualTo("BSON field 'collation.locale' is missing but a required field");

    BsonDocument unknown = run("{find: 'c', collation: {locale: 'en', colour: 1}}");
    assertError(unknown, 40415, "Location40415");
    assertThat(unknown.getString("errmsg").getValue())
        .isEqualTo("BSON field 'collation.colour' is an unknown field.");

    assertError(run("{find: 'c', collation: {locale: 'simple', strength: 1}}"), 9, "FailedToParse");
    assertError(run("{find: 'c', collation: 'en'}"), 14, "TypeMismatch");
  }

  // ------------------------------------------------------- 2. unknown fields in statements

  @Test
  void aSortInAnUpdateStatementFailsTheCommandAsAnUnknownField() {
    seedAbc();
    BsonDocument reply =
        run("{update: 'c', updates: [{q: {}, u: {$set: {x: 1}}, sort: {_id: -1}}]}");

    assertError(reply, 40415, "Location40415");
    assertThat(reply.getString("errmsg").getValue())
        .isEqualTo("BSON field 'update.updates.sort' is an unknown field.");
    assertThat(run("{count: 'c', query: {x: 1}}").getNumber("n").intValue()).isZero();
  }

  @Test
  void anUnknownFieldInADeleteStatementFailsTheCommand() {
    seedAbc();
    BsonDocument reply = run("{delete: 'c', deletes: [{q: {}, limit: 1, sort: {_id: -1}}]}");

    assertError(reply, 40415, "Location40415");
    assertThat(reply.getString("errmsg").getValue())
        .isEqualTo("BSON field 'delete.deletes.sort' is an unknown field.");
    assertThat(run("{count: 'c'}").getNumber("n").intValue()).isEqualTo(4);
  }

  // --------------------------------------------------------------------- 3. readConcern

  @Test
  void anUnknownReadConcernLevelIsFailedToParse() {
    for (String command :
        List.of(
            "{find: 'c', readConcern: {level: 'foo'}}",
            "{aggregate: 'c', pipeline: [], cursor: {}, readConcern: {level: 'foo'}}",
            "{count: 'c', readConcern: {level: 'foo'}}",
            "{distinct: 'c', key: 'a', readConcern: {level: 'foo'}}")) {
      BsonDocument reply = run(command);
      assertError(reply, 9, "FailedToParse");
      assertThat(reply.getString("errmsg").getValue())
          .isEqualTo(
              "readConcern.level must be either 'local', 'majority', 'linearizable',"
                  + " 'available', or 'snapshot'");
    }
    assertError(run("{find: 'c', readConcern: {level: 'local', foo: 1}}"), 72, "InvalidOptions");
    assertError(run("{find: 'c', readConcern: 'local'}"), 9, "FailedToParse");
    assertOk(run("{find: 'c', readConcern: {level: 'available'}}"));
  }

  // ---------------------------------------------------- 4. write concern on catalog commands

  @Test
  void catalogCommandsRefuseAWriteConcernAStandaloneCannotSatisfyAsInsertDoes() {
    assertOk(run("{insert: 'c', documents: [{_id: 1}]}"));
    assertOk(run("{createIndexes: 'c', indexes: [{key: {a: 1}, name: 'a_1'}]}"));
    String insert = "{insert: 'c', documents: [{_id: 2}], writeConcern: {w: 2}}";
    BsonDocument expected = run(insert);
    assertError(expected, 2, "BadValue");
    for (String command :
        List.of(
            "{create: 'd', writeConcern: {w: 2}}",
            "{drop: 'c', writeConcern: {w: 2}}",
            "{createIndexes: 'c', indexes: [{key: {b: 1}, name: 'b_1'}], writeConcern: {w: 2}}",
            "{dropIndexes: 'c', index: 'a_1', writeConcern: {w: 2}}",
            "{dropDatabase: 1, writeConcern: {w: 2}}")) {
      BsonDocument reply = run(command);
      assertError(reply, 2, "BadValue");
      assertThat(reply.getString("errmsg")).as(command).isEqualTo(expected.getString("errmsg"));
    }
    BsonDocument rename =
        run("admin", "{renameCollection: 'test.c', to: 'test.e', writeConcern: {w: 'dc'}}");
    assertError(rename, 2, "BadValue");
    // Nothing changed.
    assertThat(run("{count: 'c'}").getNumber("n").intValue()).isEqualTo(1);
    assertThat(run("{listIndexes: 'c'}").getDocument("cursor").getArray("firstBatch")).hasSize(2);
  }

  // -------------------------------------------------------- 5. unknown update operator

  @Test
  void anUnknownModifierIsAWriteErrorEvenWhenNothingMatches() {
    String message =
        "Unknown modifier: $foo. Expected a valid update modifier or pipeline-style update"
            + " specified as an array";
    // A collection that does not exist, then an empty one, then a filter matching nothing.
    for (boolean create : new boolean[] {false, true}) {
      if (create) {
        assertOk(run("{create: 'c'}"));
        assertOk(run("{insert: 'c', documents: [{_id: 1}]}"));
      }
      BsonDocument reply =
          run("{update: 'c', updates: [{q: {_id: 99}, u: {$foo: {a: 1}}}], ordered: false}");
      assertThat(reply.getNumber("ok").intValue()).isEqualTo(1);
      BsonDocument error = reply.getArray("writeErrors").get(0).asDocument();
      assertThat(error.getInt32("code").getValue()).isEqualTo(9);
      assertThat(error.getString("errmsg").getValue()).isEqualTo(message);
      assertThat(reply.getInt32("n").getValue()).isZero();

      BsonDocument fam = run("{findAndModify: 'c', query: {_id: 99}, update: {$foo: {a: 1}}}");
      assertError(fam, 9, "FailedToParse");
      assertThat(fam.getString("errmsg").getValue()).isEqualTo(message);
    }
  }

  @Test
  void anOrderedBatchStopsAtTheInvalidUpdateOnAMissingCollection() {
    BsonDocument reply =
        run(
            "{update: 'c', updates: [{q: {}, u: {$set: {a: 1}}}, {q: {}, u: {$foo: {a: 1}}},"
                + " {q: {}, u: {$bar: {a: 1}}}]}");

    assertThat(reply.getArray("writeErrors")).hasSize(1);
    assertThat(reply.getArray("writeErrors").get(0).asDocument().getInt32("index").getValue())
        .isEqualTo(1);
  }

  // ------------------------------------------------------------------------ 6. min / max

  private void seedMinMax() {
    assertOk(
        run(
            "{insert: 'c', documents: [{_id: 1, a: 1, b: 1}, {_id: 2, a: 1, b: 2},"
                + " {_id: 3, a: 2, b: 1}, {_id: 4, a: 2, b: 2}, {_id: 5, a: 3, b: 0}]}"));
    assertOk(run("{createIndexes: 'c', indexes: [{key: {a: 1, b: 1}, name: 'a_1_b_1'}]}"));
  }

  @Test
  void minAndMaxWithoutAHintAreRefused() {
    seedMinMax();
    BsonDocument reply = run("{find: 'c', min: {a: 1, b: 2}}");

    assertError(reply, 51173, "Location51173");
    assertThat(reply.getString("errmsg").getValue())
        .endsWith(
            ":: caused by :: When using min()/max() a hint of which index to use must be provided");
  }

  @Test
  void minAndMaxWithAHintReturnTheKeysInTheHalfOpenRange() {
    seedMinMax();
    assertThat(ids(run("{find: 'c', hint: {a: 1, b: 1}, min: {a: 1, b: 2}, max: {a: 2, b: 2}}")))
        .containsExactly(2, 3);
    assertThat(ids(run("{find: 'c', hint: 'a_1_b_1', min: {a: 2, b: 1}}")))
        .containsExactly(3, 4, 5);
    assertThat(ids(run("{find: 'c', hint: {a: 1, b: 1}, max: {a: 2, b: 1}}")))
        .containsExactly(1, 2);
    assertThat(
            ids(
                run(
                    "{find: 'c', filter: {b: {$gt: 0}}, hint: {a: 1, b: 1}, min: {a: 1, b: 2},"
                        + " max: {a: 9, b: 0}}")))
        .containsExactly(2, 3, 4);
    assertThat(ids(run("{find: 'c', hint: {_id: 1}, min: {_id: 2}, max: {_id: 4}}")))
        .containsExactly(2, 3);
  }

  @Test
  void minAndMaxFollowADescendingIndexsOrder() {
    assertOk(
        run(
            "{insert: 'c', documents: [{_id: 1, a: 1}, {_id: 2, a: 2}, {_id: 3, a: 3},"
                + " {_id: 4, a: 4}, {_id: 5, a: 5}]}"));
    assertOk(run("{createIndexes: 'c', indexes: [{key: {a: -1}, name: 'a_-1'}]}"));

    assertThat(ids(run("{find: 'c', hint: {a: -1}, min: {a: 4}, max: {a: 1}}")))
        .containsExactly(4, 3, 2);
    assertError(
        run("{find: 'c', hint: {a: -1}, min: {a: 1}, max: {a: 4}}"), 51175, "Location51175");
  }

  @Test
  void minAndMaxOnAMissingCollectionFindNothing() {
    assertThat(ids(run("{find: 'nothing', min: {a: 1}}"))).isEmpty();
  }

  @Test
  void minAndMaxMustMatchTheHintedIndexAndBeOrdered() {
    seedMinMax();
    assertError(run("{find: 'c', hint: {a: 1, b: 1}, min: {b: 1, a: 1}}"), 51174, "Location51174");
    assertError(run("{find: 'c', hint: {a: 1, b: 1}, min: {a: 1}}"), 51174, "Location51174");
    assertError(
        run("{find: 'c', hint: {a: 1, b: 1}, min: {a: 2, b: 1}, max: {a: 1, b: 1}}"),
        51175,
        "Location51175");
    assertError(
        run("{find: 'c', hint: {a: 1, b: 1}, min: {a: 2, b: 1}, max: {a: 2, b: 1}}"),
        51175,
        "Location51175");
  }

  // ------------------------------------------------------- 7. returnKey / showRecordId

  @Test
  void returnKeyAndShowRecordIdAreRefusedAndTheirFalseFormAccepted() {
    seedAbc();
    for (String option : List.of("returnKey", "showRecordId")) {
      BsonDocument reply = run("{find: 'c', " + option + ": true}");
      assertError(reply, 238, "NotImplemented");
      assertThat(reply.getString("errmsg").getValue()).contains(option);
      assertThat(ids(run("{find: 'c', " + option + ": false}"))).hasSize(4);
    }
  }

  // -------------------------------------------------------------------- 8. listDatabases

  @Test
  void listDatabasesFiltersTheEntriesAsTheReplyShowsThem() {
    assertOk(run("{insert: 'c', documents: [{_id: 1, pad: 'xxxxxxxxxxxxxxxxxxxxxxxxxxx'}]}"));
    assertOk(run("other", "{create: 'e'}"));

    assertThat(names(run("admin", "{listDatabases: 1, filter: {name: 'test'}}")))
        .containsExactly("test");
    assertThat(names(run("admin", "{listDatabases: 1, filter: {name: {$regex: '^oth'}}}")))
        .containsExactly("other");
    assertThat(names(run("admin", "{listDatabases: 1, filter: {sizeOnDisk: {$gt: 0}}}")))
        .containsExactly("test");
    // A database is empty when it has no collection: every listed one has one.
    assertThat(names(run("admin", "{listDatabases: 1, filter: {empty: true}}"))).isEmpty();
    assertThat(names(run("admin", "{listDatabases: 1, filter: {empty: false}}")))
        .containsExactlyInAnyOrder("test", "other");
    // With nameOnly the entries have no size, so a filter on it matches nothing, as on mongod.
    assertThat(
            names(
                run("admin", "{listDatabases: 1, nameOnly: true, filter: {sizeOnDisk: {$gt: 0}}}")))
        .isEmpty();
    assertThat(names(run("admin", "{listDatabases: 1, nameOnly: true, filter: {name: 'other'}}")))
        .containsExactly("other");
    BsonDocument nameOnly =
        run("admin", "{listDatabases: 1, nameOnly: true, authorizedDatabases: true}");
    assertThat(nameOnly.getArray("databases"))
        .allSatisfy(d -> assertThat(d.asDocument().keySet()).containsExactly("name"));
    assertThat(nameOnly).doesNotContainKey("totalSize");
    BsonDocument filtered = run("admin", "{listDatabases: 1, filter: {name: 'test'}}");
    assertThat(filtered.getNumber("totalSize").longValue())
        .isEqualTo(
            filtered.getArray("databases").get(0).asDocument().getNumber("sizeOnDisk").longValue());
  }

  private static List<String> names(BsonDocument reply) {
    assertThat(reply.getNumber("ok").intValue()).as(reply.toJson()).isEqualTo(1);
    return reply.getArray("databases").stream()
        .map(BsonValue::asDocument)
        .map(d -> d.getString("name").getValue())
        .collect(Collectors.toList());
  }
}
