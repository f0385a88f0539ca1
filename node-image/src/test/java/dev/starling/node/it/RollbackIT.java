package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

/**
 * Divergence made with fail points: a primary cut off from the set takes writes no one else gets,
 * the others elect a new primary and take other writes; when the old primary rejoins it rolls its
 * writes back, saves them under {@code <dbpath>/rollback/}, and every member ends with equal data.
 */
class RollbackIT {
  private static void failPoint(ReplicaSetCluster rs, int member, String name, String mode) {
    rs.direct(member)
        .getDatabase("admin")
        .runCommand(new Document("configureFailPoint", name).append("mode", mode));
  }

  @Test
  void aFormerPrimaryRollsBackWritesThatNeverReachedAMajority() throws IOException {
    try (ReplicaSetCluster rs =
        ReplicaSetCluster.startInitiated(
            "rollback", 3, 2000, "--setParameter", "enableTestCommands=1")) {
      int old = rs.awaitPrimary();
      // w:1 explicitly: the implicit default is w:"majority", which the doomed writes never reach.
      MongoCollection<Document> oldDocs =
          rs.direct(old)
              .getDatabase("test")
              .getCollection("docs")
              .withWriteConcern(WriteConcern.W1);
      for (int i = 0; i < 20; i++) {
        oldDocs
            .withWriteConcern(WriteConcern.MAJORITY)
            .insertOne(new Document("_id", "common-" + i).append("v", i));
      }

      failPoint(rs, old, "dropReplicationTraffic", "alwaysOn");
      List<String> doomed = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        oldDocs.insertOne(new Document("_id", "doomed-" + i).append("v", i));
        doomed.add("doomed-" + i);
      }
      oldDocs.updateOne(
          new Document("_id", "common-1"), new Document("$set", new Document("v", "doomed")));

      int next = rs.awaitPrimaryAmong(rs.others(old));
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !rs.isPrimary(old));
      MongoCollection<Document> newDocs =
          rs.direct(next)
              .getDatabase("test")
              .getCollection("docs")
              .withWriteConcern(WriteConcern.MAJORITY);
      for (int i = 0; i < 5; i++) {
        newDocs.insertOne(new Document("_id", "winner-" + i));
      }
      assertThat(newDocs.countDocuments(new Document("_id", "doomed-0"))).isZero();

