package dev.starling.node.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retryable writes as applications meet them: the Java driver, the current PyMongo and mongosh,
 * each with its default settings, insert continuously into a 3-member set while its primary steps
 * down 20 times and is killed with SIGKILL 20 times. No application sees an error, but for one race
 * of the Node.js driver's own on a kill (see {@link Expect#NODE_DRIVER_KILL_RACE}; mongosh with
 * polling monitoring shows the node is not its cause), and every acknowledged insert is present
 * exactly once. The Java driver with retryable writes off is the baseline: its errors and every
 * writer's longest stall are printed (BENCHMARKS.md).
 */
class RetryableWritesIT {
  private static final int STEP_DOWNS = Integer.getInteger("starling.retry.stepDowns", 20);
  private static final int KILLS = Integer.getInteger("starling.retry.kills", 20);

  /** replSetStepDown's stepDownSecs: how long a stepped-down member stays unelectable. */
  private static final int STEP_DOWN_SECS = 2;

  @TempDir Path work;

  /** What a writer's application may see. */
  private enum Expect {
    /** No error at all. */
    NO_ERROR,
    /**
     * No error across step-downs; across kills, only the network error of the Node.js driver's own
     * race: with streaming monitoring, its monitor may see the killed primary's socket close first
     * and clear the pool, and the driver then leaves the operation's network error unlabelled
     * (Server.decorateCommandError skips a stale connection's error), so it is not retried.
     */
    NODE_DRIVER_KILL_RACE,
    /** Anything (retryable writes off: the baseline). */
    ANY
  }

  private static final java.util.regex.Pattern NODE_RACE_ERROR =
      java.util.regex.Pattern.compile(
          ".*@\\d+: MongoNetworkError: (connection \\d+ to \\S+ closed|read ECONNRESET)");

  /** A writer inserting {_id: NAME-n} into retry.NAME until stopped. */
  private static final class Writer {
    private final String name;
    private final Expect expect;
    private final java.util.concurrent.Callable<Document> stopping;
    private Document result;

    /**
     * @param stopping stops the writer after the insert in flight and returns what it saw
     */
    Writer(String name, Expect expect, java.util.concurrent.Callable<Document> stopping) {
      this.name = name;
      this.expect = expect;
      this.stopping = stopping;
    }

    String name() {
      return name;
    }

    Expect expect() {
      return expect;
    }

    /** Stops it (once): the inserts attempted, the failed ones, the errors, the longest stall. */
    Document stop() throws Exception {
      if (result == null) {
        result = stopping.call();
      }
      return result;
    }
  }

