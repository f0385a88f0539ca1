package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's command line, config file, signals, health port and data-directory lock. */
class NodeFlagsIT {
  @TempDir Path dir;

  /** A node run to completion: its exit code and what it printed on each stream. */
  record Exit(int code, String stdout, String stderr) {
    List<String> stderrLines() {
      return stderr.lines().filter(l -> !l.isBlank()).toList();
    }
  }

  private Exit runToExit(String... args) throws Exception {
    Path out = Files.createTempFile(dir, "stdout", ".log");
    Path err = Files.createTempFile(dir, "stderr", ".log");
    Process process =
        new ProcessBuilder(NodeProcess.command(List.of(args)))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError(
            "node with " + List.of(args) + " kept running; output: " + Files.readString(out));
      }
    } finally {
      process.destroyForcibly();
    }
    return new Exit(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private Path dataDir(String name) throws IOException {
    return Files.createDirectories(dir.resolve(name));
  }

  private String port() {
    return Integer.toString(NodeProcess.freePort());
  }

  @Test
  void unknownFlagExitsWithCode2AndOneLineNamingIt() throws Exception {
    Exit exit =
        runToExit("--port", port(), "--dbpath", dataDir("db").toString(), "--frobnicate", "7");

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.stderrLines()).hasSize(1);
    assertThat(exit.stderrLines().get(0)).contains("frobnicate");
  }

  @Test
  void flagWithoutItsValueExitsWithCode2() throws Exception {
    Exit exit = runToExit("--dbpath", dataDir("db").toString(), "--port");

    assertThat(exit.code()).isEqualTo(2);
    assertThat(exit.stderrLines()).hasSize(1);
    assertThat(exit.stderrLines().get(0)).contains("port");
  }

  @Test
  void keyFileIsRefused() throws Exception {
    Exit exit =
        runToExit("--port", port(), "--dbpath", dataDir("db").toString(), "--keyFile", "/k");

    assertThat(exit.code()).isNotZero();
    assertThat(exit.stderr()).contains("keyFile");
  }

  @Test
  void missingDbPathExitsWithCode100NamingTheDirectory() throws Exception {
    Path missing = dir.resolve("no-such-dir");

    Exit exit = runToExit("--port", port(), "--dbpath", missing.toString());

    assertThat(exit.code()).isEqualTo(100);
    assertThat(exit.stderrLines()).hasSize(1);
    assertThat(exit.stderrLines().get(0)).contains(missing.toString());
    assertThat(missing).doesNotExist();
  }

  @Test
  void configFileSetsPortAndDbPath() throws Exception {
    Path db = dataDir("db");
    Path config = dir.resolve("mongod.conf");
    try (NodeProcess node =
            NodeProcess.start(
                "flags-config",
                db,
                (port, httpPort) -> {
                  Files.writeString(
                      config,
                      "# mongod.conf style\n"
                          + "net:\n"
                          + "  port: "
                          + port
                          + "\n"
                          + "  bindIp: 127.0.0.1\n"
                          + "storage:\n"
                          + "  dbPath: "
                          + db
                          + "\n");
                  return List.of("--config", config.toString(), "--httpPort", "" + httpPort);
                });
        MongoClient client = node.client()) {
      Document opts = client.getDatabase("admin").runCommand(new Document("getCmdLineOpts", 1));
      Document parsed = opts.get("parsed", Document.class);

      assertThat(parsed.get("net", Document.class).get("port")).isEqualTo(node.port());
      assertThat(parsed.get("storage", Document.class).getString("dbPath"))
          .isEqualTo(db.toString());
      // The node opened its storage where the file said.
      assertThat(Files.list(db).map(p -> p.getFileName().toString()).toList()).contains("LOCK");
    }
  }

  @Test
  void getCmdLineOptsShowsArgvAndParsedPort() throws Exception {
    try (NodeProcess node = NodeProcess.start("flags-cmdline", dataDir("db"));
        MongoClient client = node.client()) {
      Document opts = client.getDatabase("admin").runCommand(new Document("getCmdLineOpts", 1));

      assertThat(opts.get("ok", Number.class).doubleValue()).isEqualTo(1.0);
      assertThat(opts.getList("argv", String.class))
          .containsSubsequence("--port", Integer.toString(node.port()));
      assertThat(opts.get("parsed", Document.class).get("net", Document.class).get("port"))
          .isEqualTo(node.port());
    }
  }

  @Test
  void sigtermExitsCleanlyAndKeepsTheData() throws Exception {
    Path db = dataDir("db");
    List<Document> written = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      written.add(new Document("_id", i).append("v", "value-" + i));
    }
    try (NodeProcess node = NodeProcess.start("flags-sigterm", db)) {
      try (MongoClient client = node.client()) {
        client.getDatabase("flags").getCollection("c").insertMany(written);
      }

      assertThat(node.terminate()).as("exit code after SIGTERM").isZero();
      assertThat(node.output()).contains("shutdown");

      node.restart();
      try (MongoClient client = node.client()) {
        MongoCollection<Document> c = client.getDatabase("flags").getCollection("c");
        assertThat(c.find().sort(new Document("_id", 1)).into(new ArrayList<>()))
            .isEqualTo(written);
      }
      assertThat(node.terminate()).isZero();
    }
  }

  @Test
  void sigtermUnderWriteLoadKeepsEveryAcknowledgedWrite() throws Exception {
    Path db = dataDir("db");
    java.util.Set<Integer> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (NodeProcess node = NodeProcess.start("flags-sigterm-load", db)) {
      try (MongoClient client = node.client()) {
        MongoCollection<Document> c = client.getDatabase("flags").getCollection("load");
        Thread writer =
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; ; i++) {
                        try {
                          c.insertOne(new Document("_id", i).append("v", "value-" + i));
                        } catch (RuntimeException e) {
                          return;
                        }
                        acked.add(i);
                      }
                    });
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> acked.size() >= 300 || !writer.isAlive());
        assertThat(writer.isAlive()).as("writer still writing").isTrue();

        assertThat(node.terminate()).as("exit code after SIGTERM under load").isZero();
        writer.join(Duration.ofSeconds(60));
        assertThat(writer.isAlive()).isFalse();
      }

      node.restart();
      try (MongoClient client = node.client()) {
        MongoCollection<Document> c = client.getDatabase("flags").getCollection("load");
        java.util.Map<Integer, String> stored = new java.util.HashMap<>();
        for (Document d : c.find()) {
          stored.put(d.getInteger("_id"), d.getString("v"));
        }
        for (int id : acked) {
          assertThat(stored.get(id)).as("acknowledged document %d", id).isEqualTo("value-" + id);
        }
        assertThat(stored.size()).isBetween(acked.size(), acked.size() + 1);
      }
    }
  }

  @Test
  void portInUseExitsWithCode48() throws Exception {
    try (NodeProcess first = NodeProcess.start("flags-port", dataDir("db1"))) {
      Exit second =
          runToExit(
              "--port",
              Integer.toString(first.port()),
              "--httpPort",
              port(),
              "--dbpath",
              dataDir("db2").toString());

      assertThat(second.code()).isEqualTo(48);
      assertThat(second.stderr()).contains(Integer.toString(first.port()));
      assertThat(first.ping()).isTrue();
    }
  }

  @Test
  void healthEndpointsAndMetrics() throws Exception {
    try (NodeProcess node = NodeProcess.start("flags-http", dataDir("db"));
        MongoClient client = node.client();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      client.getDatabase("admin").runCommand(new Document("ping", 1));

      assertThat(get(http, node, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(http, node, "/readyz").statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = get(http, node, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("starling_connections_current")
          .contains("starling_opcounters_total{type=\"insert\"}");
      // The driver's open connections are counted.
      double current =
          metrics
              .body()
              .lines()
              .filter(l -> l.startsWith("starling_connections_current "))
              .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
              .findFirst()
              .orElseThrow();
      assertThat(current).isGreaterThanOrEqualTo(1);
      assertThat(get(http, node, "/no-such-page").statusCode()).isEqualTo(404);
    }
  }

  private static HttpResponse<String> get(HttpClient http, NodeProcess node, String path)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void secondNodeOnTheSameDbPathFailsWithALockMessage() throws Exception {
    Path db = dataDir("db");
    try (NodeProcess first = NodeProcess.start("flags-lock", db)) {
      Exit second = runToExit("--port", port(), "--dbpath", db.toString());

      assertThat(second.code()).isNotZero();
      assertThat(second.stderr()).containsIgnoringCase("lock").contains(db.toString());
      assertThat(first.isAlive()).isTrue();
      assertThat(first.ping()).isTrue();
    }
  }
}
