package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.ClientSessionOptions;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * readConcern "snapshot" outside transactions (find, aggregate, distinct), through the Java
 * driver's snapshot sessions on a 3-member set: every read of a session sees the data at the point
 * its first read chose, however the data changes meanwhile, on the primary and on a secondary, and
 * a cursor reads on at that point across getMores.
 */
class SnapshotReadIT {
  private static ReplicaSetCluster rs;
  private static MongoClient client;

  @BeforeAll
  static void startSet() {
    rs = ReplicaSetCluster.startInitiated("snapshot", 3, 10_000);
    rs.awaitPrimary();
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

  private static ClientSession snapshotSession() {
    return client.startSession(ClientSessionOptions.builder().snapshot(true).build());
  }

  private static List<Integer> xs(MongoCollection<Document> docs, ClientSession session) {
    List<Integer> xs = new ArrayList<>();
    for (Document d : docs.find(session).sort(new Document("_id", 1))) {
      xs.add(d.getInteger("x"));
    }
    return xs;
  }

  @Test
  void aSnapshotSessionReadsAtOnePointWhileTheDataChanges() {
    MongoCollection<Document> docs = client.getDatabase("snap").getCollection("points");
    docs.drop();
    docs.insertMany(
        List.of(new Document("_id", 1).append("x", 1), new Document("_id", 2).append("x", 1)));

    try (ClientSession before = snapshotSession()) {
      assertThat(xs(docs, before)).containsExactly(1, 1);
      BsonTimestamp chosen = before.getSnapshotTimestamp();
      assertThat(chosen).isNotNull();

      docs.updateOne(Filters.eq("_id", 1), Updates.inc("x", 1));
      docs.insertOne(new Document("_id", 3).append("x", 7));

      // The same session: the same point, for find, aggregate and distinct.
      assertThat(xs(docs, before)).containsExactly(1, 1);
      assertThat(
              docs.aggregate(
                      before,
                      List.of(
                          new Document(
                              "$group",
                              new Document("_id", null).append("n", new Document("$sum", 1)))))
                  .first()
                  .getInteger("n"))
          .isEqualTo(2);
      assertThat(docs.distinct(before, "x", Integer.class).into(new ArrayList<>()))
          .containsExactly(1);
      assertThat(before.getSnapshotTimestamp()).isEqualTo(chosen);

      // A new session reads the new data.
      try (ClientSession after = snapshotSession()) {
        assertThat(xs(docs, after)).containsExactly(2, 1, 7);
        assertThat(after.getSnapshotTimestamp()).isGreaterThan(chosen);
      }
    }
  }

  @Test
  void aSnapshotCursorReadsOnAtItsPointAcrossGetMores() {
    MongoCollection<Document> docs = client.getDatabase("snap").getCollection("cursor");
    docs.drop();
    List<Document> ten = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ten.add(new Document("_id", i).append("x", 0));
    }
    docs.insertMany(ten);

    try (ClientSession session = snapshotSession();
        MongoCursor<Document> cursor =
            docs.find(session).sort(new Document("_id", 1)).batchSize(2).iterator()) {
      assertThat(cursor.next().getInteger("x")).isZero();
      docs.updateMany(new Document(), Updates.set("x", 1));
      docs.deleteOne(Filters.eq("_id", 9));
      List<Integer> rest = new ArrayList<>();
      cursor.forEachRemaining(d -> rest.add(d.getInteger("x")));
      assertThat(rest).hasSize(9).containsOnly(0);
    }
  }

  /** What a new snapshot session of {@code owner}'s first find reads. */
  private static List<Integer> freshSnapshotRead(
      MongoClient owner, MongoCollection<Document> docs) {
    try (ClientSession session =
        owner.startSession(ClientSessionOptions.builder().snapshot(true).build())) {
      return xs(docs, session);
    }
  }

  @Test
  void aSecondaryServesSnapshotReadsToo() {
    int primary = rs.awaitPrimary();
    MongoCollection<Document> docs = client.getDatabase("snap").getCollection("secondary");
    docs.drop();
    docs.insertOne(new Document("_id", 1).append("x", 1));
    MongoClient secondary = rs.direct(rs.others(primary).get(0));
    MongoCollection<Document> fromSecondary =
        secondary
            .getDatabase("snap")
            .getCollection("secondary")
            .withReadPreference(ReadPreference.secondaryPreferred());
    // A secondary's point is the commit point as it last heard of it.
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> freshSnapshotRead(secondary, fromSecondary).equals(List.of(1)));

    try (ClientSession session =
        secondary.startSession(ClientSessionOptions.builder().snapshot(true).build())) {
      assertThat(xs(fromSecondary, session)).containsExactly(1);
      docs.withWriteConcern(WriteConcern.MAJORITY)
          .updateOne(Filters.eq("_id", 1), Updates.inc("x", 1));
      assertThat(xs(fromSecondary, session)).containsExactly(1);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> freshSnapshotRead(secondary, fromSecondary).equals(List.of(2)));
  }

  @Test
  void refusalsAsMongod() {
    int primary = rs.awaitPrimary();
    var db = rs.direct(primary).getDatabase("snap");
    // Outside a transaction, only find, aggregate and distinct take "snapshot".
    assertThat(code(db, "{count: 'points', readConcern: {level: 'snapshot'}}")).isEqualTo(72);
    // A time older than the kept history.
    assertThat(
            code(
                db,
                "{find: 'points', readConcern: {level: 'snapshot', atClusterTime: Timestamp(1,"
                    + " 1)}}"))
        .isEqualTo(239);
    // A time past the member's cluster time.
    assertThat(
            code(
                db,
                "{find: 'points', readConcern: {level: 'snapshot', atClusterTime:"
                    + " Timestamp(2000000000, 1)}}"))
        .isEqualTo(72);
    // The reply names the time it read at, in the cursor.
    BsonDocument reply =
        db.runCommand(
            BsonDocument.parse("{find: 'points', readConcern: {level: 'snapshot'}}"),
            BsonDocument.class);
    assertThat(reply.getDocument("cursor").get("atClusterTime")).isInstanceOf(BsonTimestamp.class);
  }

  private static int code(com.mongodb.client.MongoDatabase db, String command) {
    try {
      db.runCommand(BsonDocument.parse(command));
      return 0;
    } catch (com.mongodb.MongoCommandException e) {
      return e.getErrorCode();
    }
  }
}
