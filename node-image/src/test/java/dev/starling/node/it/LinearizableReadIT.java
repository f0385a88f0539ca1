package dev.starling.node.it;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.mongodb.MongoException;
import com.mongodb.MongoServerException;
import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * readConcern "linearizable" on a real three-member set: the primary answers such a read only once
 * a majority has confirmed that it still is the primary (a majority-committed no-op written after
 * the read); a secondary refuses it; a primary cut off from the others does not answer it, though
 * it still answers a "local" read.
 */
class LinearizableReadIT {
  /** Long enough that a primary cut off for a few seconds stays primary. */
  private static final long ELECTION_TIMEOUT = 10_000;

  private static final Document LINEARIZABLE = new Document("level", "linearizable");

  private static ReplicaSetCluster rs;

  @BeforeAll
  static void startSet() {
    rs =
        ReplicaSetCluster.startInitiated(
            "linearizable", 3, ELECTION_TIMEOUT, "--setParameter", "enableTestCommands=1");
  }

  @AfterAll
  static void stopSet() {
    if (rs != null) {
      rs.close();
    }
  }

  /** Each test leaves a primary and two secondaries behind, as it found them. */
  @AfterEach
  void setIsWholeAgain() {
    for (int i = 0; i < rs.size(); i++) {
      failPoint(i, "off");
    }
    rs.awaitPrimary();
    rs.awaitSecondaries(2);
  }

  private static void failPoint(int member, String mode) {
    rs.direct(member)
        .getDatabase("admin")
        .runCommand(
            new Document("configureFailPoint", "dropReplicationTraffic").append("mode", mode));
  }

  /**
   * How many linearizable reads member {@code i} has confirmed with a no-op in its oplog (a find:
   * the node serves local.oplog.rs to find only).
   */
  private static long noops(int i) {
    return rs.direct(i)
        .getDatabase("local")
        .getCollection("oplog.rs")
        .find(new Document("op", "n").append("o.msg", "linearizable read"))
        .into(new ArrayList<>())
        .size();
  }

