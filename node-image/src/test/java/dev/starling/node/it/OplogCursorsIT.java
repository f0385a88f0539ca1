package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * The cursors members hold open on each other: one tailable oplog cursor per member that tails
 * another, and no more, however long the set idles (the primary writes a no-op every 10 s, which
 * every secondary fetches) and after a member changes its sync source.
 */
class OplogCursorsIT {
  private static final long ELECTION_TIMEOUT = 2000;

  private static long openCursors(ReplicaSetCluster rs, int i) {
    return ServerStatus.openCursors(rs.direct(i));
  }

  private static String syncSource(ReplicaSetCluster rs, int i) {
    return rs.status(i).getString("syncSourceHost");
  }

  /** How many members tail member {@code i}, by their own replSetGetStatus. */
  private static long tailersOf(ReplicaSetCluster rs, int i) {
    return java.util.stream.IntStream.range(0, rs.size())
        .filter(m -> m != i && rs.host(i).equals(syncSource(rs, m)))
        .count();
  }

  @Test
  void anIdleSetHoldsOneOplogCursorPerTailingMemberAlsoAfterASyncSourceChange() {
    try (ReplicaSetCluster rs = ReplicaSetCluster.startInitiated("cursors", 3, ELECTION_TIMEOUT)) {
      int primary = rs.awaitPrimary();
      int[] secondaries =
          java.util.stream.IntStream.range(0, 3).filter(i -> i != primary).toArray();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                for (int s : secondaries) {
                  assertThat(syncSource(rs, s)).isEqualTo(rs.host(primary));
                }
                assertThat(openCursors(rs, primary)).isEqualTo(2);
              });

      // A minute of idling: six periodic no-ops fetched by both secondaries.
      await()
          .during(Duration.ofSeconds(60))
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                assertThat(openCursors(rs, primary)).as("on the primary").isEqualTo(2);
                for (int s : secondaries) {
                  assertThat(openCursors(rs, s)).as("on secondary %d", s).isZero();
                }
              });

      // One secondary moves to the other: its cursor on the primary must go at once.
      int mover = secondaries[0];
      int chained = secondaries[1];
      rs.direct(mover)
          .getDatabase("admin")
          .runCommand(new Document("replSetSyncFrom", rs.host(chained)));
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                assertThat(syncSource(rs, mover)).isEqualTo(rs.host(chained));
                assertThat(openCursors(rs, primary)).as("on the primary").isEqualTo(1);
                assertThat(openCursors(rs, chained)).as("on the chained secondary").isEqualTo(1);
                assertThat(openCursors(rs, mover)).as("on the mover").isZero();
              });

      // Idle on. A chained member may legitimately go back to the primary when a no-op reaches it
      // first; while it moves, the cursor it leaves may outlive the new one by a moment. Beyond
      // that one, nothing may accumulate, and afterwards each member holds exactly one cursor per
      // member tailing it.
      await()
          .during(Duration.ofSeconds(25))
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> openCursors(rs, 0) + openCursors(rs, 1) + openCursors(rs, 2) <= 3);
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                long total = 0;
                for (int i = 0; i < 3; i++) {
                  long open = openCursors(rs, i);
                  assertThat(open).as("cursors on member %d", i).isEqualTo(tailersOf(rs, i));
                  total += open;
                }
                assertThat(total).as("one cursor per secondary").isEqualTo(2);
              });
    }
  }
}
