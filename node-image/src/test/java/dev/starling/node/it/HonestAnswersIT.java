package dev.starling.node.it;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.mongodb.MongoCommandException;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Collation;
import com.mongodb.client.model.CollationStrength;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that used to get a silently wrong answer, end to end on a two-member replica set with
 * the Java driver and raw wire messages: each works as on mongod 6.0 or is refused with its code.
 */
class HonestAnswersIT {
  private static final int MAX_BSON = 16 * 1024 * 1024;
  private static final int EXHAUST_ALLOWED = 1 << 16;
  private static final int MORE_TO_COME = 1 << 1;

  private static ReplicaSetCluster rs;
  private static int primary;
  private static MongoClient client;

  @BeforeAll
  static void startSet() {
    rs = ReplicaSetCluster.startInitiated("honest", 2, 10_000);
    primary = rs.awaitPrimary();
    client = rs.client("w=majority");
  }

  @AfterAll
  static void stopSet() {
    if (client != null) {
      client.close();
    }
    if (rs != null) {
      rs.close();
    }
  }

  private static int primaryPort() {
    return rs.node(primary).port();
  }

  /** {_id, x: "aaa..."} encoded in exactly {@code size} bytes. */
  private static Document ofSize(String id, int size) {
    int base =
        Wire.bson(new BsonDocument("_id", new BsonString(id)).append("x", new BsonString("")))
            .length;
    Document doc = new Document("_id", id).append("x", "a".repeat(size - base));
    assertThat(Wire.bson(BsonDocument.parse(doc.toJson())).length).isEqualTo(size);
    return doc;
  }

  // --------------------------------------------------------------- reads of local.oplog.rs

  @Test
  void countDistinctAndAggregateOnTheOplogReadTheOplogAsFindDoes() {
    client
        .getDatabase("honest")
        .getCollection("oplogcount")
        .insertMany(
            List.of(new Document("_id", 1), new Document("_id", 2), new Document("_id", 3)));
    MongoDatabase local = rs.direct(primary).getDatabase("local");
    MongoCollection<Document> oplog = local.getCollection("oplog.rs");
    Document filter = new Document("ns", "honest.oplogcount");

    List<Document> found = oplog.find(filter).into(new ArrayList<>());
    assertThat(found).hasSize(3).allSatisfy(e -> assertThat(e.getString("op")).isEqualTo("i"));
    // Before, each of these answered 0 or nothing: local.oplog.rs is not a collection.
    assertThat(oplog.countDocuments(filter)).isEqualTo(3);
    assertThat(
            local
                .runCommand(new Document("count", "oplog.rs").append("query", filter))
                .getInteger("n"))
        .isEqualTo(3);
    assertThat(oplog.estimatedDocumentCount()).isGreaterThanOrEqualTo(3);
    assertThat(oplog.distinct("op", filter, String.class).into(new ArrayList<>()))
        .containsExactly("i");
    assertThat(
            oplog
                .aggregate(
                    List.of(
                        new Document("$match", filter),
                        new Document(
                            "$group",
                            new Document("_id", "$op").append("n", new Document("$sum", 1)))))
                .into(new ArrayList<>()))
        .containsExactly(new Document("_id", "i").append("n", 3));
  }

  // --------------------------------------------------------------- 10. the 16 MiB limit

  @Test
  void aMaximumSizeDocumentInsertsThroughTheDriverReadsBackAndReplicates() {
    MongoCollection<Document> coll = client.getDatabase("honest").getCollection("big");
    Document big = ofSize("max", MAX_BSON);

    // The driver sends it in a document sequence; w: majority waits for the secondary.
    coll.insertOne(big);

    RawBsonDocument read =
        coll.withDocumentClass(RawBsonDocument.class).find(eq("_id", "max")).first();
    assertThat(read.getByteBuffer().remaining()).isEqualTo(MAX_BSON);
    int secondary = 1 - primary;
    RawBsonDocument replicated =
        rs.direct(secondary)
            .getDatabase("honest")
            .getCollection("big", RawBsonDocument.class)
            .withReadPreference(ReadPreference.secondaryPreferred())
            .find(eq("_id", "max"))
            .first();
    assertThat(replicated).isNotNull();
    assertThat(replicated.getByteBuffer().remaining()).isEqualTo(MAX_BSON);
  }

