package dev.starling.node.it;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoCollection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A set of two electable members and one hidden, delayed, priority-0 member: drivers never read
 * from the hidden member, the delayed member applies each entry only once its delay has passed and
 * then converges, and raising a secondary's priority moves the primary to it by priority takeover
 * within MongoDB's bound.
 */
class HiddenDelayedTakeoverIT {
  private static final long ELECTION_TIMEOUT_MILLIS = 2000;
  private static final long HEARTBEAT_INTERVAL_MILLIS = 1000;
  private static final int DELAY_SECS = 5;
  private static final int HIDDEN = 2;

  @TempDir Path work;

  @Test
  void hiddenDelayedMemberAndPriorityTakeover() throws Exception {
    try (ReplicaSetCluster rs = ReplicaSetCluster.start("hidden", 3)) {
      rs.initiate(
          new Document("_id", ReplicaSetCluster.SET)
              .append(
                  "members",
                  List.of(
                      rs.member(0, new Document()),
                      rs.member(1, new Document()),
                      rs.member(
                          HIDDEN,
                          new Document("priority", 0)
                              .append("hidden", true)
                              .append("secondaryDelaySecs", DELAY_SECS))))
              .append(
                  "settings",
                  new Document("electionTimeoutMillis", ELECTION_TIMEOUT_MILLIS)
                      .append("heartbeatIntervalMillis", HEARTBEAT_INTERVAL_MILLIS)));
      int primary = rs.awaitPrimaryAmong(List.of(0, 1));
      int secondary = 1 - primary;
      rs.awaitSecondaries(2);
      rs.direct(primary)
          .getDatabase("test")
          .getCollection("members")
          .insertOne(new Document("_id", "seed"));

      hiddenMemberGetsNoDriverReads(rs, primary, secondary);
      delayedMemberLagsThenConverges(rs, primary, secondary);
      priorityTakeoverWithinBound(rs, primary, secondary);
    }
  }

  private void hiddenMemberGetsNoDriverReads(ReplicaSetCluster rs, int primary, int secondary)
      throws Exception {
    Document hello = rs.hello(primary).orElseThrow();
    assertThat(hello.getList("hosts", String.class))
        .containsExactlyInAnyOrder(rs.host(0), rs.host(1));
    assertThat(hello.containsKey("passives")).isFalse();
    Document onHidden = rs.hello(HIDDEN).orElseThrow();
    assertThat(onHidden.getBoolean("hidden")).isTrue();
    assertThat(onHidden.get("secondaryDelaySecs", Number.class).longValue()).isEqualTo(DELAY_SECS);

    String hosts = IntStream.range(0, 3).mapToObj(rs::host).collect(Collectors.joining(","));
    Document secondaryReads =
        PyMongoScript.run(
            work,
            "pymongo-hidden-secondary",
            "pymongo_members.py",
            "reads",
            hosts,
            "1",
            "secondary",
            "30");
    assertThat(secondaryReads.getList("secondaries", String.class))
        .containsExactly(rs.host(secondary));
    assertThat(secondaryReads.getList("reads", String.class))
        .hasSize(30)
        .allMatch(rs.host(secondary)::equals);

    Document nearestReads =
        PyMongoScript.run(
            work,
            "pymongo-hidden-nearest",
            "pymongo_members.py",
            "reads",
            hosts,
            "1",
            "nearest",
            "60");
    assertThat(new HashSet<>(nearestReads.getList("reads", String.class)))
        .as("NEAREST with a wide localThresholdMS spreads over the visible members only")
        .containsExactlyInAnyOrder(rs.host(0), rs.host(1));
  }

  private void delayedMemberLagsThenConverges(ReplicaSetCluster rs, int primary, int secondary) {
    MongoCollection<Document> onPrimary =
        rs.direct(primary).getDatabase("test").getCollection("delayed");
    MongoCollection<Document> onDelayed =
        rs.direct(HIDDEN).getDatabase("test").getCollection("delayed");
    long writtenAfter = System.currentTimeMillis();
    onPrimary.insertOne(new Document("_id", "late"));

    // Once the other secondary has applied the write, the delayed member still has not.
    BsonTimestamp primaryLast = lastWrite(rs, primary);
    await()
        .atMost(Duration.ofSeconds(DELAY_SECS))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> lastWrite(rs, secondary).compareTo(primaryLast) >= 0);
    BsonTimestamp delayedLast = lastWrite(rs, HIDDEN);
    assertThat(System.currentTimeMillis()).isLessThan(writtenAfter + DELAY_SECS * 1000L);
    assertThat(delayedLast.compareTo(primaryLast))
        .as("the delayed member's last applied optime lags the primary's")
        .isLessThan(0);

    // Each poll: when its reply arrived, and whether the document was there.
    List<long[]> polls = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(DELAY_SECS + 60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              boolean present = onDelayed.find(eq("_id", "late")).first() != null;
              polls.add(new long[] {System.currentTimeMillis(), present ? 1 : 0});
              return present;
            });
    List<long[]> beforeDue =
        polls.stream().filter(p -> p[0] < writtenAfter + DELAY_SECS * 1000L).toList();
    assertThat(beforeDue)
        .as("reads answered before the write's time plus the delay")
        .hasSizeGreaterThan(5)
        .allMatch(p -> p[1] == 0);

    await()
        .atMost(Duration.ofSeconds(DELAY_SECS + 60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> rs.dbHash(HIDDEN, "test").equals(rs.dbHash(primary, "test")));
  }

  private static BsonTimestamp lastWrite(ReplicaSetCluster rs, int i) {
    Document lastWrite = rs.hello(i).orElseThrow().get("lastWrite", Document.class);
    return lastWrite.get("opTime", Document.class).get("ts", BsonTimestamp.class);
  }

  private void priorityTakeoverWithinBound(ReplicaSetCluster rs, int primary, int heir) {
    Document config =
        rs.direct(primary)
            .getDatabase("admin")
            .runCommand(new Document("replSetGetConfig", 1))
            .get("config", Document.class);
    config.put("version", config.getInteger("version") + 1);
    for (Document m : config.getList("members", Document.class)) {
      if (m.getInteger("_id") == heir) {
        m.put("priority", 3);
      }
    }
    int rank = 0; // the heir now has the highest priority
    long start = System.nanoTime();
    rs.direct(primary).getDatabase("admin").runCommand(new Document("replSetReconfig", config));
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> rs.isPrimary(heir));
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    long bound =
        (long) ((rank + 1) * ELECTION_TIMEOUT_MILLIS * 1.15) + 2 * HEARTBEAT_INTERVAL_MILLIS;
    System.out.printf("priority takeover: %d ms (bound %d ms)%n", tookMillis, bound);
    assertThat(tookMillis)
        .as("priority takeover took %d ms; bound %d ms", tookMillis, bound)
        .isLessThanOrEqualTo(bound);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> rs.isSecondary(primary));
  }
}
