package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * replSetReconfig over the Java sync driver against real members: every validation rule gives
 * mongod's code and leaves the config as it was; new voters are newlyAdded (not counted) until they
 * catch up; a reconfig returns once a majority has the new config and the next one is refused with
 * 308 until then; the implicit default write concern and setDefaultRWConcern.
 */
class ReconfigIT {
  private static final long ELECTION_TIMEOUT = 2_000;

  private static Document config(MongoDatabase admin, boolean withNewlyAdded) {
    Document cmd = new Document("replSetGetConfig", 1);
    if (withNewlyAdded) {
      cmd.append("$_internalIncludeNewlyAdded", true);
    }
    return admin.runCommand(cmd).get("config", Document.class);
  }

  private static Document reconfig(MongoDatabase admin, Document config) {
    return admin.runCommand(new Document("replSetReconfig", config));
  }

  /** The current config with version + 1, changed by {@code change}. */
  private static Document next(MongoDatabase admin, UnaryOperator<Document> change) {
    Document c = Document.parse(config(admin, false).toJson());
    c.put("version", c.get("version", Number.class).intValue() + 1);
    return change.apply(c);
  }

  private static List<Document> members(Document config) {
    return config.getList("members", Document.class);
  }

  private static Document member(Document config, int i) {
    return members(config).get(i);
  }

  private static Document withMembers(Document config, List<Document> members) {
    config.put("members", members);
    return config;
  }

  private record BadConfig(String rule, int code, String messagePart, UnaryOperator<Document> f) {}

  private static List<BadConfig> badConfigs(ReplicaSetCluster rs) {
    List<BadConfig> cases = new ArrayList<>();
    // Member rules (mongod's parser): 93 InvalidReplicaSetConfig.
    cases.add(new BadConfig("votes in {0,1}", 93, "votes", c -> put(c, 1, "votes", 2)));
    cases.add(new BadConfig("priority <= 1000", 93, "priority", c -> put(c, 1, "priority", 1001)));
    cases.add(new BadConfig("priority >= 0", 93, "priority", c -> put(c, 1, "priority", -1)));
    cases.add(
        new BadConfig(
            "priority > 0 needs a vote",
            93,
            "non-voting",
            c -> put(put(c, 1, "votes", 0), 1, "priority", 1)));
    cases.add(
        new BadConfig(
            "priority > 0 and hidden", 93, "hidden=true", c -> put(c, 1, "hidden", true)));
    cases.add(
        new BadConfig(
            "priority > 0 and delayed",
            93,
            "secondaryDelaySecs",
            c -> put(c, 1, "secondaryDelaySecs", 10)));
    cases.add(
        new BadConfig(
            "an arbiter has priority 0",
            93,
            "arbiterOnly",
            c ->
                add(
                    c,
                    new Document("_id", 7)
                        .append("host", "127.0.0.1:1")
                        .append("arbiterOnly", true)
                        .append("priority", 1))));
    cases.add(
        new BadConfig(
            "newlyAdded is the server's", 93, "newlyAdded", c -> put(c, 1, "newlyAdded", true)));
    // Set rules and unsafe changes (mongod's reconfig validation): 103.
    cases.add(
        new BadConfig(
            "at least one member", 103, "at least 1", c -> withMembers(c, new ArrayList<>())));
    cases.add(
        new BadConfig(
            "at most 50 members",
            103,
            "no more than 50",
            c -> {
              List<Document> ms = new ArrayList<>(members(c));
              for (int i = 3; i < 51; i++) {
                ms.add(
                    new Document("_id", i)
                        .append("host", "127.0.0.1:" + (40000 + i))
                        .append("votes", 0)
                        .append("priority", 0));
              }
              return withMembers(c, ms);
            }));
    cases.add(
        new BadConfig(
            "at most 7 voting members",
            103,
            "voting members",
            c -> {
              List<Document> ms = new ArrayList<>(members(c));
              for (int i = 3; i < 8; i++) {
                ms.add(new Document("_id", i).append("host", "127.0.0.1:" + (40000 + i)));
              }
              return withMembers(c, ms);
            }));
    cases.add(
        new BadConfig(
            "an electable member",
            103,
            "priority > 0",
            c -> put(put(put(c, 0, "priority", 0), 1, "priority", 0), 2, "priority", 0)));
    cases.add(new BadConfig("unique _ids", 103, "same _id", c -> put(c, 2, "_id", 1)));
    cases.add(new BadConfig("unique hosts", 103, "same host", c -> put(c, 2, "host", rs.host(1))));
    cases.add(new BadConfig("same set name", 103, "replica set name", c -> rename(c, "other")));
    cases.add(
        new BadConfig(
            "same replicaSetId",
            103,
            "replica set ID",
            c -> {
              c.get("settings", Document.class).put("replicaSetId", new ObjectId());
              return c;
            }));
    cases.add(
        new BadConfig(
            "arbiterOnly is immutable",
            103,
            "arbiterOnly",
            c -> put(put(c, 2, "arbiterOnly", true), 2, "priority", 0)));
    cases.add(
        new BadConfig(
            "buildIndexes is immutable",
            103,
            "buildIndexes",
            c -> put(put(c, 2, "buildIndexes", false), 2, "priority", 0)));
    cases.add(
        new BadConfig(
            "a host keeps its _id", 103, "both have members with host", c -> put(c, 2, "_id", 9)));
    cases.add(
        new BadConfig(
            "a higher version",
            103,
            "must be greater",
            c -> {
              c.put("version", c.get("version", Number.class).intValue() - 1);
              return c;
            }));
    cases.add(
        new BadConfig(
            "one voter removed at a time",
            103,
            "at most 1 voting member",
            c -> withMembers(c, new ArrayList<>(List.of(member(c, 0))))));
    cases.add(
        new BadConfig(
            "one vote taken away at a time",
            103,
            "at most 1 voting member",
            c ->
                put(
                    put(put(put(c, 1, "votes", 0), 1, "priority", 0), 2, "votes", 0),
                    2,
                    "priority",
                    0)));
    cases.add(
        new BadConfig(
            "an arbiter that changes the implicit default write concern",
            103,
            "implicit default write concern",
            c ->
                add(
                    c,
                    new Document("_id", 3)
                        .append("host", "127.0.0.1:1")
                        .append("arbiterOnly", true))));
    return cases;
  }

