package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.mongodb.MongoCommandException;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import dev.starling.node.config.OplogSize;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capped oplog with real processes and real clients: its default size, {@code --oplogSize},
 * {@code replSetResizeOplog} growing and shrinking it live (entries inside {@code
 * minRetentionHours} survive a shrink), mongod's errors for out-of-bounds values, collStats on
 * {@code local.oplog.rs}, and mongosh's {@code db.getReplicationInfo()} / {@code
 * rs.printReplicationInfo()}.
 */
class OplogSizingIT {
  private static final long MB = OplogSize.MB;
  private static final String[] TEST_MINIMUM = {
    "--setParameter", "enableTestCommands=1", "--setParameter", "oplogMinSizeMBForTest=0.01"
  };

  @TempDir Path home;

  static Document oplogStats(MongoClient client) {
    return client.getDatabase("local").runCommand(new Document("collStats", "oplog.rs"));
  }

  static List<RawBsonDocument> oplog(MongoClient client) {
    return client
        .getDatabase("local")
        .getCollection("oplog.rs", RawBsonDocument.class)
        .find()
        .sort(new Document("$natural", 1))
        .into(new ArrayList<>());
  }

  static Document oplogTruncation(MongoClient client) {
    return client
        .getDatabase("admin")
        .runCommand(new Document("serverStatus", 1))
        .get("oplogTruncation", Document.class);
  }

  static BsonTimestamp firstTs(MongoClient client) {
    return oplog(client).get(0).getTimestamp("ts");
  }

  static Document resize(MongoClient client, Document fields) {
    Document command = new Document("replSetResizeOplog", 1);
    command.putAll(fields);
    return client.getDatabase("admin").runCommand(command);
  }

