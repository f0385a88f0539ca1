package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A new primary that is behind another member catches up before it takes writes, so the entries
 * only the old primary held survive instead of being rolled back; and when it cannot catch up, the
 * fresher member takes over (catch-up takeover).
 *
 * <p>Both tests make the same history: the secondaries' fetching is stopped with the {@code
 * stopReplProducer} fail point, the primary takes five w:1 writes only it holds, and {@code
 * replSetStepUp} makes a secondary run. The old primary refuses its vote (it is fresher), the other
 * secondary grants it, so the winner is behind the old primary.
 */
class CatchUpIT {
  private static void failPoint(ReplicaSetCluster rs, int member, String mode) {
    rs.direct(member)
        .getDatabase("admin")
        .runCommand(new Document("configureFailPoint", "stopReplProducer").append("mode", mode));
  }

  private static ReplicaSetCluster start(String name, long catchUpTakeoverDelayMillis) {
    ReplicaSetCluster rs =
        ReplicaSetCluster.start(name, 3, "--setParameter", "enableTestCommands=1");
    try {
      Document config = rs.config(2000);
      config
          .get("settings", Document.class)
          .append("catchUpTakeoverDelayMillis", catchUpTakeoverDelayMillis);
      rs.direct(0).getDatabase("admin").runCommand(new Document("replSetInitiate", config));
      rs.awaitPrimary();
      rs.awaitSecondaries(2);
      return rs;
    } catch (RuntimeException | Error e) {
      rs.close();
      throw e;
    }
  }

  private static int[] others(int primary) {
    return java.util.stream.IntStream.range(0, 3).filter(i -> i != primary).toArray();
  }

  /** Writes five docs only {@code primary} gets; returns the collection on it. */
  private static void writeOnlyOnPrimary(ReplicaSetCluster rs, int primary) {
    // w:1: the implicit default (majority) would wait for secondaries that no longer fetch.
    MongoCollection<Document> docs =
        rs.direct(primary)
            .getDatabase("test")
            .getCollection("docs")
            .withWriteConcern(WriteConcern.W1);
    docs.insertOne(new Document("_id", "everywhere"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                List.of(0, 1, 2).stream()
                    .allMatch(
                        i ->
                            rs.direct(i)
                                    .getDatabase("test")
                                    .getCollection("docs")
                                    .countDocuments(new Document("_id", "everywhere"))
                                == 1));
    for (int i : others(primary)) {
      failPoint(rs, i, "alwaysOn");
    }
    for (int i = 0; i < 5; i++) {
      docs.insertOne(new Document("_id", "only-on-old-primary-" + i));
    }
    for (int i : others(primary)) {
      assertThat(rs.direct(i).getDatabase("test").getCollection("docs").countDocuments())
          .isEqualTo(1);
    }
  }

  private static long countOn(ReplicaSetCluster rs, int member) {
    return rs.direct(member).getDatabase("test").getCollection("docs").countDocuments();
  }

  private static Document status(ReplicaSetCluster rs, int member) {
    return rs.direct(member).getDatabase("admin").runCommand(new Document("replSetGetStatus", 1));
  }

  @Test
  void aNewPrimaryBehindTheOldOneCatchesUpBeforeTakingWrites() throws Exception {
    try (ReplicaSetCluster rs = start("catchup", 30_000)) {
      int old = rs.awaitPrimary();
      int winner = others(old)[0];
      writeOnlyOnPrimary(rs, old);

      rs.direct(winner).getDatabase("admin").runCommand(new Document("replSetStepUp", 1));
      // Elected (PRIMARY in replSetGetStatus) but not writable: it cannot fetch yet.
      assertThat(status(rs, winner).getInteger("myState")).isEqualTo(1);
      assertThat(rs.hello(winner).orElseThrow().getBoolean("isWritablePrimary")).isFalse();
      assertThat(rs.isPrimary(old)).as("the old primary stepped down for the new term").isFalse();

      failPoint(rs, winner, "off");
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> rs.isPrimary(winner));
      assertThat(countOn(rs, winner)).as("the old primary's writes were kept").isEqualTo(6);
      rs.direct(winner)
          .getDatabase("test")
          .getCollection("docs")
          .insertOne(new Document("_id", "after"));

      for (int i : others(old)) {
        failPoint(rs, i, "off");
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  List.of(0, 1, 2).stream().allMatch(i -> countOn(rs, i) == 7)
                      && rs.dbHash(0, "test").equals(rs.dbHash(1, "test"))
                      && rs.dbHash(1, "test").equals(rs.dbHash(2, "test")));
      assertThat(Files.exists(rs.node(old).dbPath().resolve("rollback")))
          .as("nothing was rolled back")
          .isFalse();
    }
  }

  @Test
  void aFresherSecondaryTakesOverFromAPrimaryThatCannotCatchUp() {
    try (ReplicaSetCluster rs = start("catchup-takeover", 1_000)) {
      int old = rs.awaitPrimary();
      int winner = others(old)[0];
      writeOnlyOnPrimary(rs, old);
      long termBefore = status(rs, old).getLong("term");

      rs.direct(winner).getDatabase("admin").runCommand(new Document("replSetStepUp", 1));
      assertThat(status(rs, winner).getInteger("myState")).isEqualTo(1);

      // The winner cannot fetch; the old primary, fresher, takes over after the 1 s delay.
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> rs.isPrimary(old));
      assertThat(status(rs, old).getLong("term")).isGreaterThanOrEqualTo(termBefore + 2);
      assertThat(countOn(rs, old)).isEqualTo(6);
      assertThat(rs.isPrimary(winner)).isFalse();

      for (int i : others(old)) {
        failPoint(rs, i, "off");
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> List.of(0, 1, 2).stream().allMatch(i -> countOn(rs, i) == 6));
    }
  }
}
