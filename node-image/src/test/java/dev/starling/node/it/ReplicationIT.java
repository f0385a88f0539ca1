package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** Three real node processes replicating, electing and failing over, seen by the Java driver. */
class ReplicationIT {
  private static final long ELECTION_TIMEOUT = 2000;

  private static long countOn(ReplicaSetCluster rs, int i, Document filter) {
    return rs.direct(i)
        .getDatabase("test")
        .withReadPreference(ReadPreference.primaryPreferred())
        .getCollection("docs")
        .countDocuments(filter);
  }

  @Test
  void majorityWritesAreOnAMajorityWhenAcknowledgedAndEveryMemberConverges() {
    try (ReplicaSetCluster rs = ReplicaSetCluster.startInitiated("repl", 3, ELECTION_TIMEOUT);
        MongoClient client = rs.client("")) {
      MongoCollection<Document> docs =
          client.getDatabase("test").getCollection("docs").withWriteConcern(WriteConcern.MAJORITY);
      for (int i = 0; i < 50; i++) {
        docs.insertOne(new Document("_id", i).append("v", "x" + i));
        Document filter = new Document("_id", i);
        long holders =
            java.util.stream.IntStream.range(0, 3).filter(m -> countOn(rs, m, filter) == 1).count();
        assertThat(holders).as("members holding acknowledged doc %d", i).isGreaterThanOrEqualTo(2);
      }
      docs.updateOne(new Document("_id", 3), new Document("$set", new Document("v", "changed")));
      docs.deleteOne(new Document("_id", 4));
      docs.createIndex(new Document("v", 1));
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                String primaryHash = rs.dbHash(0, "test");
                for (int m = 1; m < 3; m++) {
                  assertThat(rs.dbHash(m, "test")).isEqualTo(primaryHash);
                }
              });
      for (int m = 0; m < 3; m++) {
        Document changed =
            rs.direct(m)
                .getDatabase("test")
                .getCollection("docs")
                .find(new Document("_id", 3))
                .first();
        assertThat(changed).isNotNull();
        assertThat(changed.getString("v")).isEqualTo("changed");
        List<String> indexes = new ArrayList<>();
        rs.direct(m)
            .getDatabase("test")
            .getCollection("docs")
            .listIndexes()
            .forEach(ix -> indexes.add(ix.getString("name")));
        assertThat(indexes).contains("_id_", "v_1");
      }
    }
  }

  @Test
  void wThreeWithAMemberStoppedTimesOutWith64() {
    try (ReplicaSetCluster rs = ReplicaSetCluster.startInitiated("wc", 3, ELECTION_TIMEOUT)) {
      int primary = rs.awaitPrimary();
      int stopped = rs.others(primary).get(0);
      rs.node(stopped).terminate();
      MongoCollection<Document> docs = rs.direct(primary).getDatabase("test").getCollection("docs");
      docs.withWriteConcern(new WriteConcern(2).withWTimeout(10, TimeUnit.SECONDS))
          .insertOne(new Document("_id", "two"));
      assertThatThrownBy(
              () ->
                  docs.withWriteConcern(
                          new WriteConcern(3).withWTimeout(500, TimeUnit.MILLISECONDS))
                      .insertOne(new Document("_id", "three")))
          .isInstanceOfSatisfying(
              MongoWriteConcernException.class,
              e -> {
                assertThat(e.getWriteConcernError().getCode()).isEqualTo(64);
                assertThat(e.getWriteConcernError().getDetails().getBoolean("wtimeout").getValue())
                    .isEqualTo(true);
              });
      assertThat(docs.countDocuments(new Document("_id", "three"))).isEqualTo(1);
      assertThatThrownBy(
              () ->
                  docs.withWriteConcern(new WriteConcern(4)).insertOne(new Document("_id", "four")))
          .isInstanceOfSatisfying(
              MongoWriteConcernException.class,
              e -> assertThat(e.getWriteConcernError().getCode()).isEqualTo(100));
    }
  }

  @Test
  void twoDownLeavesAReadOnlySecondaryAndOneBackRestoresAPrimary() {
    try (ReplicaSetCluster rs = ReplicaSetCluster.startInitiated("minority", 3, ELECTION_TIMEOUT)) {
      int primary = rs.awaitPrimary();
      rs.direct(primary)
          .getDatabase("test")
          .getCollection("docs")
          .withWriteConcern(WriteConcern.MAJORITY)
          .insertOne(new Document("_id", "before"));
      List<Integer> rest = rs.others(primary);
      int survivor = rest.get(0);
      int downSecondary = rest.get(1);
      rs.node(primary).terminate();
      rs.node(downSecondary).terminate();
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> rs.isSecondary(survivor));
      MongoCollection<Document> docs =
          rs.direct(survivor).getDatabase("test").getCollection("docs");
      // The refusal carries the member's topologyVersion, as mongod's does: the driver sees that
      // the topology it knows explains the error, and keeps the member as a readable secondary.
      assertThatThrownBy(() -> docs.insertOne(new Document("_id", "refused")))
          .isInstanceOfSatisfying(
              MongoCommandException.class,
              e -> {
                assertThat(e.getCode()).isEqualTo(10107);
                assertThat(e.getResponse().getDocument("topologyVersion").containsKey("counter"))
                    .isTrue();
              });
      assertThat(
              docs.withReadPreference(ReadPreference.secondary())
                  .countDocuments(new Document("_id", "before")))
          .isEqualTo(1);
      // Stays a secondary: one of three cannot elect itself.
      assertThat(rs.isPrimary(survivor)).isFalse();

      rs.node(downSecondary).restartOnSamePorts();
      int newPrimary = rs.awaitPrimaryAmong(List.of(survivor, downSecondary));
      rs.direct(newPrimary)
          .getDatabase("test")
          .getCollection("docs")
          .withWriteConcern(WriteConcern.MAJORITY)
          .insertOne(new Document("_id", "after"));
    }
  }

  @Test
  void killedPrimaryIsReplacedAndNoMajorityWriteIsLost() {
    try (ReplicaSetCluster rs = ReplicaSetCluster.startInitiated("failover", 3, ELECTION_TIMEOUT);
        MongoClient client = rs.client("retryWrites=false")) {
      MongoCollection<Document> docs =
          client.getDatabase("test").getCollection("docs").withWriteConcern(WriteConcern.MAJORITY);
      for (int i = 0; i < 100; i++) {
        docs.insertOne(new Document("_id", i));
      }
      int primary = rs.awaitPrimary();
      long term = termOf(rs, primary);
      rs.node(primary).kill9();
      int next = rs.awaitPrimaryAmong(rs.others(primary));
      assertThat(termOf(rs, next)).isGreaterThan(term);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                docs.insertOne(new Document("_id", "after-failover"));
                return true;
              });
      assertThat(docs.countDocuments(new Document("_id", new Document("$lt", 100)))).isEqualTo(100);

      rs.node(primary).restartOnSamePorts();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> rs.isSecondary(primary));
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> assertThat(rs.dbHash(primary, "test")).isEqualTo(rs.dbHash(next, "test")));
    }
  }

  @Test
  void stepDownHandsOverToACaughtUpSecondaryAndFreezeKeepsANodeOut() {
    try (ReplicaSetCluster rs = ReplicaSetCluster.startInitiated("stepdown", 3, ELECTION_TIMEOUT)) {
      int primary = rs.awaitPrimary();
      List<Integer> rest = rs.others(primary);
      int frozen = rest.get(0);
      int heir = rest.get(1);
      rs.direct(primary)
          .getDatabase("test")
          .getCollection("docs")
          .withWriteConcern(WriteConcern.MAJORITY)
          .insertOne(new Document("_id", 1));
      Document freeze =
          rs.direct(frozen).getDatabase("admin").runCommand(new Document("replSetFreeze", 120));
      assertThat(freeze.get("ok", Number.class).intValue()).isEqualTo(1);

      rs.direct(primary)
          .getDatabase("admin")
          .runCommand(new Document("replSetStepDown", 60).append("secondaryCatchUpPeriodSecs", 10));
      assertThat(rs.awaitPrimaryAmong(List.of(heir))).isEqualTo(heir);
      assertThat(rs.isPrimary(frozen)).isFalse();
      // The old primary's connection stayed open and answers.
      assertThat(rs.isSecondary(primary)).isTrue();
      // The new primary stamped the config with its term (same version), and every member has it.
      long newTerm = termOf(rs, heir);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                for (int i = 0; i < 3; i++) {
                  Document config =
                      rs.direct(i)
                          .getDatabase("admin")
                          .runCommand(new Document("replSetGetConfig", 1))
                          .get("config", Document.class);
                  assertThat(config.getLong("term")).isEqualTo(newTerm);
                  assertThat(config.getInteger("version")).isEqualTo(1);
                }
              });

      assertThatThrownBy(
              () ->
                  rs.direct(frozen)
                      .getDatabase("admin")
                      .runCommand(new Document("replSetStepDown", 60)))
          .isInstanceOfSatisfying(
              MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(10107));
    }
  }

  @Test
  void majorityReadsSeeOnlyMajorityCommittedData() {
    try (ReplicaSetCluster rs =
        ReplicaSetCluster.startInitiated(
            "readmajority", 3, 10_000, "--setParameter", "enableTestCommands=1")) {
      int primary = rs.awaitPrimary();
      // w:1 explicitly: the implicit default is w:"majority", which the local-only writes never
      // reach.
      MongoCollection<Document> docs =
          rs.direct(primary)
              .getDatabase("test")
              .getCollection("docs")
              .withWriteConcern(WriteConcern.W1);
      docs.withWriteConcern(WriteConcern.MAJORITY).insertOne(new Document("_id", "committed"));
      MongoCollection<Document> majority = docs.withReadConcern(com.mongodb.ReadConcern.MAJORITY);
      assertThat(majority.countDocuments(new Document("_id", "committed"))).isEqualTo(1);

      rs.direct(primary)
          .getDatabase("admin")
          .runCommand(
              new Document("configureFailPoint", "dropReplicationTraffic")
                  .append("mode", "alwaysOn"));
      docs.insertOne(new Document("_id", "local-only"));
      docs.updateOne(
          new Document("_id", "committed"), new Document("$set", new Document("changed", true)));
      assertThat(docs.countDocuments(new Document("_id", "local-only"))).isEqualTo(1);
      assertThat(majority.find(new Document("_id", "local-only")).first()).isNull();
      assertThat(majority.find(new Document("_id", "committed")).first())
          .doesNotContainKey("changed");
      assertThat(
              majority
                  .aggregate(List.of(new Document("$match", new Document())))
                  .into(new ArrayList<>()))
          .extracting(d -> d.get("_id"))
          .containsExactly("committed");

      rs.direct(primary)
          .getDatabase("admin")
          .runCommand(
              new Document("configureFailPoint", "dropReplicationTraffic").append("mode", "off"));
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(majority.countDocuments(new Document("_id", "local-only")))
                      .isEqualTo(1));
      assertThat(majority.find(new Document("_id", "committed")).first())
          .containsEntry("changed", true);
    }
  }

  @Test
  void aPrimaryPausedForHalfTheElectionTimeoutCausesNoElection() throws InterruptedException {
    try (ReplicaSetCluster rs = ReplicaSetCluster.startInitiated("pause", 3, ELECTION_TIMEOUT)) {
      int primary = rs.awaitPrimary();
      MongoCollection<Document> docs =
          rs.direct(primary)
              .getDatabase("test")
              .getCollection("docs")
              .withWriteConcern(WriteConcern.MAJORITY);
      docs.insertOne(new Document("_id", "before"));
      long term = termOf(rs, primary);
      for (int trial = 0; trial < 3; trial++) {
        rs.node(primary).pause();
        try {
          // The pause is the experiment itself: half the election timeout of silence.
          Thread.sleep(ELECTION_TIMEOUT / 2);
        } finally {
          rs.node(primary).resume();
        }
        docs.insertOne(new Document("_id", "after-" + trial));
      }
      for (int i = 0; i < 3; i++) {
        assertThat(termOf(rs, i)).as("term on member %d", i).isEqualTo(term);
      }
      assertThat(rs.isPrimary(primary)).isTrue();
    }
  }

  private static long termOf(ReplicaSetCluster rs, int i) {
    Document status =
        rs.direct(i).getDatabase("admin").runCommand(new Document("replSetGetStatus", 1));
    return status.get("term", Number.class).longValue();
  }
}