  @Test
  void oneByteMoreIsAWriteErrorAsOnMongod() throws Exception {
    BsonDocument body =
        new BsonDocument("insert", new BsonString("big1")).append("$db", new BsonString("honest"));
    byte[] tooBig = Wire.bson(BsonDocument.parse(ofSize("over", MAX_BSON + 1).toJson()));
    byte[] fine = Wire.bson(new BsonDocument("_id", new BsonString("small")));
    try (Wire wire = Wire.connect(primaryPort())) {
      wire.send(Wire.opMsg(7, 0, Wire.bson(body), "documents", List.of(fine, tooBig)));
      BsonDocument reply = wire.read().body();

      assertThat(reply.getNumber("ok").intValue()).isEqualTo(1);
      assertThat(reply.getInt32("n").getValue()).isEqualTo(1);
      BsonDocument error = reply.getArray("writeErrors").get(0).asDocument();
      assertThat(error.getInt32("index").getValue()).isEqualTo(1);
      assertThat(error.getInt32("code").getValue()).isEqualTo(2);
      assertThat(error.getString("errmsg").getValue())
          .isEqualTo("object to insert too large. size in bytes: 16777217, max size: 16777216");
    }
    // A command document over the internal limit (16 MiB + 16 KiB) fails whole, as on mongod.
    BsonDocument huge =
        new BsonDocument("insert", new BsonString("big1"))
            .append("$db", new BsonString("honest"))
            .append(
                "documents",
                new org.bson.BsonArray(
                    List.of(
                        BsonDocument.parse(ofSize("huge", MAX_BSON + 16 * 1024 + 1).toJson()))));
    try (Wire wire = Wire.connect(primaryPort())) {
      BsonDocument reply = wire.command(huge);
      assertThat(reply.getInt32("code").getValue()).isEqualTo(10334);
      assertThat(reply.getString("codeName").getValue()).isEqualTo("BSONObjectTooLarge");
    }
    assertThat(
            client
                .getDatabase("honest")
                .getCollection("big1")
                .countDocuments(new Document("_id", new Document("$ne", "small"))))
        .isZero();
  }

  // ------------------------------------------------------------------ 9. exhaust cursors

