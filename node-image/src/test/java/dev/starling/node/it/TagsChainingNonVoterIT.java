package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.mongodb.MongoWriteConcernException;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four members in two data centers: 0 (west, priority 2), 1 (east), 2 (west) and a non-voting
 * priority-0 member 3 (west), with {@code chainingAllowed: false} and the mode {@code twoDCs: {dc:
 * 2}}. Tag sets route PyMongo's reads, {@code w: "twoDCs"} waits for both data centers, chaining
 * off makes every secondary sync from the primary, replSetSyncFrom redirects one, and the non-voter
 * does not count toward a majority.
 */
class TagsChainingNonVoterIT {
  private static final long ELECTION_TIMEOUT_MILLIS = 2000;
  private static final int PRIMARY = 0;
  private static final int EAST = 1;
  private static final int WEST = 2;
  private static final int NON_VOTER = 3;

  @TempDir Path work;

  @Test
  void tagsChainingAndNonVoter() throws Exception {
    try (ReplicaSetCluster rs = ReplicaSetCluster.start("tags", 4)) {
      rs.initiate(
          new Document("_id", ReplicaSetCluster.SET)
              .append(
                  "members",
                  List.of(
                      rs.member(
                          PRIMARY,
                          new Document("priority", 2).append("tags", new Document("dc", "west"))),
                      rs.member(EAST, new Document("tags", new Document("dc", "east"))),
                      rs.member(WEST, new Document("tags", new Document("dc", "west"))),
                      rs.member(
                          NON_VOTER,
                          new Document("votes", 0)
                              .append("priority", 0)
                              .append("tags", new Document("dc", "west")))))
              .append(
                  "settings",
                  new Document("electionTimeoutMillis", ELECTION_TIMEOUT_MILLIS)
                      .append("heartbeatIntervalMillis", 1000)
                      .append("chainingAllowed", false)
                      .append("getLastErrorModes", new Document("twoDCs", new Document("dc", 2)))));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> rs.isPrimary(PRIMARY));
      rs.awaitSecondaries(3);
      assertThat(rs.hello(EAST).orElseThrow().get("tags", Document.class))
          .isEqualTo(new Document("dc", "east"));
      assertThat(rs.hello(PRIMARY).orElseThrow().getList("passives", String.class))
          .containsExactly(rs.host(NON_VOTER));
      assertThat(rs.hello(NON_VOTER).orElseThrow().getBoolean("passive")).isTrue();

      chainingDisallowedSyncsFromThePrimary(rs);
      tagSetsRouteReads(rs);
      tagModeWriteConcern(rs);
      syncFromRedirectsASecondary(rs);
      nonVoterDoesNotCountTowardsMajority(rs);
    }
  }

  private static void chainingDisallowedSyncsFromThePrimary(ReplicaSetCluster rs) {
    rs.direct(PRIMARY)
        .getDatabase("test")
        .getCollection("members")
        .withWriteConcern(new WriteConcern(4))
        .insertOne(new Document("_id", "seed"));
    for (int i : List.of(EAST, WEST, NON_VOTER)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () ->
                  assertThat(rs.status(i).getString("syncSourceHost")).isEqualTo(rs.host(PRIMARY)));
    }
    // While writes flow, no secondary ever syncs from another secondary. (Between fetches a
    // caught-up member may have no source at all, as in mongod: only a member ahead is chosen.)
    MongoCollection<Document> coll =
        rs.direct(PRIMARY).getDatabase("test").getCollection("chaining");
    int[] n = {0};
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              coll.insertOne(new Document("_id", n[0]++));
              for (int i : List.of(EAST, WEST, NON_VOTER)) {
                String source = rs.status(i).getString("syncSourceHost");
                if (!source.isEmpty() && !source.equals(rs.host(PRIMARY))) {
                  return false;
                }
              }
              return true;
            });
  }

  private void tagSetsRouteReads(ReplicaSetCluster rs) throws Exception {
    String hosts = IntStream.range(0, 4).mapToObj(rs::host).collect(Collectors.joining(","));
    Document east =
        PyMongoScript.run(
            work,
            "pymongo-tag-sets",
            "pymongo_members.py",
            "reads",
            hosts,
            "3",
            "secondary",
            "30",
            "[{\"dc\": \"east\"}, {}]");
    assertThat(east.getList("reads", String.class)).hasSize(30).allMatch(rs.host(EAST)::equals);

    Document twoDCs =
        PyMongoScript.run(work, "pymongo-w-twoDCs", "pymongo_members.py", "write", hosts, "twoDCs");
    assertThat(twoDCs.get("code")).isNull();
    Document unknown =
        PyMongoScript.run(
            work, "pymongo-w-unknown", "pymongo_members.py", "write", hosts, "threeDCs");
    assertThat(unknown.getInteger("code")).isEqualTo(79);
  }

  private static void tagModeWriteConcern(ReplicaSetCluster rs) {
    MongoCollection<Document> coll =
        rs.direct(PRIMARY).getDatabase("test").getCollection("members");
    coll.withWriteConcern(new WriteConcern("twoDCs").withWTimeout(30, TimeUnit.SECONDS))
        .insertOne(new Document("_id", "both-up"));

    rs.node(EAST).terminate();
    assertThatThrownBy(
            () ->
                coll.withWriteConcern(
                        new WriteConcern("twoDCs").withWTimeout(2000, TimeUnit.MILLISECONDS))
                    .insertOne(new Document("_id", "east-down")))
        .isInstanceOfSatisfying(
            MongoWriteConcernException.class,
            e -> assertThat(e.getWriteConcernError().getCode()).isEqualTo(64));
    // Enough members of one data center do not satisfy it either.
    assertThat(rs.isPrimary(PRIMARY)).isTrue();

    rs.node(EAST).restartOnSamePorts();
    coll.withWriteConcern(new WriteConcern("twoDCs").withWTimeout(60, TimeUnit.SECONDS))
        .insertOne(new Document("_id", "east-back"));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> rs.isSecondary(EAST));
  }

  private static void syncFromRedirectsASecondary(ReplicaSetCluster rs) {
    assertThat(ArbiterIT.syncFromError(rs, NON_VOTER, rs.host(NON_VOTER))).isEqualTo(72);
    assertThat(ArbiterIT.syncFromError(rs, NON_VOTER, "127.0.0.1:1")).isEqualTo(74);

    Document config =
        rs.direct(PRIMARY)
            .getDatabase("admin")
            .runCommand(new Document("replSetGetConfig", 1))
            .get("config", Document.class);
    config.put("version", config.getInteger("version") + 1);
    config.get("settings", Document.class).put("chainingAllowed", true);
    rs.direct(PRIMARY).getDatabase("admin").runCommand(new Document("replSetReconfig", config));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                rs.direct(NON_VOTER)
                        .getDatabase("admin")
                        .runCommand(new Document("replSetGetConfig", 1))
                        .get("config", Document.class)
                        .getInteger("version")
                    == config.getInteger("version"));

    // replSetSyncFrom names the source it replaces. A caught-up member whose fetch just ended may
    // briefly have none (it only picks a member that is ahead); then the reply has no
    // prevSyncTarget and we ask again from the state we find.
    String target = null;
    Document reply = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      String current = awaitSomeSyncSource(rs, NON_VOTER);
      target = current.equals(rs.host(WEST)) ? rs.host(PRIMARY) : rs.host(WEST);
      reply =
          rs.direct(NON_VOTER)
              .getDatabase("admin")
              .runCommand(new Document("replSetSyncFrom", target));
      assertThat(reply.getString("syncFromRequested")).isEqualTo(target);
      if (reply.containsKey("prevSyncTarget")) {
        assertThat(reply.getString("prevSyncTarget")).isEqualTo(current);
        break;
      }
    }
    assertThat(reply.containsKey("prevSyncTarget")).as("reply %s", reply.toJson()).isTrue();
    String requested = target;
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertThat(rs.status(NON_VOTER).getString("syncSourceHost")).isEqualTo(requested));
    rs.direct(PRIMARY)
        .getDatabase("test")
        .getCollection("members")
        .withWriteConcern(new WriteConcern(4).withWTimeout(30, TimeUnit.SECONDS))
        .insertOne(new Document("_id", "after-sync-from"));
  }

  /** Waits until member {@code i} has a sync source (writing so that one is ahead); returns it. */
  private static String awaitSomeSyncSource(ReplicaSetCluster rs, int i) {
    MongoCollection<Document> coll = rs.direct(PRIMARY).getDatabase("test").getCollection("nudge");
    String[] source = {""};
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              source[0] = rs.status(i).getString("syncSourceHost");
              if (source[0].isEmpty()) {
                coll.insertOne(new Document());
              }
              return !source[0].isEmpty();
            });
    return source[0];
  }

  private static void nonVoterDoesNotCountTowardsMajority(ReplicaSetCluster rs) {
    rs.node(EAST).terminate();
    rs.node(WEST).terminate();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !rs.isPrimary(PRIMARY));
    await()
        .during(Duration.ofMillis(3 * ELECTION_TIMEOUT_MILLIS))
        .atMost(Duration.ofMillis(3 * ELECTION_TIMEOUT_MILLIS + 30_000))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                rs.hello(NON_VOTER).isPresent()
                    && !rs.isPrimary(PRIMARY)
                    && !rs.isPrimary(NON_VOTER));
  }
}
