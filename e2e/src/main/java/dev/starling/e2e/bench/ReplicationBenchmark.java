package dev.starling.e2e.bench;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * The replication benchmark: insert throughput and latency of a 3-member set with w:1 and with
 * w:"majority", and how far the secondaries fall behind under each load. Prints a Markdown section
 * for BENCHMARKS.md on stdout; progress goes to stderr.
 *
 * <p>Run it from the repository root after building (see NodeBenchmark):
 *
 * <pre>
 * "$JAVA_HOME"/bin/java -cp "$(cat e2e/target/classpath.txt)":e2e/target/classes dev.starling.e2e.bench.ReplicationBenchmark --seconds 10
 * </pre>
 *
 * <p>Each write concern gets a fresh collection, a warm-up, a wait until both secondaries have the
 * primary's last entry, then the measured phase with a {@link LagSampler} on the primary, and
 * another wait that measures how long the secondaries need to catch up once the load stops.
 *
 * <p>Exit codes: 0 both phases ran; 1 a member failed, the primary changed, or a phase failed; 2
 * bad arguments; 3 the run overran its own time bound.
 */
public final class ReplicationBenchmark {

  private static final String USAGE =
      """
      usage: ReplicationBenchmark [options]
        --seconds N               measured seconds per write concern (1-600, default 10)
        --warmup N                warm-up seconds before each (0-120, default seconds/3, at least 1)
        --threads N               client threads (1-256, default 16)
        --sample-ms N             lag sampling interval (50-5000, default 200)
        --election-timeout-ms N   the set's electionTimeoutMillis (500-60000, default 10000)
        --retryable-writes        run each write concern without, with, with and without
                                  retryWrites=true (a txnNumber per insert, so a
                                  config.transactions write in each insert's batch) and print the
                                  throughput ratio
      """
          + ReplBenchArgs.COMMON_USAGE;

  private static final String DB = "bench";
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(120);

  /** One write concern's phase and what the sampler saw during it. */
  private record Row(
      String label,
      PhaseResult result,
      long[] lagMillis,
      long maxGapSeconds,
      int samples,
      int failedSamples,
      int notSecondary,
      long catchUpNanos) {}

  private final ReplBenchArgs common;
  private final int seconds;
  private final int warmupSeconds;
  private final int threads;
  private final int sampleMillis;
  private final long electionTimeoutMillis;
  private boolean retryable;