  private static Document put(Document c, int i, String field, Object value) {
    member(c, i).put(field, value);
    return c;
  }

  private static Document add(Document c, Document m) {
    List<Document> ms = new ArrayList<>(members(c));
    ms.add(m);
    return withMembers(c, ms);
  }

  private static Document rename(Document c, String name) {
    c.put("_id", name);
    return c;
  }

  @Test
  void everyInvalidOrUnsafeConfigIsRefusedWithMongodsCodeAndChangesNothing() {
    try (ReplicaSetCluster rs = ReplicaSetCluster.startInitiated("reconfig-bad", 3, 10_000)) {
      int primary = rs.awaitPrimary();
      MongoDatabase admin = rs.direct(primary).getDatabase("admin");
      Document before = config(admin, true);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  admin
                      .runCommand(
                          new Document("replSetGetConfig", 1).append("commitmentStatus", true))
                      .getBoolean("commitmentStatus"));
      for (BadConfig bad : badConfigs(rs)) {
        Document sent = next(admin, bad.f());
        assertThatThrownBy(() -> reconfig(admin, sent))
            .as(bad.rule())
            .isInstanceOfSatisfying(
                MongoCommandException.class,
                e -> {
                  assertThat(e.getErrorCode())
                      .as(bad.rule() + ": " + e.getMessage())
                      .isEqualTo(bad.code());
                  assertThat(e.getErrorMessage()).as(bad.rule()).contains(bad.messagePart());
                });
        Document after = config(admin, true);
        assertThat(after.get("version")).as(bad.rule()).isEqualTo(before.get("version"));
        assertThat(members(after)).as(bad.rule()).isEqualTo(members(before));
      }
      // force skips the safe-reconfig rules, not validation.
      Document forced = next(admin, c -> put(c, 1, "votes", 2));
      assertThatThrownBy(
              () -> admin.runCommand(new Document("replSetReconfig", forced).append("force", true)))
          .isInstanceOfSatisfying(
              MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(93));
      assertThat(config(admin, true).get("version")).isEqualTo(before.get("version"));

      // ... and with force, removing two voters at once is accepted.
      Document alone =
          next(admin, c -> withMembers(c, new ArrayList<>(List.of(member(c, primary)))));
      Document done =
          admin.runCommand(new Document("replSetReconfig", alone).append("force", true));
      assertThat(done.get("ok", Number.class).intValue()).isEqualTo(1);
      assertThat(members(config(admin, true))).hasSize(1);
    }
  }

  @Test
  void newVotersAreNewlyAddedAndUncountedUntilTheyCatchUp() {
    try (ReplicaSetCluster rs = ReplicaSetCluster.start("reconfig-add", 5)) {
      List<Document> three = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        three.add(new Document("_id", i).append("host", rs.host(i)));
      }
      rs.direct(0)
          .getDatabase("admin")
          .runCommand(
              new Document(
                  "replSetInitiate",
                  new Document("_id", ReplicaSetCluster.SET)
                      .append("members", three)
                      .append(
                          "settings", new Document("electionTimeoutMillis", ELECTION_TIMEOUT))));
      int primary = rs.awaitPrimaryAmong(List.of(0, 1, 2));
      rs.awaitSecondaries(2);
      MongoDatabase admin = rs.direct(primary).getDatabase("admin");
      rs.direct(primary)
          .getDatabase("test")
          .getCollection("docs")
          .insertOne(new Document("_id", "before"));
      // Members 3 and 4 are down while they are added: they cannot catch up.
      rs.node(3).terminate();
      rs.node(4).terminate();

      // Two new voters in one reconfig: allowed, as both are newlyAdded (not yet voters).
      Document added =
          reconfig(
              admin,
              next(
                  admin,
                  c ->
                      add(
                          add(c, new Document("_id", 3).append("host", rs.host(3))),
                          new Document("_id", 4).append("host", rs.host(4)))));
      assertThat(added.get("ok", Number.class).intValue()).isEqualTo(1);
      Document internal = config(admin, true);
      // It returned once a majority of the voters (the three old members) had the new config.
      long have =
          java.util.stream.IntStream.range(0, 3)
              .filter(
                  i ->
                      config(rs.direct(i).getDatabase("admin"), true)
                          .get("version")
                          .equals(internal.get("version")))
              .count();
      assertThat(have).isGreaterThanOrEqualTo(2);
      assertThat(member(internal, 3).getBoolean("newlyAdded")).isTrue();
      assertThat(member(internal, 4).getBoolean("newlyAdded")).isTrue();
      assertThat(member(config(admin, false), 3)).doesNotContainKey("newlyAdded");
      Document status = admin.runCommand(new Document("replSetGetStatus", 1));
      assertThat(status.get("votingMembersCount", Number.class).intValue()).isEqualTo(3);
      assertThat(status.get("majorityVoteCount", Number.class).intValue()).isEqualTo(2);
      assertThat(status.get("writeMajorityCount", Number.class).intValue()).isEqualTo(2);

      // With one old secondary down too, w:"majority" still needs only 2 of the 3 counted voters.
      int down = primary == 2 ? 1 : 2;
      rs.node(down).terminate();
      rs.direct(primary)
          .getDatabase("test")
          .getCollection("docs")
          .withWriteConcern(
              com.mongodb.WriteConcern.MAJORITY.withWTimeout(
                  20, java.util.concurrent.TimeUnit.SECONDS))
          .insertOne(new Document("_id", "counted-without-new-members"));
      rs.node(down).restartOnSamePorts();

      // Member 3 comes up, initial-syncs, and the primary clears its mark (an automatic reconfig).
      rs.node(3).restartOnSamePorts();
      int versionWhileNew = internal.get("version", Number.class).intValue();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                Document c = config(admin, true);
                assertThat(member(c, 3)).doesNotContainKey("newlyAdded");
                assertThat(member(c, 4).getBoolean("newlyAdded")).isTrue();
                assertThat(c.get("version", Number.class).intValue())
                    .isGreaterThan(versionWhileNew);
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          admin
                              .runCommand(new Document("replSetGetStatus", 1))
                              .get("votingMembersCount", Number.class)
                              .intValue())
                      .isEqualTo(4));
      await().atMost(Duration.ofSeconds(30)).until(() -> rs.isSecondary(3));
    }
  }

  @Test
  void aReconfigWaitsForAMajorityAndTheNextIsRefusedUntilThen() {
    try (ReplicaSetCluster rs =
        ReplicaSetCluster.startInitiated("reconfig-308", 3, ELECTION_TIMEOUT)) {
      int primary = rs.awaitPrimary();
      MongoDatabase admin = rs.direct(primary).getDatabase("admin");
      // A long election timeout keeps the primary primary while its secondaries are down.
      Document longTimeout =
          next(
              admin,
              c -> {
                c.get("settings", Document.class).put("electionTimeoutMillis", 120_000);
                return c;
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> reconfig(admin, longTimeout).get("ok", Number.class).intValue() == 1);
      List<Integer> secondaries = new ArrayList<>(List.of(0, 1, 2));
      secondaries.remove(Integer.valueOf(primary));
      for (int s : secondaries) {
        rs.node(s).terminate();
      }

      // No writeConcern: the implicit default is w:"majority", which cannot be reached now.
      Document noW =
          rs.direct(primary)
              .getDatabase("test")
              .runCommand(
                  new Document("insert", "docs")
                      .append("documents", List.of(new Document("_id", "implicit")))
                      .append("writeConcern", new Document("wtimeout", 1000)));
      assertThat(noW.get("writeConcernError", Document.class).getInteger("code")).isEqualTo(64);

      Document priority = next(admin, c -> put(c, primary, "priority", 2));
      assertThatThrownBy(
              () ->
                  admin.runCommand(
                      new Document("replSetReconfig", priority).append("maxTimeMS", 2000)))
          .isInstanceOfSatisfying(
              com.mongodb.MongoExecutionTimeoutException.class,
              e -> assertThat(e.getCode()).as(e.getMessage()).isEqualTo(50));
      assertThat(
              admin
                  .runCommand(new Document("replSetGetConfig", 1).append("commitmentStatus", true))
                  .getBoolean("commitmentStatus"))
          .isFalse();
      Document again = next(admin, c -> put(c, primary, "priority", 3));
      assertThatThrownBy(() -> reconfig(admin, again))
          .isInstanceOfSatisfying(
              MongoCommandException.class,
              e -> {
                assertThat(e.getErrorCode()).isEqualTo(308);
                assertThat(e.getErrorCodeName()).isEqualTo("CurrentConfigNotCommittedYet");
              });

      rs.node(secondaries.get(0)).restartOnSamePorts();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  admin
                      .runCommand(
                          new Document("replSetGetConfig", 1).append("commitmentStatus", true))
                      .getBoolean("commitmentStatus"));
      assertThat(
              reconfig(admin, next(admin, c -> put(c, primary, "priority", 3)))
                  .get("ok", Number.class)
                  .intValue())
          .isEqualTo(1);
    }
  }

  @Test
  void theDefaultWriteConcernIsImplicitUntilSetAndThenReplicatedAndUsed() {
    try (ReplicaSetCluster rs =
        ReplicaSetCluster.startInitiated("reconfig-cwwc", 3, ELECTION_TIMEOUT)) {
      int primary = rs.awaitPrimary();
      MongoDatabase admin = rs.direct(primary).getDatabase("admin");
      Document implicit = admin.runCommand(new Document("getDefaultRWConcern", 1));
      assertThat(implicit.get("defaultWriteConcern", Document.class))
          .isEqualTo(new Document("w", "majority").append("wtimeout", 0));
      assertThat(implicit.getString("defaultWriteConcernSource")).isEqualTo("implicit");
      assertThat(implicit.getString("defaultReadConcernSource")).isEqualTo("implicit");
      assertThat(implicit.get("defaultReadConcern", Document.class))
          .isEqualTo(new Document("level", "local"));
      assertThat(implicit).containsKey("localUpdateWallClockTime");

      assertThatThrownBy(() -> admin.runCommand(new Document("setDefaultRWConcern", 1)))
          .isInstanceOfSatisfying(
              MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(2));
      Document set =
          admin.runCommand(
              new Document("setDefaultRWConcern", 1)
                  .append("defaultWriteConcern", new Document("w", 3).append("wtimeout", 1500)));
      assertThat(set.get("defaultWriteConcern", Document.class))
          .isEqualTo(new Document("w", 3).append("wtimeout", 1500));
      assertThat(set.getString("defaultWriteConcernSource")).isEqualTo("global");

      // Replicated through the oplog: every member reports it.
      for (int i = 0; i < 3; i++) {
        int member = i;
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () ->
                    assertThat(
                            rs.direct(member)
                                .getDatabase("admin")
                                .runCommand(new Document("getDefaultRWConcern", 1))
                                .getString("defaultWriteConcernSource"))
                        .as("member %d", member)
                        .isEqualTo("global"));
      }

      // A write without writeConcern now waits for w:3: with a secondary down it times out.
      int down = primary == 2 ? 1 : 2;
      rs.node(down).terminate();
      Document defaulted =
          rs.direct(primary)
              .getDatabase("test")
              .runCommand(
                  new Document("insert", "docs")
                      .append("documents", List.of(new Document("_id", "defaulted"))));
      Document wce = defaulted.get("writeConcernError", Document.class);
      assertThat(wce.getInteger("code")).isEqualTo(64);
      Document explicit =
          rs.direct(primary)
              .getDatabase("test")
              .runCommand(
                  new Document("insert", "docs")
                      .append("documents", List.of(new Document("_id", "explicit")))
                      .append("writeConcern", new Document("w", 1)));
      assertThat(explicit).doesNotContainKey("writeConcernError");
      rs.node(down).restartOnSamePorts();

      // With a cluster-wide default set, an arbiter that changes the implicit default is allowed.
      Document arbiter =
          reconfig(
              admin,
              next(
                  admin,
                  c ->
                      add(
                          c,
                          new Document("_id", 3)
                              .append("host", "127.0.0.1:" + NodeProcess.freePort())
                              .append("arbiterOnly", true))));
      assertThat(arbiter.get("ok", Number.class).intValue()).isEqualTo(1);
    }
  }
}
