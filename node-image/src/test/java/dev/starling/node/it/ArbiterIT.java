package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A primary-secondary-arbiter set: the arbiter votes, holds no data and shows as ARBITER; with the
 * secondary down the primary stays, w:1 writes succeed and w:"majority" writes wait (64 with a
 * wtimeout) until the secondary is back.
 */
class ArbiterIT {
  private static final long ELECTION_TIMEOUT_MILLIS = 2000;
  private static final int ARBITER = 2;

  @Test
  void primarySecondaryArbiter() throws Exception {
    try (ReplicaSetCluster rs = ReplicaSetCluster.start("arbiter", 3)) {
      rs.initiate(
          new Document("_id", ReplicaSetCluster.SET)
              .append(
                  "members",
                  List.of(
                      rs.member(0, new Document()),
                      rs.member(1, new Document()),
                      rs.member(ARBITER, new Document("arbiterOnly", true))))
              .append(
                  "settings",
                  new Document("electionTimeoutMillis", ELECTION_TIMEOUT_MILLIS)
                      .append("heartbeatIntervalMillis", 1000)));
      int primary = rs.awaitPrimaryAmong(List.of(0, 1));
      int secondary = 1 - primary;
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> rs.isSecondary(secondary));

      arbiterShowsAsArbiter(rs, primary);

      MongoCollection<Document> coll = rs.direct(primary).getDatabase("test").getCollection("psa");
      coll.withWriteConcern(WriteConcern.MAJORITY).insertOne(new Document("_id", 1));
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> rs.dbHash(secondary, "test").equals(rs.dbHash(primary, "test")));
      arbiterHoldsNoData(rs);
      syncFromErrors(rs, primary, secondary);

      rs.node(secondary).terminate();
      await()
          .during(Duration.ofMillis(3 * ELECTION_TIMEOUT_MILLIS))
          .atMost(Duration.ofMillis(3 * ELECTION_TIMEOUT_MILLIS + 30_000))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> rs.isPrimary(primary));
      coll.withWriteConcern(WriteConcern.W1).insertOne(new Document("_id", 2));
      assertThatThrownBy(
              () ->
                  coll.withWriteConcern(
                          WriteConcern.MAJORITY.withWTimeout(1000, TimeUnit.MILLISECONDS))
                      .insertOne(new Document("_id", 3)))
          .isInstanceOfSatisfying(
              MongoWriteConcernException.class,
              e -> {
                assertThat(e.getWriteConcernError().getCode()).isEqualTo(64);
                assertThat(e.getWriteConcernError().getCodeName()).isEqualTo("WriteConcernFailed");
              });

      CompletableFuture<Void> majorityWrite =
          CompletableFuture.runAsync(
              () -> coll.withWriteConcern(WriteConcern.MAJORITY).insertOne(new Document("_id", 4)));
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(10))
          .until(() -> !majorityWrite.isDone());
      rs.node(secondary).restartOnSamePorts();
      majorityWrite.get(60, TimeUnit.SECONDS);
      assertThat(rs.isPrimary(primary)).isTrue();
      arbiterHoldsNoData(rs);
    }
  }

  private static void arbiterShowsAsArbiter(ReplicaSetCluster rs, int primary) throws Exception {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> rs.status(ARBITER).getInteger("myState") == 7);
    Document self =
        rs.status(ARBITER).getList("members", Document.class).stream()
            .filter(m -> m.getBoolean("self", false))
            .findFirst()
            .orElseThrow();
    assertThat(self.getString("stateStr")).isEqualTo("ARBITER");
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                rs.status(primary)
                    .getList("members", Document.class)
                    .get(ARBITER)
                    .getString("stateStr")
                    .equals("ARBITER"));

    HttpResponse<String> readyz =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + rs.node(ARBITER).httpPort() + "/readyz"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(readyz.statusCode()).as("an ARBITER is ready").isEqualTo(200);

    Document onArbiter = rs.hello(ARBITER).orElseThrow();
    assertThat(onArbiter.getBoolean("arbiterOnly")).isTrue();
    assertThat(onArbiter.getBoolean("isWritablePrimary")).isFalse();
    assertThat(onArbiter.getBoolean("secondary")).isFalse();
    for (int i = 0; i < 3; i++) {
      Document hello = rs.hello(i).orElseThrow();
      assertThat(hello.getList("arbiters", String.class)).containsExactly(rs.host(ARBITER));
      assertThat(hello.getList("hosts", String.class))
          .containsExactlyInAnyOrder(rs.host(0), rs.host(1));
    }
  }

  private static void arbiterHoldsNoData(ReplicaSetCluster rs) {
    List<String> names = new ArrayList<>();
    rs.direct(ARBITER).listDatabaseNames().into(names);
    names.removeAll(Set.of("admin", "local", "config"));
    assertThat(names).as("user databases on the arbiter").isEmpty();
    Document oplogEntry =
        rs.direct(ARBITER).getDatabase("local").getCollection("oplog.rs").find().first();
    assertThat(oplogEntry).as("an oplog entry on the arbiter").isNull();
  }

  private static void syncFromErrors(ReplicaSetCluster rs, int primary, int secondary) {
    assertThat(syncFromError(rs, secondary, rs.host(ARBITER)))
        .as("an arbiter is no sync source")
        .isEqualTo(72);
    assertThat(syncFromError(rs, ARBITER, rs.host(primary))).isEqualTo(136);
    assertThat(syncFromError(rs, primary, rs.host(secondary))).isEqualTo(136);
  }

  static int syncFromError(ReplicaSetCluster rs, int on, String target) {
    try {
      rs.direct(on).getDatabase("admin").runCommand(new Document("replSetSyncFrom", target));
      return 0;
    } catch (MongoCommandException e) {
      return e.getErrorCode();
    }
  }
}