  private ReplicationBenchmark(
      ReplBenchArgs common,
      int seconds,
      int warmupSeconds,
      int threads,
      int sampleMillis,
      long electionTimeoutMillis) {
    this.common = common;
    this.seconds = seconds;
    this.warmupSeconds = warmupSeconds;
    this.threads = threads;
    this.sampleMillis = sampleMillis;
    this.electionTimeoutMillis = electionTimeoutMillis;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = run(args);
    } catch (BenchmarkException e) {
      System.err.println();
      System.err.println("ReplicationBenchmark FAILED: " + e.getMessage());
      code = 1;
    }
    System.exit(code);
  }

  static int run(String[] args) throws BenchmarkException {
    int[] v = {
      10, -1, 16, 200, 10_000, 0
    }; // seconds, warmup, threads, sample-ms, election, retryable
    ReplBenchArgs.Parsed parsed =
        ReplBenchArgs.parseOrUsage(
            "ReplicationBenchmark",
            USAGE,
            args,
            (arg, value) -> {
              switch (arg) {
                case "--seconds" -> v[0] = ReplBenchArgs.number(arg, value.get(), 1, 600);
                case "--warmup" -> v[1] = ReplBenchArgs.number(arg, value.get(), 0, 120);
                case "--threads" -> v[2] = ReplBenchArgs.number(arg, value.get(), 1, 256);
                case "--sample-ms" -> v[3] = ReplBenchArgs.number(arg, value.get(), 50, 5000);
                case "--election-timeout-ms" ->
                    v[4] = ReplBenchArgs.number(arg, value.get(), 500, 60_000);
                case "--retryable-writes" -> v[5] = 1;
                default -> {
                  return false;
                }
              }
              return true;
            });
    if (parsed.args() == null) {
      return parsed.exitCode();
    }
    ReplBenchArgs common = parsed.args();
    int warmup = v[1] >= 0 ? v[1] : Math.max(1, v[0] / 3);
    ReplicationBenchmark b = new ReplicationBenchmark(common, v[0], warmup, v[2], v[3], v[4]);
    b.retryable = v[5] == 1;
    b.startWatchdog();
    return b.runAll(args);
  }

  /** Ends the JVM (and so, through the shutdown hook, every member) if the run overruns. */
  private void startWatchdog() {
    long perPhase =
        warmupSeconds
            + seconds
            + 2 * LoadPhase.GRACE.toSeconds()
            + 2 * CATCH_UP_TIMEOUT.toSeconds();
    long bound = 3L * common.startupTimeoutSeconds + 120 + (retryable ? 8 : 2) * perPhase + 120;
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(Duration.ofSeconds(bound));
              } catch (InterruptedException e) {
                return;
              }
              System.err.println(
                  "ReplicationBenchmark: watchdog: the run overran its bound of " + bound + " s");
              System.exit(3);
            },
            "replication-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private int runAll(String[] args) throws BenchmarkException {
    String machine = ReplBenchArgs.machine();
    log("starting 3 members");
    try (LocalReplicaSet set =
        LocalReplicaSet.start(
            3,
            common.jar,
            common.jvmArgs,
            Duration.ofSeconds(common.startupTimeoutSeconds),
            common.keepDir)) {
      set.initiate(electionTimeoutMillis);
      LocalReplicaSet.Member primary =
          set.awaitStable(Duration.ofMillis(60_000 + 3 * electionTimeoutMillis));
      String version = set.version();
      log("set is up, primary " + primary.name());
      List<Row> rows = new ArrayList<>();
      boolean ok = true;
      try (MongoClient client = client(set, false);
          MongoClient retrying = client(set, true)) {
        for (WriteConcern wc : List.of(WriteConcern.W1, WriteConcern.MAJORITY)) {
          // With retryable writes: without, with, with, without (ABBA), so a warming or drifting
          // machine weighs on both alike.
          List<Boolean> order = retryable ? List.of(false, true, true, false) : List.of(false);
          for (boolean retry : order) {
            Row row = runPhase(set, primary, retry ? retrying : client, wc, retry);
            rows.add(row);
            ok &= row.result().ok();
          }
        }
      }
      LocalReplicaSet.Member after = set.awaitStable(Duration.ofSeconds(30));
      if (after != primary) {
        throw set.failure(
            "the primary changed during the run: "
                + primary.host()
                + " -> "
                + after.host()
                + "; the numbers would mix two primaries",
            null);
      }
      System.out.println();
      System.out.print(render(args, machine, version, rows));
      System.out.flush();
      if (!ok) {
        System.err.println("ReplicationBenchmark: a phase FAILED; see the notes in the report.");
      }
      return ok ? 0 : 1;
    }
  }

  private MongoClient client(LocalReplicaSet set, boolean retryWrites) {
    return MongoClients.create(
        MongoClientSettings.builder()
            .applyConnectionString(new ConnectionString(set.uri("")))
            .retryWrites(retryWrites)
            .retryReads(false)
            .applyToClusterSettings(b -> b.serverSelectionTimeout(10, TimeUnit.SECONDS))
            .applyToSocketSettings(
                b -> b.connectTimeout(5, TimeUnit.SECONDS).readTimeout(30, TimeUnit.SECONDS))
            .applyToConnectionPoolSettings(b -> b.maxSize(threads + 4))
            .build());
  }

  private Row runPhase(
      LocalReplicaSet set,
      LocalReplicaSet.Member primary,
      MongoClient client,
      WriteConcern wc,
      boolean retryWrites)
      throws BenchmarkException {
    String label =
        (wc == WriteConcern.MAJORITY ? "w:\"majority\"" : "w:1")
            + (retryWrites ? ", retryWrites" : "");
    String name =
        (wc == WriteConcern.MAJORITY ? "insert_majority" : "insert_w1")
            + (retryWrites ? "_retry" : "");
    MongoCollection<Document> coll =
        client.getDatabase(DB).getCollection(name).withWriteConcern(wc);
    coll.withWriteConcern(WriteConcern.MAJORITY).drop();
    AtomicLong counter = new AtomicLong();
    LoadPhase.OpFactory factory =
        thread ->
            () -> {
              long i = counter.getAndIncrement();
              Document doc =
                  new Document("_id", new ObjectId())
                      .append("i", i)
                      .append("name", "name-" + i)
                      .append("n", ThreadLocalRandom.current().nextInt(1_000_000));
              if (!coll.insertOne(doc).wasAcknowledged()) {
                throw new IllegalStateException("insert not acknowledged");
              }
            };
    if (warmupSeconds > 0) {
      log(label + ": warm-up " + warmupSeconds + " s, " + threads + " threads");
      PhaseResult warm = LoadPhase.run(name, threads, Duration.ofSeconds(warmupSeconds), factory);
      if (!warm.ok()) {
        log(label + ": warm-up FAILED: " + warm.error());
        return new Row(
            label, PhaseResult.failed("warm-up: " + warm.error()), new long[0], 0, 0, 0, 0, -1);
      }
    }
    long waited = awaitCaughtUp(set, primary);
    log(label + ": secondaries caught up " + seconds(waited) + " after the warm-up");

    log(label + ": measuring " + seconds + " s, " + threads + " threads");
    PhaseResult result;
    LagSampler sampler = new LagSampler(primary.admin(), sampleMillis);
    try {
      result = LoadPhase.run(name, threads, Duration.ofSeconds(seconds), factory);
    } finally {
      sampler.close();
    }
    long catchUp = awaitCaughtUp(set, primary);
    long[] lags = sampler.sortedLagMillis();
    if (result.ok()) {
      log(
          String.format(
              Locale.ROOT,
              "%s: %,.0f ops/s, p50 %s ms, p99 %s ms (%,d ops); lag p50 %s, max %s over %d"
                  + " samples (%d failed%s); caught up %s after the load",
              label,
              result.opsPerSecond(),
              MarkdownReport.millis(result.p50Nanos()),
              MarkdownReport.millis(result.p99Nanos()),
              result.ops(),
              lags.length == 0 ? "-" : ReplBenchArgs.percentile(lags, 50) + " ms",
              lags.length == 0 ? "-" : lags[lags.length - 1] + " ms",
              sampler.samples(),
              sampler.failedSamples(),
              sampler.failedSamples() > 0 ? ", last: " + sampler.lastError() : "",
              seconds(catchUp)));
    } else {
      log(label + ": FAILED: " + result.error());
    }
    try {
      coll.withWriteConcern(WriteConcern.MAJORITY).drop();
    } catch (RuntimeException e) {
      log(label + ": dropping " + name + " failed (ignored): " + e.getMessage());
    }
    return new Row(
        label,
        result,
        lags,
        sampler.maxGapSeconds(),
        sampler.samples(),
        sampler.failedSamples(),
        sampler.notSecondary(),
        catchUp);
  }

  /**
   * Waits until the primary sees both secondaries at (or past) its own last applied optime; returns
   * how long that took. Fails with the members' output if it takes too long.
   */
  private long awaitCaughtUp(LocalReplicaSet set, LocalReplicaSet.Member primary)
      throws BenchmarkException {
    long t0 = System.nanoTime();
    long deadline = t0 + CATCH_UP_TIMEOUT.toNanos();
    String last = "no answer";
    while (true) {
      try {
        LagSampler.Optimes o = LagSampler.optimes(primary.admin());
        boolean caughtUp = true;
        StringBuilder where = new StringBuilder("primary at " + o.primary());
        for (LagSampler.Secondary s : o.secondaries()) {
          caughtUp &= s.state() == 2 && s.optime().compareTo(o.primary()) >= 0;
          where.append(", ").append(s.host()).append(" at ").append(s.optime());
        }
        if (caughtUp) {
          return System.nanoTime() - t0;
        }
        last = where.toString();
      } catch (RuntimeException e) {
        last = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      set.checkNoUnexpectedExit();
      if (System.nanoTime() > deadline) {
        throw set.failure(
            "the secondaries did not catch up with the primary within "
                + CATCH_UP_TIMEOUT.toSeconds()
                + " s ("
                + last
                + "); states: "
                + set.describeStates(),
            null);
      }
      LocalReplicaSet.sleepMillis(50);
    }
  }

  private String render(String[] args, String machine, String version, List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append("### Replication benchmark, ").append(LocalDate.now()).append("\n\n");
    out.append("- Command: `")
        .append(ReplBenchArgs.commandLine(ReplicationBenchmark.class, args))
        .append("`\n");
    out.append("- Machine: ").append(machine).append('\n');
    out.append("- Set: 3 starling-node members (buildInfo version ")
        .append(version)
        .append("), each its own JVM on 127.0.0.1, electionTimeoutMillis ")
        .append(electionTimeoutMillis)
        .append("; the benchmark client shares the machine\n");
    out.append(
            String.format(
                Locale.ROOT,
                "- Load: %d client threads, one Java sync-driver client with the replica-set URI"
                    + " (retryWrites=false; with --retryable-writes a second one with"
                    + " retryWrites=true), closed loop of single-document inserts of small"
                    + " documents {_id: ObjectId, i, name, n}; per write concern a fresh"
                    + " collection, %d s warm-up, then %d s measured",
                threads,
                warmupSeconds,
                seconds))
        .append('\n');
    out.append(
            String.format(
                Locale.ROOT,
                "- Secondary lag: every %d ms, replSetGetStatus on the primary; for each"
                    + " SECONDARY, the age of the oldest oplog entry on the primary newer than the"
                    + " secondary's members[].optime (as the primary last heard it): status date"
                    + " minus that entry's wall time, 0 when the secondary has the primary's last"
                    + " entry. p50 and max over all samples of both secondaries. \"Optime gap\" is"
                    + " the largest difference in optime seconds (1 s resolution). \"Catch-up\" is"
                    + " the time from the end of the load until both secondaries had the"
                    + " primary's last entry",
                sampleMillis))
        .append("\n\n");
    out.append(
        "| Write concern | ops/s | p50 ms | p99 ms | Lag p50 ms | Lag max ms | Optime gap max"
            + " | Catch-up | Lag samples |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    List<String> notes = new ArrayList<>();
    for (Row r : rows) {
      out.append("| ").append(r.label());
      if (!r.result().ok()) {
        notes.add("[" + (notes.size() + 1) + "] " + r.label() + ": " + r.result().error());
        out.append(" | FAILED [").append(notes.size()).append("] | - | - | - | - | - | - | - |\n");
        continue;
      }
      long[] lags = r.lagMillis();
      out.append(" | ")
          .append(String.format(Locale.ROOT, "%,.0f", r.result().opsPerSecond()))
          .append(" | ")
          .append(MarkdownReport.millis(r.result().p50Nanos()))
          .append(" | ")
          .append(MarkdownReport.millis(r.result().p99Nanos()))
          .append(" | ")
          .append(lags.length == 0 ? "-" : ReplBenchArgs.percentile(lags, 50))
          .append(" | ")
          .append(lags.length == 0 ? "-" : lags[lags.length - 1])
          .append(" | ")
          .append(r.maxGapSeconds())
          .append(" s | ")
          .append(seconds(r.catchUpNanos()))
          .append(" | ")
          .append(lags.length)
          .append(r.failedSamples() > 0 ? " (" + r.failedSamples() + " failed)" : "")
          .append(r.notSecondary() > 0 ? " (" + r.notSecondary() + " not SECONDARY)" : "")
          .append(" |\n");
    }
    if (retryable && rows.stream().allMatch(r -> r.result().ok())) {
      for (int i = 0; i + 3 < rows.size(); i += 4) {
        double without =
            rows.get(i).result().opsPerSecond() + rows.get(i + 3).result().opsPerSecond();
        double with =
            rows.get(i + 1).result().opsPerSecond() + rows.get(i + 2).result().opsPerSecond();
        out.append(
            String.format(
                Locale.ROOT,
                "\n%s with / without retryable writes (the config.transactions write), mean of"
                    + " two phases each: %.2f\n",
                rows.get(i).label(),
                with / without));
      }
    }
    if (rows.size() == 2 && rows.get(0).result().ok() && rows.get(1).result().ok()) {
      double ratio = rows.get(1).result().opsPerSecond() / rows.get(0).result().opsPerSecond();
      out.append(
          String.format(
              Locale.ROOT,
              "\nw:\"majority\" / w:1 throughput: %.2f (target ≥ 0.50): %s\n",
              ratio,
              ratio >= 0.5 ? "PASS" : "FAIL"));
    }
    if (!notes.isEmpty()) {
      out.append('\n');
      notes.forEach(n -> out.append(n).append('\n'));
    }
    return out.toString();
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  private static void log(String message) {
    System.err.println("[replication] " + message);
  }
}