  /** {@code command} on database "linear" of member {@code i}, over a raw connection. */
  private static BsonDocument raw(int i, String command) {
    try (Wire wire = Wire.connect(rs.node(i).port())) {
      BsonDocument body = BsonDocument.parse(command);
      body.put("$db", new org.bson.BsonString("linear"));
      return wire.command(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int code(BsonDocument reply) {
    assertThat(reply.getNumber("ok").intValue()).as(reply.toJson()).isZero();
    return reply.getInt32("code").getValue();
  }

  /**
   * The documents of {@code linear.<collection>} read with readConcern linearizable through a new
   * replica-set client, once the set's primary answers such a read again.
   */
  private static List<Document> awaitLinearizableRead(String collection) {
    try (MongoClient client = rs.client("")) {
      MongoCollection<Document> docs =
          client
              .getDatabase("linear")
              .getCollection(collection)
              .withReadConcern(ReadConcern.LINEARIZABLE);
      return await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(
              () -> docs.find().maxTime(2, TimeUnit.SECONDS).into(new ArrayList<>()),
              found -> !found.isEmpty());
    }
  }

  @Test
  void thePrimaryAnswersThroughTheJavaDriverAndASecondaryRefuses() {
    int primary = rs.awaitPrimary();
    try (MongoClient client = rs.client("w=majority")) {
      MongoDatabase db = client.getDatabase("linear");
      MongoCollection<Document> docs =
          db.getCollection("docs").withReadConcern(ReadConcern.LINEARIZABLE);
      docs.insertMany(
          List.of(
              new Document("_id", "a").append("v", 1), new Document("_id", "b").append("v", 2)));
      long before = noops(primary);

      assertThat(docs.find(eq("_id", "a")).maxTime(10, TimeUnit.SECONDS).first())
          .isEqualTo(new Document("_id", "a").append("v", 1));
      assertThat(docs.countDocuments()).isEqualTo(2);
      assertThat(docs.distinct("v", Integer.class).into(new ArrayList<>()))
          .containsExactlyInAnyOrder(1, 2);
      Document count =
          db.runCommand(new Document("count", "docs").append("readConcern", LINEARIZABLE));
      assertThat(count.get("n", Number.class).intValue()).isEqualTo(2);

      // Each read was confirmed by its own no-op on the primary.
      assertThat(noops(primary) - before).isEqualTo(4);
    }

    int secondary = rs.others(primary).get(0);
    MongoDatabase onSecondary =
        rs.direct(secondary)
            .getDatabase("linear")
            .withReadPreference(ReadPreference.secondaryPreferred());
    MongoCollection<Document> secondaryDocs = onSecondary.getCollection("docs");
    // It has the data: a "local" read there answers.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(secondaryDocs.countDocuments()).isEqualTo(2));
    MongoServerException find =
        catchThrowableOfType(
            MongoServerException.class,
            () -> secondaryDocs.withReadConcern(ReadConcern.LINEARIZABLE).find().first());
    assertThat(find.getCode()).isEqualTo(10107);
    assertThat(find.getErrorCodeName()).isEqualTo("NotWritablePrimary");
    assertThat(find.getMessage())
        .contains("cannot satisfy linearizable read concern on non-primary node");
    MongoServerException count =
        catchThrowableOfType(
            MongoServerException.class,
            () ->
                onSecondary.runCommand(
                    new Document("count", "docs").append("readConcern", LINEARIZABLE)));
    assertThat(count.getCode()).isEqualTo(10107);
  }

  @Test
  void aPrimaryCutOffFromTheOthersAnswersLocalReadsButNotLinearizableOnes() {
    int primary = rs.awaitPrimary();
    MongoCollection<Document> docs =
        rs.direct(primary).getDatabase("linear").getCollection("cutoff");
    docs.withWriteConcern(WriteConcern.MAJORITY).insertOne(new Document("_id", "confirmed"));
    MongoCollection<Document> linearizable = docs.withReadConcern(ReadConcern.LINEARIZABLE);
    assertThat(linearizable.find(eq("_id", "confirmed")).maxTime(2, TimeUnit.SECONDS).first())
        .isNotNull();

    failPoint(primary, "alwaysOn");
    try {
      // It still takes a w:1 write and shows it to a "local" read.
      docs.withWriteConcern(WriteConcern.W1).insertOne(new Document("_id", "unconfirmed"));
      MongoCollection<Document> local = docs.withReadConcern(ReadConcern.LOCAL);
      assertThat(local.find(eq("_id", "unconfirmed")).first()).isNotNull();
      assertThat(local.countDocuments()).isEqualTo(2);

      // A linearizable read does not answer: no majority confirms the primary any more. (Were it
      // to step down first, a state-change error would be as right; the election timeout makes
      // that unlikely within these few seconds.)
      long started = System.nanoTime();
      BsonDocument find =
          raw(
              primary,
              "{find: 'cutoff', filter: {_id: 'unconfirmed'}, readConcern: {level:"
                  + " 'linearizable'}, maxTimeMS: 2000}");
      long tookMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(code(find)).as(find.toJson()).isIn(50, 11602, 189);
      assertThat(find).doesNotContainKey("cursor");
      if (code(find) == 50) {
        assertThat(find.getString("codeName").getValue()).isEqualTo("MaxTimeMSExpired");
        assertThat(tookMillis).isGreaterThanOrEqualTo(1900);
      }
      BsonDocument count =
          raw(primary, "{count: 'cutoff', readConcern: {level: 'linearizable'}, maxTimeMS: 2000}");
      assertThat(code(count)).as(count.toJson()).isIn(50, 11602, 189);
      assertThat(count).doesNotContainKey("n");
      // Through the driver (MongoExecutionTimeoutException for 50, which it does not retry).
      MongoException driverRead =
          catchThrowableOfType(
              MongoException.class,
              () -> linearizable.find(eq("_id", "confirmed")).maxTime(2, TimeUnit.SECONDS).first());
      assertThat(driverRead.getCode()).isIn(50, 11602, 189, 10107);

      // The "local" read still answers.
      assertThat(local.find(eq("_id", "unconfirmed")).first()).isNotNull();
    } finally {
      failPoint(primary, "off");
    }

    // Reconnected, the set's primary (this one, or one elected meanwhile) answers again.
    List<Document> cutoff = awaitLinearizableRead("cutoff");
    assertThat(cutoff).extracting(d -> d.get("_id")).contains("confirmed");
  }

  @Test
  void aLinearizableReadWaitingOnAPrimaryThatStepsDownFailsWithAStateChangeError()
      throws Exception {
    int primary = rs.awaitPrimary();
    rs.direct(primary)
        .getDatabase("linear")
        .getCollection("stepdown")
        .withWriteConcern(WriteConcern.MAJORITY)
        .insertOne(new Document("_id", 1));
    long before = noops(primary);

    failPoint(primary, "alwaysOn");
    try {
      // No maxTimeMS: it waits as long as this member is primary.
      CompletableFuture<BsonDocument> read =
          CompletableFuture.supplyAsync(
              () -> raw(primary, "{find: 'stepdown', readConcern: {level: 'linearizable'}}"));
      // It read and wrote its no-op, which no other member gets.
      await().atMost(Duration.ofSeconds(10)).until(() -> noops(primary) > before);
      // Within an election timeout the primary, hearing from no majority, steps down.
      await()
          .atMost(Duration.ofSeconds(3 * ELECTION_TIMEOUT / 1000))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !rs.isPrimary(primary));

      BsonDocument reply = read.get(20, TimeUnit.SECONDS);
      assertThat(code(reply)).as(reply.toJson()).isEqualTo(11602);
      assertThat(reply.getString("codeName").getValue())
          .isEqualTo("InterruptedDueToReplStateChange");
      assertThat(reply).doesNotContainKey("cursor");
    } finally {
      failPoint(primary, "off");
    }

    // Whichever member the set elects next answers again.
    assertThat(awaitLinearizableRead("stepdown")).containsExactly(new Document("_id", 1));
  }
}