      failPoint(rs, old, "dropReplicationTraffic", "off");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(rs.isSecondary(old)).isTrue();
                String hash = rs.dbHash(next, "test");
                for (int i = 0; i < 3; i++) {
                  assertThat(rs.dbHash(i, "test")).as("dbHash of member %d", i).isEqualTo(hash);
                }
              });
      for (int i = 0; i < 3; i++) {
        MongoCollection<Document> docs = rs.direct(i).getDatabase("test").getCollection("docs");
        assertThat(docs.countDocuments(new Document("_id", new Document("$in", doomed)))).isZero();
        assertThat(docs.find(new Document("_id", "common-1")).first().getInteger("v")).isEqualTo(1);
        assertThat(docs.countDocuments(new Document("_id", "winner-4"))).isEqualTo(1);
      }

      List<BsonDocument> saved = savedDocuments(rs.node(old).dbPath().resolve("rollback"));
      assertThat(saved)
          .extracting(d -> d.getString("_id").getValue())
          .containsAll(doomed)
          .contains("common-1");
    }
  }

  /** A retryable insert of {@code {_id: id}} as a driver sends it, straight to member {@code i}. */
  private static BsonDocument retryableInsert(
      ReplicaSetCluster rs, int i, BsonDocument lsid, long txnNumber, String id, BsonValue w)
      throws IOException {
    return rs.retryableWrite(
        i,
        "test",
        new BsonDocument("insert", new BsonString("docs"))
            .append(
                "documents", new BsonArray(List.of(new BsonDocument("_id", new BsonString(id))))),
        lsid,
        txnNumber,
        w);
  }

  @Test
  void aRetryableWriteRolledBackRunsAgainOnTheNewPrimaryAndItsRecordFollowsTheRollback()
      throws IOException {
    try (ReplicaSetCluster rs =
        ReplicaSetCluster.startInitiated(
            "rollback-retry", 3, 2000, "--setParameter", "enableTestCommands=1")) {
      int old = rs.awaitPrimary();
      BsonDocument lsid = ReplicaSetCluster.newLsid();
      // A second session whose rolled-back write nobody retries: only the rollback fixes its
      // record.
      BsonDocument idle = ReplicaSetCluster.newLsid();
      BsonValue majority = new BsonString("majority");
      assertThat(retryableInsert(rs, old, lsid, 1, "kept", majority).getInt32("n").getValue())
          .isOne();
      assertThat(retryableInsert(rs, old, idle, 1, "idle-kept", majority).getInt32("n").getValue())
          .isOne();

      // Transaction number 2 is acknowledged (w:1) by a primary cut off from the others.
      failPoint(rs, old, "dropReplicationTraffic", "alwaysOn");
      assertThat(
              retryableInsert(rs, old, lsid, 2, "retried", new BsonInt32(1))
                  .getInt32("n")
                  .getValue())
          .isOne();
      assertThat(
              retryableInsert(rs, old, idle, 2, "idle-doomed", new BsonInt32(1))
                  .getInt32("n")
                  .getValue())
          .isOne();
      assertThat(sessionRecord(rs, old, idle).getInt64("txnNum").getValue()).isEqualTo(2);
      int next = rs.awaitPrimaryAmong(rs.others(old));
      // The driver's retry reaches the new primary, which never saw that write: it runs it.
      BsonDocument first = retryableInsert(rs, next, lsid, 2, "retried", majority);
      assertThat(first.containsKey("writeErrors")).as(first.toJson()).isFalse();
      assertThat(first.getInt32("n").getValue()).isOne();
      assertThat(first.containsKey("retriedStmtIds")).as(first.toJson()).isFalse();
      // Retried once more, it is answered from the session's record: no duplicate key, and the
      // reply names the statement it did not run again, as mongod's does.
      BsonDocument again = retryableInsert(rs, next, lsid, 2, "retried", majority);
      assertThat(again.containsKey("writeErrors")).as(again.toJson()).isFalse();
      assertThat(again.getInt32("n").getValue()).isOne();
      assertThat(again.get("retriedStmtIds"))
          .as(again.toJson())
          .isEqualTo(new BsonArray(List.of(new BsonInt32(0))));
      // An older transaction number of the session is refused.
      assertThat(retryableInsert(rs, next, lsid, 1, "kept", majority).getInt32("code").getValue())
          .isEqualTo(225);

      failPoint(rs, old, "dropReplicationTraffic", "off");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(rs.isSecondary(old)).isTrue();
                assertThat(rs.dbHash(old, "test")).isEqualTo(rs.dbHash(next, "test"));
                assertThat(sessionRecord(rs, old, lsid)).isEqualTo(sessionRecord(rs, next, lsid));
                assertThat(sessionRecord(rs, old, idle)).isEqualTo(sessionRecord(rs, next, idle));
              });
      for (int i = 0; i < 3; i++) {
        MongoCollection<Document> docs = rs.direct(i).getDatabase("test").getCollection("docs");
        assertThat(docs.countDocuments(new Document("_id", "retried"))).as("member %d", i).isOne();
      }
      assertThat(sessionRecord(rs, old, lsid).getInt64("txnNum").getValue()).isEqualTo(2);
      // The idle session's rolled-back transaction number is gone from the former primary too.
      assertThat(sessionRecord(rs, old, idle).getInt64("txnNum").getValue()).isEqualTo(1);
    }
  }

  /** The session's config.transactions record on member {@code i}. */
  private static BsonDocument sessionRecord(ReplicaSetCluster rs, int i, BsonDocument lsid) {
    return rs.direct(i)
        .getDatabase("config")
        .getCollection("transactions", BsonDocument.class)
        .withReadPreference(com.mongodb.ReadPreference.secondaryPreferred())
        .find(new BsonDocument("_id", lsid))
        .first();
  }

  /** Every document in the BSON files under {@code dir}. */
  private static List<BsonDocument> savedDocuments(Path dir) throws IOException {
    List<BsonDocument> out = new ArrayList<>();
    assertThat(dir.resolve("test.docs")).isDirectory();
    try (Stream<Path> files = Files.list(dir.resolve("test.docs"))) {
      for (Path f : files.toList()) {
        assertThat(f.getFileName().toString()).startsWith("removed.").endsWith(".bson");
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.remaining() > 0) {
          int len = buf.getInt(buf.position());
          byte[] doc = new byte[len];
          buf.get(doc);
          out.add(new RawBsonDocument(doc).decode(new org.bson.codecs.BsonDocumentCodec()));
        }
      }
    }
    return out;
  }
}