  @Test
  void driversWithDefaultSettingsSeeNoErrorAcrossStepDownsAndKills() throws Exception {
    try (ReplicaSetCluster rs = ReplicaSetCluster.startInitiated("retry", 3, 1_000)) {
      String uri =
          "mongodb://"
              + IntStream.range(0, 3).mapToObj(rs::host).collect(Collectors.joining(","))
              + "/?replicaSet="
              + ReplicaSetCluster.SET;
      List<Writer> writers = new ArrayList<>();
      try (MongoClient observer = rs.client("")) {
        writers.add(javaWriter("java", uri, Expect.NO_ERROR));
        writers.add(javaWriter("javanoretry", uri + "&retryWrites=false", Expect.ANY));
        writers.add(
            external(
                "py",
                Expect.NO_ERROR,
                List.of(
                    venvPython().toString(),
                    script("retrying_writer.py"),
                    uri,
                    "py",
                    stopFile("py").toString()),
                Map.of()));
        writers.add(mongosh("sh", uri, Expect.NODE_DRIVER_KILL_RACE));
        writers.add(mongosh("shpoll", uri + "&serverMonitoringMode=poll", Expect.NO_ERROR));
        awaitProgress(observer, writers);

        List<Long> stepDownMillis = new ArrayList<>();
        List<Long> killMillis = new ArrayList<>();
        // A member that stepped down may not be elected for STEP_DOWN_SECS. Each step-down waits
        // until some other member is past that, as an SRE's or the operator's would be: back to
        // back, both others could still be frozen and the set would have no electable member
        // until a freeze ran out (a stall the test would make, not measure).
        long[] steppedDownAt = new long[3];
        java.util.Arrays.fill(steppedDownAt, System.nanoTime() - STEP_DOWN_SECS * 1_000_000_000L);
        for (int i = 0; i < STEP_DOWNS; i++) {
          int primary = rs.awaitPrimary();
          await()
              .atMost(Duration.ofSeconds(STEP_DOWN_SECS + 1))
              .pollInterval(Duration.ofMillis(20))
              .until(
                  () ->
                      rs.others(primary).stream()
                          .anyMatch(
                              m ->
                                  System.nanoTime() - steppedDownAt[m]
                                      > STEP_DOWN_SECS * 1_000_000_000L));
          long start = System.nanoTime();
          rs.direct(primary)
              .getDatabase("admin")
              .runCommand(
                  new Document("replSetStepDown", STEP_DOWN_SECS)
                      .append("secondaryCatchUpPeriodSecs", 1));
          steppedDownAt[primary] = System.nanoTime();
          rs.awaitPrimaryAmong(rs.others(primary));
          stepDownMillis.add((System.nanoTime() - start) / 1_000_000);
          awaitProgress(observer, writers);
        }
        long killsBegan = System.currentTimeMillis();
        for (int i = 0; i < KILLS; i++) {
          int primary = rs.awaitPrimary();
          long start = System.nanoTime();
          rs.node(primary).kill9();
          rs.awaitPrimaryAmong(rs.others(primary));
          killMillis.add((System.nanoTime() - start) / 1_000_000);
          rs.node(primary).restartOnSamePorts();
          rs.awaitSecondaries(2);
          awaitProgress(observer, writers);
        }

        System.out.printf(
            "new primary after a step-down, ms: %s%nnew primary after kill -9, ms: %s%n",
            stepDownMillis.stream().sorted().toList(), killMillis.stream().sorted().toList());
        for (Writer writer : writers) {
          Document result = writer.stop();
          int attempted = result.get("attempted", Number.class).intValue();
          Set<String> failed =
              result.getList("failed", Number.class).stream()
                  .map(n -> writer.name() + "-" + n.intValue())
                  .collect(Collectors.toSet());
          Set<String> present =
              observer
                  .getDatabase("retry")
                  .getCollection(writer.name())
                  .find()
                  .projection(new Document("_id", 1))
                  .map(d -> d.getString("_id"))
                  .into(new HashSet<>());
          Set<String> acknowledged =
              IntStream.range(0, attempted)
                  .mapToObj(n -> writer.name() + "-" + n)
                  .filter(id -> !failed.contains(id))
                  .collect(Collectors.toSet());
          assertThat(present)
              .as("%s: every acknowledged insert is present", writer.name())
              .containsAll(acknowledged);
          Set<String> extra = new HashSet<>(present);
          extra.removeAll(acknowledged);
          assertThat(extra)
              .as("%s: nothing but what it attempted", writer.name())
              .isSubsetOf(failed);
          List<String> errors = result.getList("errors", String.class);
          List<String> inKills = errors.stream().filter(e -> at(e) >= killsBegan).toList();
          System.out.printf(
              "%s: %d inserts acknowledged; errors seen: %d across %d step-downs, %d across %d"
                  + " kills; longest stall %d ms%n",
              writer.name(),
              acknowledged.size(),
              errors.size() - inKills.size(),
              STEP_DOWNS,
              inKills.size(),
              KILLS,
              result.get("stallMs", Number.class).longValue());
          switch (writer.expect()) {
            case NO_ERROR -> assertThat(errors).as("errors %s saw", writer.name()).isEmpty();
            case NODE_DRIVER_KILL_RACE -> {
              assertThat(errors)
                  .as("errors %s saw across step-downs", writer.name())
                  .containsExactlyElementsOf(inKills);
              assertThat(inKills)
                  .as("errors %s saw across kills", writer.name())
                  .allMatch(e -> NODE_RACE_ERROR.matcher(e).matches());
            }
            case ANY -> {}
          }
        }
      } finally {
        for (Writer writer : writers) {
          try {
            writer.stop();
          } catch (Exception e) {
            // already stopped, or its failure is reported above
          }
        }
      }
    }
  }

  /** When an error ("NAME-n@EPOCHMS: ...") was seen. */
  private static long at(String error) {
    int from = error.indexOf('@') + 1;
    return Long.parseLong(error.substring(from, error.indexOf(':', from)));
  }

  /** Waits until each writer has inserted more since the last look. */
  private final Map<String, Long> seen = new java.util.HashMap<>();