  /** collStats' size and count equal what a find reads (waiting out an idle no-op meanwhile). */
  static void assertStatsMatchTheEntries(MongoClient client) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Document before = oplogStats(client);
              List<RawBsonDocument> entries = oplog(client);
              long bytes = entries.stream().mapToLong(e -> e.getByteBuffer().remaining()).sum();
              Document after = oplogStats(client);
              assertThat(after.get("count", Number.class).longValue())
                  .isEqualTo(before.get("count", Number.class).longValue())
                  .isEqualTo(entries.size());
              assertThat(after.get("size", Number.class).longValue())
                  .isEqualTo(before.get("size", Number.class).longValue())
                  .isEqualTo(bytes);
            });
  }

  private static void insertKilobytes(MongoClient client, int from, int count) {
    MongoCollection<Document> books =
        client
            .getDatabase("test")
            .getCollection("books")
            .withWriteConcern(WriteConcern.MAJORITY.withWTimeout(30, TimeUnit.SECONDS));
    List<Document> batch = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      batch.add(new Document("_id", i).append("text", "x".repeat(5000)));
      if (batch.size() == 50) {
        books.insertMany(batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      books.insertMany(batch);
    }
  }

  @Test
  void replSetResizeOplogGrowsAndShrinksALiveOplogAndKeepsEntriesInsideTheRetentionPeriod() {
    try (ReplicaSetCluster rs =
        ReplicaSetCluster.startInitiated(
            "oplog-resize", 2, 10_000, concat(new String[] {"--oplogSize", "5"}, TEST_MINIMUM))) {
      int p = rs.awaitPrimary();
      int s = 1 - p;
      MongoClient primary = rs.direct(p);
      Document stats = oplogStats(primary);
      assertThat(stats.getString("ns")).isEqualTo("local.oplog.rs");
      assertThat(stats.getBoolean("capped")).isTrue();
      assertThat(stats.get("maxSize", Number.class).longValue()).isEqualTo(5 * MB);
      assertThat(stats.get("count", Number.class).longValue()).isPositive();

      insertKilobytes(primary, 0, 200); // about 1 MB of entries
      assertStatsMatchTheEntries(primary);
      BsonTimestamp first = firstTs(primary);
      long count = oplogStats(primary).get("count", Number.class).longValue();
      assertThat(oplogStats(primary).get("size", Number.class).longValue())
          .isGreaterThan(MB * 9 / 10);

      // Shrink below what it holds: every entry is younger than an hour, so all survive.
      Document reply = resize(primary, new Document("size", 0.25).append("minRetentionHours", 1.0));
      assertThat(reply.get("ok", Number.class).intValue()).isEqualTo(1);
      stats = oplogStats(primary);
      assertThat(stats.get("maxSize", Number.class).longValue()).isEqualTo(MB / 4);
      assertThat(stats.get("count", Number.class).longValue()).isGreaterThanOrEqualTo(count);
      assertThat(firstTs(primary)).isEqualTo(first);
      assertThat(oplogTruncation(primary).get("oplogMinRetentionHours", Number.class).doubleValue())
          .isEqualTo(1.0);

      // Without the retention period the shrink truncates, before the reply, down to the size.
      resize(primary, new Document("minRetentionHours", 0.0));
      stats = oplogStats(primary);
      assertThat(stats.get("size", Number.class).longValue()).isLessThanOrEqualTo(MB / 4);
      assertThat(stats.get("maxSize", Number.class).longValue()).isEqualTo(MB / 4);
      assertThat(firstTs(primary)).isGreaterThan(first);
      assertStatsMatchTheEntries(primary);
      assertThat(oplogTruncation(primary).get("oplogMinRetentionHours", Number.class).doubleValue())
          .isEqualTo(0.0);
      assertThat(oplogTruncation(primary).get("truncateCount", Number.class).longValue())
          .isPositive();

      // Grow it: later writes no longer truncate anything.
      resize(primary, new Document("size", 8.0));
      BsonTimestamp afterShrink = firstTs(primary);
      insertKilobytes(primary, 200, 200);
      assertThat(oplogStats(primary).get("maxSize", Number.class).longValue()).isEqualTo(8 * MB);
      assertThat(firstTs(primary)).isEqualTo(afterShrink);
      assertThat(oplogStats(primary).get("size", Number.class).longValue())
          .isGreaterThan(MB * 9 / 10);
      assertStatsMatchTheEntries(primary);

      // Each member's oplog is its own: resizing the secondary leaves the primary's alone, and the
      // resized size survives a restart (--oplogSize applies only to a new oplog).
      resize(rs.direct(s), new Document("size", 2.0));
      assertThat(oplogStats(rs.direct(s)).get("maxSize", Number.class).longValue())
          .isEqualTo(2 * MB);
      assertThat(oplogStats(primary).get("maxSize", Number.class).longValue()).isEqualTo(8 * MB);
      rs.node(s).restartOnSamePorts();
      rs.awaitSecondaries(1);
      assertThat(oplogStats(rs.direct(s)).get("maxSize", Number.class).longValue())
          .isEqualTo(2 * MB);

      // The data is intact on both members.
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptionsInstanceOf(com.mongodb.MongoException.class)
          .until(() -> rs.dbHash(s, "test").equals(rs.dbHash(p, "test")));
      assertThat(
              rs.direct(s)
                  .getDatabase("test")
                  .getCollection("books")
                  .withReadPreference(com.mongodb.ReadPreference.secondaryPreferred())
                  .countDocuments())
          .isEqualTo(400);
    }
  }

  @Test
  void truncationNeverPassesTheMajorityCommitPoint() {
    try (ReplicaSetCluster rs =
        ReplicaSetCluster.startInitiated(
            "oplog-commit", 2, 10_000, concat(new String[] {"--oplogSize", "5"}, TEST_MINIMUM))) {
      int p = rs.awaitPrimary();
      int s = 1 - p;
      MongoClient primary = rs.direct(p);
      insertKilobytes(primary, 0, 10);
      List<RawBsonDocument> secondaryOplog = oplog(rs.direct(s));
      BsonTimestamp secondaryLast =
          secondaryOplog.get(secondaryOplog.size() - 1).getTimestamp("ts");
      rs.node(s).terminate();

      // With one of two members down the commit point stays put: w:1 writes and a shrink far
      // below what the oplog holds keep every entry from the commit point on.
      MongoCollection<Document> books =
          primary.getDatabase("test").getCollection("books").withWriteConcern(WriteConcern.W1);
      for (int i = 10; i < 210; i++) {
        books.insertOne(new Document("_id", i).append("text", "x".repeat(5000)));
      }
      resize(primary, new Document("size", 0.05).append("minRetentionHours", 0.0));
      Document stats = oplogStats(primary);
      assertThat(stats.get("size", Number.class).longValue()).isGreaterThan(MB * 9 / 10);
      assertThat(firstTs(primary)).isLessThanOrEqualTo(secondaryLast);

      // So the member that was down catches up (it is not too stale), and once the commit point
      // moves on, the oplog is cut down to its size.
      rs.node(s).restartOnSamePorts();
      rs.awaitSecondaries(1);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptionsInstanceOf(com.mongodb.MongoException.class)
          .until(() -> rs.dbHash(s, "test").equals(rs.dbHash(p, "test")));
      books
          .withWriteConcern(WriteConcern.MAJORITY.withWTimeout(30, TimeUnit.SECONDS))
          .insertOne(new Document("_id", "last"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> oplogStats(primary).get("size", Number.class).longValue() <= MB / 20);
    }
  }

  private static void assertMongodError(
      MongoClient client, String db, Document command, int code, String message) {
    assertThatThrownBy(() -> client.getDatabase(db).runCommand(command))
        .isInstanceOfSatisfying(
            MongoCommandException.class,
            e -> {
              assertThat(e.getErrorCode()).isEqualTo(code);
              assertThat(e.getErrorMessage()).isEqualTo(message);
            });
  }

  @Test
  void sizesOutsideMongodsBoundsGetMongodsErrorsAndTheDefaultIsFivePercentOfFreeDisk()
      throws Exception {
    try (NodeProcess member = NodeProcess.start("oplog-bounds", "--replSet", "rs0");
        NodeProcess standalone = NodeProcess.start("oplog-standalone");
        MongoClient client = member.client();
        MongoClient standaloneClient = standalone.client()) {
      long free = Files.getFileStore(member.dbPath()).getUsableSpace();
      long maxSize = oplogStats(client).get("maxSize", Number.class).longValue();
      assertThat(maxSize).isBetween(990 * MB, 50 * 1024 * MB);
      assertThat((double) maxSize)
          .isCloseTo(
              (double) OplogSize.defaultBytes(free),
              org.assertj.core.data.Percentage.withPercentage(2));

      Document resize = new Document("replSetResizeOplog", 1);
      assertMongodError(
          client,
          "admin",
          new Document(resize).append("size", 900.0),
          51024,
          "BSON field 'replSetResizeOplog.size' value must be >= 990, actual value '900'");
      assertMongodError(
          client,
          "admin",
          new Document(resize).append("size", -1024.0),
          51024,
          "BSON field 'replSetResizeOplog.size' value must be >= 990, actual value '-1024'");
      assertMongodError(
          client,
          "admin",
          new Document(resize).append("size", 8.0 * 1024 * 1024 * 1024 * 1024),
          51024,
          "BSON field 'replSetResizeOplog.size' value must be <= 1.07374e+09, actual value"
              + " '8.79609e+12'");
      assertMongodError(
          client,
          "admin",
          new Document(resize).append("size", 990.0).append("minRetentionHours", -1.0),
          51024,
          "BSON field 'replSetResizeOplog.minRetentionHours' value must be >= 0, actual value"
              + " '-1'");
      assertMongodError(
          client,
          "admin",
          new Document(resize).append("size", "big"),
          14,
          "BSON field 'replSetResizeOplog.size' is the wrong type 'string', expected types"
              + " '[long, int, decimal, double]'");
      assertMongodError(
          client,
          "test",
          new Document(resize).append("size", 990.0),
          13,
          "replSetResizeOplog may only be run against the admin database.");
      assertMongodError(
          standaloneClient,
          "admin",
          new Document(resize).append("size", 990.0),
          26,
          "oplog does not exist");
      // Nothing changed.
      assertThat(oplogStats(client).get("maxSize", Number.class).longValue()).isEqualTo(maxSize);

      // The bounds themselves are accepted; an int size is as good as a double.
      client.getDatabase("admin").runCommand(new Document(resize).append("size", 990));
      assertThat(oplogStats(client).get("maxSize", Number.class).longValue()).isEqualTo(990 * MB);
      client
          .getDatabase("admin")
          .runCommand(new Document(resize).append("size", 1024.0 * 1024 * 1024));
      assertThat(oplogStats(client).get("maxSize", Number.class).longValue())
          .isEqualTo(1024L * 1024 * 1024 * MB);
    }
  }

  @Test
  void oplogSizeSetsTheSizeOfANewOplogOnly() {
    try (NodeProcess member =
            NodeProcess.start("oplog-flag", "--replSet", "rs0", "--oplogSize", "7");
        MongoClient client = member.client()) {
      assertThat(oplogStats(client).get("maxSize", Number.class).longValue()).isEqualTo(7 * MB);
      Document listed =
          client
              .getDatabase("local")
              .listCollections()
              .filter(new Document("name", "oplog.rs"))
              .first();
      assertThat(listed).isNotNull();
      assertThat(listed.get("options", Document.class).getBoolean("capped")).isTrue();
      assertThat(listed.get("options", Document.class).get("size", Number.class).longValue())
          .isEqualTo(7 * MB);
    }
  }

  @Test
  void theTestOnlyMinimumIsRefusedWithoutEnableTestCommands() throws Exception {
    Path db = Files.createDirectories(home.resolve("db"));
    Path err = home.resolve("stderr.log");
    Process process =
        new ProcessBuilder(
                NodeProcess.command(
                    List.of(
                        "--port",
                        Integer.toString(NodeProcess.freePort()),
                        "--dbpath",
                        db.toString(),
                        "--replSet",
                        "rs0",
                        "--setParameter",
                        "oplogMinSizeMBForTest=1")))
            .redirectError(err.toFile())
            .redirectOutput(home.resolve("stdout.log").toFile())
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isNotZero();
    assertThat(Files.readString(err, StandardCharsets.UTF_8))
        .contains("oplogMinSizeMBForTest")
        .contains("enableTestCommands");
  }

  @Test
  void mongoshReadsTheOplogsSizeAndTimesWithGetReplicationInfoAndPrintReplicationInfo()
      throws Exception {
    try (ReplicaSetCluster rs =
        ReplicaSetCluster.startInitiated("oplog-mongosh", 1, 10_000, "--oplogSize", "3")) {
      MongoClient primary = rs.direct(0);
      insertKilobytes(primary, 0, 100);
      BsonTimestamp first = firstTs(primary);
      List<RawBsonDocument> before = oplog(primary);
      BsonTimestamp lastBefore = before.get(before.size() - 1).getTimestamp("ts");
      long usedBefore = oplogStats(primary).get("size", Number.class).longValue();
      String js =
          """
          const info = db.getReplicationInfo();
          const printed = rs.printReplicationInfo();
          print('RESULT ' + EJSON.stringify({ info, printed: printed.value }, { relaxed: true }));
          """;
      ClientRun run =
          ClientRun.run(
              "mongosh-oplog",
              List.of(
                  MongoshIT.clients().resolve("node_modules/.bin/mongosh").toString(),
                  "--quiet",
                  "--norc",
                  "mongodb://" + rs.host(0) + "/?directConnection=true",
                  "--eval",
                  js),
              Map.of("HOME", home.toString(), "MONGOSH_NO_UPDATE_CHECK", "1", "DO_NOT_TRACK", "1"),
              home);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      List<RawBsonDocument> after = oplog(primary);
      BsonTimestamp lastAfter = after.get(after.size() - 1).getTimestamp("ts");
      long usedAfter = oplogStats(primary).get("size", Number.class).longValue();

      Document info = run.result().get("info", Document.class);
      assertThat(info.get("configuredLogSizeMB", Number.class).doubleValue()).isEqualTo(3.0);
      assertThat(info.get("logSizeMB", Number.class).doubleValue()).isEqualTo(3.0);
      double usedMB = info.get("usedMB", Number.class).doubleValue();
      assertThat(usedMB)
          .isBetween(
              Math.ceil(usedBefore / (double) MB * 100) / 100,
              Math.ceil(usedAfter / (double) MB * 100) / 100);
      assertThat(usedMB).isGreaterThan(0.4);
      long timeDiff = info.get("timeDiff", Number.class).longValue();
      assertThat(timeDiff)
          .isBetween(
              (long) lastBefore.getTime() - first.getTime(),
              (long) lastAfter.getTime() - first.getTime());
      assertThat(firstTs(primary)).isEqualTo(first);

      Document printed = run.result().get("printed", Document.class);
      assertThat(printed.getString("configured oplog size")).isEqualTo("3 MB");
      assertThat(printed.getString("actual oplog size")).isEqualTo("3 MB");
      assertThat(printed.getString("log length start to end"))
          .isEqualTo(timeDiff + " secs (" + info.get("timeDiffHours") + " hrs)");
      assertThat(printed.getString("oplog first event time")).isEqualTo(info.getString("tFirst"));
      assertThat(printed.getString("oplog last event time")).isEqualTo(info.getString("tLast"));
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
