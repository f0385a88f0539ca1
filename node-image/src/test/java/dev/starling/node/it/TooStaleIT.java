package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.MongoException;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

/**
 * A secondary that was down while the others' small oplogs (1 MB) moved past its last entry comes
 * back RECOVERING with a too-stale infoMessage that says how to resync, touches nothing, and after
 * its dbpath is emptied initial-syncs to the primary's dbHash.
 */
class TooStaleIT {

  private static List<RawBsonDocument> oplog(MongoClient client, int direction) {
    return client
        .getDatabase("local")
        .getCollection("oplog.rs", RawBsonDocument.class)
        .find()
        .sort(new Document("$natural", direction))
        .limit(1)
        .into(new ArrayList<>());
  }

  private static BsonTimestamp edge(MongoClient client, int direction) {
    return oplog(client, direction).get(0).getTimestamp("ts");
  }

  private static Document self(MongoClient client) {
    Document status = client.getDatabase("admin").runCommand(new Document("replSetGetStatus", 1));
    return status.getList("members", Document.class).stream()
        .filter(m -> m.getBoolean("self", false))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aSecondaryPastTheOplogGoesRecoveringTooStaleAndAnEmptiedOneInitialSyncs() throws Exception {
    try (ReplicaSetCluster rs =
        ReplicaSetCluster.startInitiated("too-stale", 3, 10_000, "--oplogSize", "1")) {
      int p = rs.awaitPrimary();
      int stale = (p + 1) % 3;
      int other = (p + 2) % 3;
      MongoClient primary = rs.direct(p);
      MongoCollection<Document> books =
          primary
              .getDatabase("test")
              .getCollection("books")
              .withWriteConcern(new WriteConcern(3).withWTimeout(30, TimeUnit.SECONDS));
      books.insertOne(new Document("_id", -1).append("before", true));
      BsonTimestamp staleLast = edge(rs.direct(stale), -1);
      rs.node(stale).terminate();

      // About 3 MB of entries with the stale member down: w:2 is the majority, so the commit
      // point moves and the 1 MB oplogs of the other two truncate past the stale member's entry.
      MongoCollection<Document> majority =
          books.withWriteConcern(WriteConcern.MAJORITY.withWTimeout(30, TimeUnit.SECONDS));
      List<Document> batch = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        batch.add(new Document("_id", i).append("text", "x".repeat(5000)));
        if (batch.size() == 50) {
          majority.insertMany(batch);
          batch.clear();
        }
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  edge(primary, 1).compareTo(staleLast) > 0
                      && edge(rs.direct(other), 1).compareTo(staleLast) > 0);

      rs.node(stale).restartOnSamePorts();
      MongoClient staleClient = rs.direct(stale);
      // The pooled connections to the stopped process fail once: the driver then reconnects.
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptionsInstanceOf(MongoException.class)
          .untilAsserted(
              () -> {
                Document me = self(staleClient);
                assertThat(me.getString("stateStr")).isEqualTo("RECOVERING");
                assertThat(me.getString("infoMessage"))
                    .contains("too stale to catch up")
                    .contains("empty its dbpath")
                    .contains("resyncingaverystalereplicasetmember");
              });
      // The others see it RECOVERING too.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Document status =
                    primary.getDatabase("admin").runCommand(new Document("replSetGetStatus", 1));
                assertThat(
                        status.getList("members", Document.class).stream()
                            .filter(m -> m.getString("name").equals(rs.host(stale)))
                            .findFirst()
                            .orElseThrow()
                            .getString("stateStr"))
                    .isEqualTo("RECOVERING");
              });
      // It applied nothing: its oplog still ends at its old last entry; it reports it is stale.
      assertThat(edge(staleClient, -1)).isEqualTo(staleLast);
      assertThat(rs.node(stale).output()).contains("too stale");

      // Resync: stop it, empty its dbpath, start it again: it initial-syncs to the same data.
      rs.node(stale).terminate();
      NodeProcess.deleteRecursively(rs.node(stale).dbPath());
      Files.createDirectories(rs.node(stale).dbPath());
      rs.node(stale).restartOnSamePorts();
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> rs.isSecondary(stale));
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptionsInstanceOf(MongoException.class)
          .until(() -> rs.dbHash(stale, "test").equals(rs.dbHash(p, "test")));
      assertThat(self(rs.direct(stale)).getString("infoMessage")).isEmpty();
      books.insertOne(new Document("_id", "after"));
      assertThat(
              rs.direct(stale)
                  .getDatabase("test")
                  .getCollection("books")
                  .withReadPreference(com.mongodb.ReadPreference.secondaryPreferred())
                  .countDocuments())
          .isEqualTo(602);
    }
  }
}