  private void awaitProgress(MongoClient observer, List<Writer> writers) {
    for (Writer writer : writers) {
      MongoCollection<Document> c = observer.getDatabase("retry").getCollection(writer.name());
      long before = seen.getOrDefault(writer.name(), 0L);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> c.countDocuments() > before + 3);
      seen.put(writer.name(), c.countDocuments());
    }
  }

  private Writer javaWriter(String name, String uri, Expect expect) {
    AtomicBoolean stopping = new AtomicBoolean();
    AtomicLong attempted = new AtomicLong();
    List<Long> failed = new CopyOnWriteArrayList<>();
    List<String> errors = new CopyOnWriteArrayList<>();
    AtomicLong stallNanos = new AtomicLong();
    MongoClient client = com.mongodb.client.MongoClients.create(uri);
    MongoCollection<Document> c = client.getDatabase("retry").getCollection(name);
    Thread thread =
        Thread.ofPlatform()
            .name("java-writer")
            .start(
                () -> {
                  long lastAck = System.nanoTime();
                  while (!stopping.get() && errors.size() <= 50) {
                    long n = attempted.get();
                    try {
                      c.insertOne(new Document("_id", name + "-" + n).append("n", n));
                      long now = System.nanoTime();
                      stallNanos.accumulateAndGet(now - lastAck, Math::max);
                      lastAck = now;
                    } catch (RuntimeException e) {
                      failed.add(n);
                      errors.add(
                          name
                              + "-"
                              + n
                              + "@"
                              + System.currentTimeMillis()
                              + ": "
                              + e.getClass().getSimpleName()
                              + ": "
                              + e.getMessage());
                    }
                    attempted.incrementAndGet();
                  }
                });
    return new Writer(
        name,
        expect,
        () -> {
          stopping.set(true);
          thread.join(60_000);
          client.close();
          return new Document("attempted", attempted.get())
              .append("failed", new ArrayList<>(failed))
              .append("errors", new ArrayList<>(errors))
              .append("stallMs", stallNanos.get() / 1_000_000);
        });
  }

  /** mongosh with its default settings, running retrying_writer.js. */
  private Writer mongosh(String name, String uri, Expect expect) throws Exception {
    return external(
        name,
        expect,
        List.of(
            MongoshIT.clients().resolve("node_modules/.bin/mongosh").toString(),
            "--quiet",
            "--norc",
            uri,
            "--file",
            script("retrying_writer.js")),
        Map.of(
            "WRITER_PREFIX",
            name,
            "WRITER_STOPFILE",
            stopFile(name).toString(),
            "HOME",
            work.toString(),
            "MONGOSH_NO_UPDATE_CHECK",
            "1",
            "DO_NOT_TRACK",
            "1"));
  }

  private Path stopFile(String name) {
    return work.resolve(name + ".stop");
  }

  private Writer external(String name, Expect expect, List<String> command, Map<String, String> env)
      throws Exception {
    Path out = NodeProcess.logDir().resolve("retrying-writer-" + name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    return new Writer(
        name,
        expect,
        () -> {
          Files.writeString(stopFile(name), "stop");
          boolean ended = process.waitFor(60, TimeUnit.SECONDS);
          process.destroyForcibly();
          String output = Files.readString(out, StandardCharsets.UTF_8);
          assertThat(ended).as("%s stopped; its output:%n%s", name, output).isTrue();
          return output
              .lines()
              .filter(l -> l.startsWith("RESULT "))
              .map(l -> Document.parse(l.substring("RESULT ".length())))
              .findFirst()
              .orElseThrow(() -> new AssertionError(name + " printed no RESULT:\n" + output));
        });
  }

  private String script(String file) throws Exception {
    Path path = work.resolve(file);
    if (Files.exists(path)) {
      return path.toString();
    }
    try (InputStream in = RetryableWritesIT.class.getResourceAsStream("/it/" + file)) {
      Files.copy(in, path);
    }
    return path.toString();
  }

  /** The current PyMongo from PyPI, in the project-local virtualenv the build makes. */
  static Path venvPython() {
    Path clients = MongoshIT.clients();
    Path python = clients.resolve(".venv/bin/python");
    if (!Files.isExecutable(python)) {
      throw new IllegalStateException(
          python + " is missing: the build runs test-clients/python-venv.sh");
    }
    return python;
  }
}