  @Test
  void anExhaustGetMoreStreamsTheRestOfTheCursorWithMoreToCome() throws Exception {
    MongoCollection<Document> coll = client.getDatabase("honest").getCollection("exhaust");
    List<Document> docs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      docs.add(new Document("_id", i));
    }
    coll.insertMany(docs);
    try (Wire wire = Wire.connect(primaryPort())) {
      BsonDocument first =
          wire.command(
              BsonDocument.parse("{find: 'exhaust', sort: {_id: 1}, batchSize: 2, $db: 'honest'}"));
      long cursorId = first.getDocument("cursor").getInt64("id").getValue();
      assertThat(cursorId).isNotZero();
      BsonDocument getMore =
          new BsonDocument("getMore", new BsonInt64(cursorId))
              .append("collection", new BsonString("exhaust"))
              .append("batchSize", new BsonInt32(3))
              .append("$db", new BsonString("honest"));
      wire.send(Wire.opMsg(100, EXHAUST_ALLOWED, Wire.bson(getMore)));

      List<Integer> ids = new ArrayList<>();
      List<Boolean> moreToCome = new ArrayList<>();
      int expectedResponseTo = 100;
      long id;
      do {
        Wire.Reply reply = wire.read();
        assertThat(reply.responseTo()).isEqualTo(expectedResponseTo);
        expectedResponseTo = Wire.intLE(reply.bytes(), 4);
        moreToCome.add((reply.flags() & MORE_TO_COME) != 0);
        BsonDocument cursor = reply.body().getDocument("cursor");
        cursor
            .getArray("nextBatch")
            .forEach(d -> ids.add(d.asDocument().getInt32("_id").getValue()));
        id = cursor.getInt64("id").getValue();
      } while (id != 0);

      assertThat(ids).containsExactly(2, 3, 4, 5, 6, 7, 8, 9);
      assertThat(moreToCome).containsExactly(true, true, false);
      // The connection is back to request/response.
      assertThat(wire.command(BsonDocument.parse("{ping: 1, $db: 'admin'}")).getNumber("ok"))
          .isEqualTo(new org.bson.BsonDouble(1));
    }
  }

  @Test
  void pymongo311sLegacyExhaustFindIsRefusedNotAnsweredWithAnErrorDocument(@TempDir Path work)
      throws Exception {
    // PyMongo 3.11 sends an exhaust find as a legacy OP_QUERY; mongod 6.0 refuses it with the
    // QueryFailure flag, and the driver raises instead of yielding the error as a document.
    Document result =
        PyMongoScript.run(
            work, "pymongo-exhaust", "pymongo_exhaust.py", String.valueOf(primaryPort()));

    assertThat(result.getInteger("errorCode")).isEqualTo(5739101);
    assertThat(result).doesNotContainKey("ids");
  }

  // -------------------------------------------------- 4. write concern on catalog commands

  @Test
  void catalogCommandsAnswerAnImpossibleWriteConcernAsInsertDoes() {
    var db = client.getDatabase("wc");
    db.getCollection("c").insertOne(new Document("_id", 1));
    db.getCollection("c").createIndex(new Document("a", 1));
    for (Object w : List.of(5, "noSuchMode")) {
      Document concern = new Document("w", w).append("wtimeout", 2_000);
      Document insert =
          db.runCommand(
              new Document("insert", "c")
                  .append("documents", List.of(new Document("_id", "w" + w)))
                  .append("writeConcern", concern));
      Document expected = insert.get("writeConcernError", Document.class);
      assertThat(expected).as("insert with w: " + w).isNotNull();
      assertThat(expected.getInteger("code")).isEqualTo(w.equals(5) ? 100 : 79);
      List<Document> commands =
          List.of(
              new Document("create", "d" + w),
              new Document("createIndexes", "c")
                  .append(
                      "indexes",
                      List.of(new Document("key", new Document("b", 1)).append("name", "b_1"))),
              new Document("dropIndexes", "c").append("index", "b_1"),
              new Document("drop", "d" + w));
      db.getCollection("r" + w).insertOne(new Document());
      client.getDatabase("wcdrop" + w).getCollection("c").insertOne(new Document());
      List<Document> adminCommands =
          List.of(new Document("renameCollection", "wc.r" + w).append("to", "wc.renamed" + w));
      List<Document> all = new ArrayList<>(commands);
      all.addAll(adminCommands);
      all.add(new Document("dropDatabase", 1));
      for (Document command : all) {
        var target =
            adminCommands.contains(command)
                ? client.getDatabase("admin")
                : command.containsKey("dropDatabase") ? client.getDatabase("wcdrop" + w) : db;
        Document reply = target.runCommand(command.append("writeConcern", concern));
        Document error = reply.get("writeConcernError", Document.class);
        assertThat(error).as(command.toJson()).isNotNull();
        assertThat(error.getInteger("code"))
            .as(command.toJson())
            .isEqualTo(expected.getInteger("code"));
        assertThat(error.getString("codeName")).isEqualTo(expected.getString("codeName"));
      }
    }
    // As on mongod, the catalog change itself is made; only the wait is reported as failed.
    assertThat(db.listCollectionNames())
        .contains("c", "renamed5", "renamednoSuchMode")
        .doesNotContain("d5", "r5");
    assertThat(client.listDatabaseNames()).doesNotContain("wcdrop5", "wcdropnoSuchMode");
  }

  // ------------------------------------------------------ 2. sort in an update statement

  @Test
  void theDriversUpdateOneSortIsRefusedAsMongod60RefusesIt() {
    MongoCollection<Document> coll = client.getDatabase("honest").getCollection("sorted");
    coll.insertMany(List.of(new Document("_id", 1), new Document("_id", 2)));

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                coll.updateOne(
                    new Document(),
                    new Document("$set", new Document("x", 1)),
                    new com.mongodb.client.model.UpdateOptions().sort(new Document("_id", -1))));

    assertThat(thrown).isInstanceOf(com.mongodb.MongoServerException.class);
    assertThat(((com.mongodb.MongoServerException) thrown).getCode()).isEqualTo(40415);
    assertThat(thrown)
        .hasMessageContaining("BSON field 'update.updates.sort' is an unknown field.");
    assertThat(coll.countDocuments(new Document("x", 1))).isZero();
  }

  // ----------------------------------------------------------- 1. collation with a driver

  @Test
  void theDriversCollationOptionIsRefusedInsteadOfIgnored() {
    MongoCollection<Document> coll = client.getDatabase("honest").getCollection("collation");
    coll.insertOne(new Document("_id", 1).append("s", "A"));
    Collation caseInsensitive =
        Collation.builder().locale("en").collationStrength(CollationStrength.SECONDARY).build();

    MongoCommandException find =
        catchThrowableOfType(
            MongoCommandException.class,
            () -> coll.find(eq("s", "a")).collation(caseInsensitive).first());
    assertThat(find.getErrorCode()).isEqualTo(238);
    assertThat(find.getErrorCodeName()).isEqualTo("NotImplemented");
    assertThatThrownBy(
            () ->
                coll.countDocuments(
                    eq("s", "a"),
                    new com.mongodb.client.model.CountOptions().collation(caseInsensitive)))
        .isInstanceOf(MongoCommandException.class);
    assertThat(
            coll.find(eq("s", "A")).collation(Collation.builder().locale("simple").build()).first())
        .isNotNull();
    assertThat(coll.withWriteConcern(WriteConcern.MAJORITY).countDocuments()).isEqualTo(1);
  }
}
