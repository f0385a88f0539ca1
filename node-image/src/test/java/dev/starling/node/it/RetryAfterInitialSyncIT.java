package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoCollection;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A member added by initial sync after some retryable writes becomes primary; drivers' retries of
 * those writes are answered from their history, as on the member that took them: no write runs
 * twice and none fails with 217 IncompleteTransactionHistory (which mongod's initial sync leaves).
 */
class RetryAfterInitialSyncIT {
  /** Runs {@code command} on test.docs of member {@code i} as a driver sends it. */
  private static BsonDocument run(
      ReplicaSetCluster rs, int i, BsonDocument lsid, long txnNumber, BsonDocument command)
      throws IOException {
    return rs.retryableWrite(i, "test", command, lsid, txnNumber, new BsonString("majority"));
  }

  private static BsonDocument insertThree() {
    return new BsonDocument("insert", new BsonString("docs"))
        .append(
            "documents",
            new BsonArray(
                List.of(
                    new BsonDocument("_id", new BsonString("a")),
                    new BsonDocument("_id", new BsonString("b")),
                    new BsonDocument("_id", new BsonString("c")))));
  }

  private static BsonDocument incrementCounter() {
    return new BsonDocument("findAndModify", new BsonString("docs"))
        .append("query", new BsonDocument("_id", new BsonString("counter")))
        .append("update", new BsonDocument("$inc", new BsonDocument("n", new BsonInt32(1))))
        .append("new", BsonBoolean.TRUE)
        .append("upsert", BsonBoolean.TRUE);
  }

  private static BsonDocument bumpB() {
    return new BsonDocument("update", new BsonString("docs"))
        .append(
            "updates",
            new BsonArray(
                List.of(
                    new BsonDocument("q", new BsonDocument("_id", new BsonString("b")))
                        .append(
                            "u",
                            new BsonDocument(
                                "$inc", new BsonDocument("hits", new BsonInt32(1)))))));
  }

  @Test
  void aMemberAddedByInitialSyncAnswersRetriesOfWritesMadeBeforeItsSync() throws IOException {
    try (ReplicaSetCluster rs =
        ReplicaSetCluster.start("retry-sync", 3, "--setParameter", "enableTestCommands=1")) {
      Document config = rs.config(2000);
      Document twoMembers =
          new Document(config)
              .append(
                  "members", List.of(rs.member(0, new Document()), rs.member(1, new Document())));
      rs.initiate(twoMembers);
      int primary = rs.awaitPrimaryAmong(List.of(0, 1));

      BsonDocument inserter = ReplicaSetCluster.newLsid();
      BsonDocument counter = ReplicaSetCluster.newLsid();
      BsonDocument updater = ReplicaSetCluster.newLsid();
      BsonDocument inserted = run(rs, primary, inserter, 4, insertThree());
      assertThat(inserted.getInt32("n").getValue()).as(inserted.toJson()).isEqualTo(3);
      BsonDocument counted = run(rs, primary, counter, 9, incrementCounter());
      assertThat(counted.getDocument("value").getInt32("n").getValue()).isOne();
      BsonDocument updated = run(rs, primary, updater, 2, bumpB());
      assertThat(updated.getInt32("nModified").getValue()).isOne();
      // Writes outside any session, so the sync's begin point is well past the sessions' writes.
      MongoCollection<Document> other =
          rs.direct(primary).getDatabase("test").getCollection("other");
      for (int i = 0; i < 50; i++) {
        other.insertOne(new Document("_id", i));
      }

      Document current =
          rs.direct(primary)
              .getDatabase("admin")
              .runCommand(new Document("replSetGetConfig", 1))
              .get("config", Document.class);
      current.put("version", current.getInteger("version") + 1);
      current.put(
          "members",
          List.of(
              rs.member(0, new Document()),
              rs.member(1, new Document()),
              rs.member(2, new Document())));
      rs.direct(primary).getDatabase("admin").runCommand(new Document("replSetReconfig", current));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> rs.isSecondary(2));

      // The new member takes over (replSetStepUp, once it has everything).
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .ignoreExceptions()
          .until(
              () -> {
                rs.direct(2).getDatabase("admin").runCommand(new Document("replSetStepUp", 1));
                return rs.isPrimary(2);
              });

      // The driver's retries reach the new primary: answered from the history, not run again.
      BsonDocument insertAgain = run(rs, 2, inserter, 4, insertThree());
      assertThat(insertAgain.containsKey("writeErrors")).as(insertAgain.toJson()).isFalse();
      assertThat(insertAgain.getDouble("ok").getValue()).as(insertAgain.toJson()).isEqualTo(1.0);
      assertThat(insertAgain.getInt32("n").getValue()).isEqualTo(3);
      BsonDocument countAgain = run(rs, 2, counter, 9, incrementCounter());
      assertThat(countAgain.getDouble("ok").getValue()).as(countAgain.toJson()).isEqualTo(1.0);
      assertThat(countAgain.getDocument("value").getInt32("n").getValue()).isOne();
      BsonDocument updateAgain = run(rs, 2, updater, 2, bumpB());
      assertThat(updateAgain.getDouble("ok").getValue()).as(updateAgain.toJson()).isEqualTo(1.0);
      assertThat(updateAgain.getInt32("n").getValue()).isOne();
      assertThat(updateAgain.getInt32("nModified").getValue()).isOne();

      MongoCollection<Document> docs = rs.direct(2).getDatabase("test").getCollection("docs");
      assertThat(docs.countDocuments()).isEqualTo(4);
      assertThat(docs.find(new Document("_id", "counter")).first().getInteger("n")).isOne();
      assertThat(docs.find(new Document("_id", "b")).first().getInteger("hits")).isOne();
      // A new transaction number of a session still runs.
      BsonDocument next = run(rs, 2, counter, 10, incrementCounter());
      assertThat(next.getDocument("value").getInt32("n").getValue()).isEqualTo(2);
    }
  }
}
