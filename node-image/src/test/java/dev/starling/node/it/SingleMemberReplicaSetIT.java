package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node started with --replSet rs0, initiated as a one-member set, used by real clients. */
class SingleMemberReplicaSetIT {
  @TempDir Path work;

  private static Document hello(MongoClient direct) {
    return direct.getDatabase("admin").runCommand(new Document("hello", 1));
  }

  private static void awaitPrimary(MongoClient direct) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> hello(direct).getBoolean("isWritablePrimary"));
  }

  /** Initiates a one-member set rs0 of {@code self} and waits until it is primary. */
  private static void initiateAlone(MongoClient direct, String self) {
    direct
        .getDatabase("admin")
        .runCommand(
            new Document(
                "replSetInitiate",
                new Document("_id", "rs0")
                    .append("members", List.of(new Document("_id", 0).append("host", self)))));
    awaitPrimary(direct);
  }

  private static MongoClient replicaSetClient(NodeProcess node) {
    return MongoClients.create(
        MongoClientSettings.builder()
            .applyConnectionString(
                new ConnectionString("mongodb://127.0.0.1:" + node.port() + "/?replicaSet=rs0"))
            .applyToClusterSettings(b -> b.serverSelectionTimeout(10, TimeUnit.SECONDS))
            .build());
  }

  private static int readyz(NodeProcess node) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/readyz"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    }
  }

  private static int code(Runnable r) {
    try {
      r.run();
    } catch (MongoException e) {
      return e.getCode();
    }
    throw new AssertionError("no error");
  }

  @Test
  void javaDriverInitiatesDiscoversWritesAndTheSetSurvivesARestart() throws Exception {
    try (NodeProcess node = NodeProcess.start("rs-java", "--replSet", "rs0")) {
      String self = "localhost:" + node.port();
      try (MongoClient direct = node.client()) {
        Document ghost = hello(direct);
        assertThat(ghost.getBoolean("isWritablePrimary")).isFalse();
        assertThat(ghost.getBoolean("secondary")).isFalse();
        assertThat(ghost.getBoolean("isreplicaset")).isTrue();
        assertThat(ghost.getString("info")).isEqualTo("Does not have a valid replica set config");
        assertThat(ghost).doesNotContainKey("setName");
        assertThat(readyz(node)).isEqualTo(503);
        assertThat(
                code(
                    () ->
                        direct
                            .getDatabase("test")
                            .runCommand(
                                new Document("insert", "rs")
                                    .append("documents", List.of(new Document("_id", 0))))))
            .isEqualTo(10107);
        assertThat(
                code(
                    () ->
                        direct
                            .getDatabase("admin")
                            .runCommand(new Document("replSetGetStatus", 1))))
            .isEqualTo(94);
        assertThat(
                code(
                    () ->
                        direct
                            .getDatabase("admin")
                            .runCommand(
                                new Document(
                                    "replSetInitiate",
                                    new Document("_id", "rs0")
                                        .append(
                                            "members",
                                            List.of(
                                                new Document("_id", 0).append("host", self),
                                                new Document("_id", 0)
                                                    .append("host", "other:27017")))))))
            .isEqualTo(93);

        initiateAlone(direct, self);
        assertThat(
                code(
                    () ->
                        direct.getDatabase("admin").runCommand(new Document("replSetInitiate", 1))))
            .isEqualTo(23);

        Document hello = hello(direct);
        assertThat(hello.getString("setName")).isEqualTo("rs0");
        assertThat(hello.getInteger("setVersion")).isEqualTo(1);
        assertThat(hello.getList("hosts", String.class)).containsExactly(self);
        assertThat(hello.getString("primary")).isEqualTo(self);
        assertThat(hello.getString("me")).isEqualTo(self);
        assertThat(hello.getBoolean("secondary")).isFalse();
        assertThat(hello.get("electionId")).isEqualTo(new ObjectId("7fffffff0000000000000001"));
        assertThat(hello.get("lastWrite", Document.class)).containsKeys("opTime", "lastWriteDate");
        assertThat(readyz(node)).isEqualTo(200);
      }

      List<Document> oplog;
      Document config;
      try (MongoClient rs = replicaSetClient(node)) {
        MongoCollection<Document> c = rs.getDatabase("test").getCollection("rs");
        c.insertMany(List.of(new Document("_id", 1), new Document("_id", 2)));
        c.updateOne(Filters.eq("_id", 1), Updates.set("x", 5));
        c.deleteOne(Filters.eq("_id", 2));
        assertThat(rs.getClusterDescription().getType().name()).isEqualTo("REPLICA_SET");

        MongoCollection<Document> oplogRs = rs.getDatabase("local").getCollection("oplog.rs");
        oplog =
            oplogRs
                .find(Filters.eq("ns", "test.rs"))
                .sort(new Document("$natural", 1))
                .into(new ArrayList<>());
        assertThat(oplog).extracting(e -> e.getString("op")).containsExactly("i", "i", "u", "d");
        List<BsonTimestamp> ts = oplog.stream().map(e -> e.get("ts", BsonTimestamp.class)).toList();
        assertThat(ts).isSorted().doesNotHaveDuplicates();
        Document update = oplog.get(2);
        assertThat(update.get("o", Document.class))
            .isEqualTo(new Document("_id", 1).append("x", 5));
        assertThat(update.get("o2", Document.class)).isEqualTo(new Document("_id", 1));
        assertThat(update.getLong("t")).isEqualTo(1L);
        assertThat(update.getLong("v")).isEqualTo(2L);
        assertThat(update).containsKeys("ui", "wall");
        assertThat(oplog.get(3).get("o", Document.class)).isEqualTo(new Document("_id", 2));

        Document last = oplogRs.find().sort(new Document("$natural", -1)).limit(1).first();
        assertThat(last).isEqualTo(oplog.get(3));
        assertThat(oplogRs.find().sort(Sorts.descending("ts")).limit(1).first()).isEqualTo(last);
        Document first = oplogRs.find().sort(new Document("$natural", 1)).first();
        assertThat(first.getString("op")).isEqualTo("n");
        assertThat(first.get("o", Document.class)).isEqualTo(new Document("msg", "new primary"));

        Document status = rs.getDatabase("admin").runCommand(new Document("replSetGetStatus", 1));
        assertThat(status.getString("set")).isEqualTo("rs0");
        assertThat(status.getInteger("myState")).isEqualTo(1);
        Document me = status.getList("members", Document.class).get(0);
        assertThat(me.getString("name")).isEqualTo(self);
        assertThat(me.getString("stateStr")).isEqualTo("PRIMARY");
        assertThat(me.getBoolean("self")).isTrue();
        assertThat(me).containsKeys("optime", "optimeDate", "electionTime", "uptime");
        assertThat(me.get("optime", Document.class).get("ts")).isEqualTo(last.get("ts"));
        assertThat(status.get("optimes", Document.class))
            .containsKeys("lastCommittedOpTime", "appliedOpTime", "durableOpTime");
        config =
            rs.getDatabase("admin")
                .runCommand(new Document("replSetGetConfig", 1))
                .get("config", Document.class);
        assertThat(config.getString("_id")).isEqualTo("rs0");
      }

      assertThat(node.terminate()).isZero();
      node.restartOnSamePorts();
      try (MongoClient direct = node.client()) {
        awaitPrimary(direct);
        // The same config, stamped with the term of the primary that took over after the restart
        // (as mongod does on step-up).
        assertThat(config.getLong("term")).isEqualTo(1L);
        Document restored =
            direct
                .getDatabase("admin")
                .runCommand(new Document("replSetGetConfig", 1))
                .get("config", Document.class);
        assertThat(restored.getLong("term")).isEqualTo(2L);
        assertThat(new Document(restored).append("term", 1L)).isEqualTo(config);
        Document status =
            direct.getDatabase("admin").runCommand(new Document("replSetGetStatus", 1));
        assertThat(status.getLong("term")).isEqualTo(2L);
      }
      try (MongoClient rs = replicaSetClient(node)) {
        MongoCollection<Document> c = rs.getDatabase("test").getCollection("rs");
        assertThat(c.find().into(new ArrayList<>()))
            .containsExactly(new Document("_id", 1).append("x", 5));
        c.insertOne(new Document("_id", 3));
        List<Document> after =
            rs.getDatabase("local")
                .getCollection("oplog.rs")
                .find(Filters.eq("ns", "test.rs"))
                .into(new ArrayList<>());
        assertThat(after.subList(0, 4)).isEqualTo(oplog);
        assertThat(after.get(4).getLong("t")).isEqualTo(2L);
      }
    }
  }

  @Test
  void awaitableHelloAnswersWhenTheTopologyChangesOrItsWaitEnds() throws Exception {
    try (NodeProcess node = NodeProcess.start("rs-hello", "--replSet", "rs0");
        MongoClient direct = node.client();
        MongoClient watcher = node.client()) {
      Document ghost = hello(direct).get("topologyVersion", Document.class);
      assertThat(ghost.get("processId")).isInstanceOf(ObjectId.class);
      initiateAlone(direct, "localhost:" + node.port());
      Document primary = hello(direct).get("topologyVersion", Document.class);
      assertThat(primary.getObjectId("processId")).isEqualTo(ghost.getObjectId("processId"));
      assertThat(primary.getLong("counter")).isGreaterThan(ghost.getLong("counter"));

      // Nothing changes: the reply comes when the wait ends, with the same version.
      Document unchanged = awaitableHello(watcher, primary, 300);
      assertThat(unchanged.get("topologyVersion", Document.class)).isEqualTo(primary);
      assertThat(unchanged.getBoolean("isWritablePrimary")).isTrue();
      // A version the node is past (an older counter) is answered at once.
      Document behind = new Document(primary).append("counter", primary.getLong("counter") - 1);
      assertThat(awaitableHello(watcher, behind, 30_000).getBoolean("isWritablePrimary")).isTrue();

      // The Java driver monitors by streaming: its hellos are awaited, and none fails.
      java.util.List<com.mongodb.event.ServerHeartbeatSucceededEvent> heartbeats =
          new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.List<com.mongodb.event.ServerHeartbeatFailedEvent> failed =
          new java.util.concurrent.CopyOnWriteArrayList<>();
      MongoClient streaming =
          MongoClients.create(
              MongoClientSettings.builder()
                  .applyConnectionString(
                      new ConnectionString(
                          "mongodb://127.0.0.1:" + node.port() + "/?directConnection=true"))
                  .applyToServerSettings(
                      b ->
                          b.heartbeatFrequency(20, TimeUnit.SECONDS)
                              .addServerMonitorListener(
                                  new com.mongodb.event.ServerMonitorListener() {
                                    @Override
                                    public void serverHeartbeatSucceeded(
                                        com.mongodb.event.ServerHeartbeatSucceededEvent e) {
                                      heartbeats.add(e);
                                    }

                                    @Override
                                    public void serverHeartbeatFailed(
                                        com.mongodb.event.ServerHeartbeatFailedEvent e) {
                                      failed.add(e);
                                    }
                                  }))
                  .build());
      // Its first hello (the handshake) saw a primary; the next one waits on the server.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  streaming.getClusterDescription().getServerDescriptions().stream()
                      .anyMatch(d -> d.isPrimary()));

      // The node steps down while a watcher waits: the watcher hears of it then, not 30 s later.
      java.util.concurrent.CompletableFuture<Document> waiting =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> awaitableHello(watcher, primary, 30_000));
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !waiting.isDone());
      direct
          .getDatabase("admin")
          .runCommand(new Document("replSetStepDown", 30).append("force", true));
      Document changed = waiting.get(10, TimeUnit.SECONDS);
      assertThat(changed.getBoolean("isWritablePrimary")).isFalse();
      assertThat(changed.get("topologyVersion", Document.class).getLong("counter"))
          .isGreaterThan(primary.getLong("counter"));
      // The streaming driver learns it too, from its awaited hello, long before its 20 s
      // heartbeat would have polled.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  streaming.getClusterDescription().getServerDescriptions().stream()
                      .anyMatch(d -> d.isSecondary()));
      assertThat(heartbeats).anyMatch(e -> e.isAwaited());
      assertThat(failed).isEmpty();
      streaming.close();

      assertThat(
              code(
                  () ->
                      direct
                          .getDatabase("admin")
                          .runCommand(new Document("hello", 1).append("topologyVersion", primary))))
          .isEqualTo(9);
      assertThat(
              code(
                  () ->
                      direct
                          .getDatabase("admin")
                          .runCommand(
                              new Document("hello", 1)
                                  .append("topologyVersion", primary)
                                  .append("maxAwaitTimeMS", -1))))
          .isEqualTo(2);
    }
  }

  private static Document awaitableHello(MongoClient client, Document known, long maxAwaitMillis) {
    return client
        .getDatabase("admin")
        .runCommand(
            new Document("hello", 1)
                .append("topologyVersion", known)
                .append("maxAwaitTimeMS", maxAwaitMillis));
  }

  @Test
  void mongoshInitiatesWithTheDefaultConfig() throws Exception {
    try (NodeProcess node = NodeProcess.start("rs-mongosh", "--replSet", "rs0")) {
      String js =
          """
          const init = rs.initiate();
          let state = 0;
          for (let i = 0; i < 100 && state !== 1; i++) {
            state = rs.status().myState;
            if (state !== 1) sleep(100);
          }
          db.getSiblingDB('test').m.insertOne({ _id: 1 });
          print('RESULT ' + EJSON.stringify({
            ok: init.ok,
            myState: rs.status().myState,
            confId: rs.conf()._id,
            host: rs.conf().members[0].host,
            count: db.getSiblingDB('test').m.countDocuments({}),
          }));
          """;
      ClientRun run =
          ClientRun.run(
              "rs-mongosh",
              List.of(
                  MongoshIT.clients().resolve("node_modules/.bin/mongosh").toString(),
                  "--quiet",
                  "--norc",
                  "mongodb://127.0.0.1:" + node.port() + "/test",
                  "--eval",
                  js),
              Map.of("HOME", work.toString(), "MONGOSH_NO_UPDATE_CHECK", "1", "DO_NOT_TRACK", "1"),
              work);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      Document r = run.result();
      assertThat(r.get("ok").toString()).isEqualTo("1");
      assertThat(r.getInteger("myState")).isEqualTo(1);
      assertThat(r.getString("confId")).isEqualTo("rs0");
      assertThat(r.getString("host")).isEqualTo("localhost:" + node.port());
      assertThat(r.getInteger("count")).isEqualTo(1);
    }
  }

  @Test
  void pymongoDiscoversTheSetByNameAndWrites() throws Exception {
    Path script = work.resolve("pymongo_replset.py");
    try (InputStream in = getClass().getResourceAsStream("/it/pymongo_replset.py")) {
      Files.copy(in, script);
    }
    try (NodeProcess node = NodeProcess.start("rs-pymongo", "--replSet", "rs0");
        MongoClient direct = node.client()) {
      direct.getDatabase("admin").runCommand(new Document("replSetInitiate", 1));
      awaitPrimary(direct);
      ClientRun run =
          ClientRun.run(
              "rs-pymongo",
              List.of("/usr/bin/python3", script.toString(), Integer.toString(node.port())),
              Map.of("PYTHONDONTWRITEBYTECODE", "1"),
              work);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      Document r = run.result();
      assertThat(r.getString("pymongo")).startsWith("3.");
      assertThat(r.getString("primary")).isEqualTo("localhost:" + node.port());
      assertThat(r.getBoolean("isPrimary")).isTrue();
      assertThat(r.get("doc", Document.class)).isEqualTo(new Document("_id", 1).append("x", "b"));
      assertThat(r.getList("oplogOps", String.class)).containsExactly("i", "u");
    }
  }
}
