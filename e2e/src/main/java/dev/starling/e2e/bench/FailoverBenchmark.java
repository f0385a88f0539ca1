package dev.starling.e2e.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Projections;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * The failover benchmark: how long a 3-member set on loopback is without a writable primary when
 * its primary is killed (SIGKILL) or paused (SIGSTOP), as a client sees it, and whether any
 * acknowledged w:"majority" write is lost on the way. Prints a Markdown section for BENCHMARKS.md
 * on stdout; progress goes to stderr.
 *
 * <p>Run it from the repository root after building (see NodeBenchmark):
 *
 * <pre>
 * "$JAVA_HOME"/bin/java -cp "$(cat e2e/target/classpath.txt)":e2e/target/classes dev.starling.e2e.bench.FailoverBenchmark --trials 20
 * </pre>
 *
 * <p>For each election timeout (a fresh set each): an {@link AckedWriter} inserts without pause.
 * Each trial waits for one PRIMARY and two SECONDARY and a few writes acknowledged by the primary,
 * signals the primary, and measures the time from the signal to the first insert acknowledged by
 * another member; then it restarts the killed member (same ports and data) or resumes the paused
 * one and waits until it is SECONDARY again. A paused-for-half-the-timeout check follows, and at
 * the end every acknowledged _id is looked up on the final primary.
 *
 * <p>Exit codes: 0 every trial ran, no acknowledged write was lost and the members converged; 1
 * otherwise (the report says what; the targets are verdicts in the report, not exit codes); 2 bad
 * arguments; 3 the run overran its own time bound.
 */
public final class FailoverBenchmark {

  private static final String USAGE =
      """
      usage: FailoverBenchmark [options]
        --trials N                failovers per mode and election timeout (1-500, default 20)
        --election-timeout-ms A,B settings.electionTimeoutMillis values, one set each
                                  (500-60000, default 2000,10000)
        --modes kill,stop         kill: SIGKILL the primary; stop: SIGSTOP it (default both)
        --pause-trials N          primary paused for half the election timeout, then resumed:
                                  no election expected (0-50, default 3)
        --driver-heartbeat-ms N   the writer's heartbeatFrequencyMS (500-10000, default 500)
      """
          + ReplBenchArgs.COMMON_USAGE;

  private enum Mode {
    KILL("kill", "kill -9"),
    STOP("stop", "SIGSTOP");

    final String id;
    final String label;

    Mode(String id, String label) {
      this.id = id;
      this.label = label;
    }
  }

  /** One failover: times are from the signal, in nanoseconds. */
  private record Trial(
      Mode mode, long electedNanos, long writeNanos, long restoreNanos, String from, String to) {}

  private record PauseCheck(boolean pass, String detail) {}

  /** What the final primary holds of the writer's acknowledged _ids. */
  private record Verification(
      long attempts,
      long acked,
      long lost,
      long unackedPresent,
      String lostSample,
      String primary,
      String convergence) {

    boolean converged() {
      return convergence.startsWith(SAME_DB_HASH);
    }
  }

  private static final String SAME_DB_HASH = "dbHash equal on all 3 members";

  /** Everything one set (one election timeout) gave. */
  private static final class SetResult {
    final long electionTimeoutMillis;
    final List<Trial> trials = new ArrayList<>();
    final List<PauseCheck> pauseChecks = new ArrayList<>();
    Verification verification;
    String verificationError;
    String failure;

    SetResult(long electionTimeoutMillis) {
      this.electionTimeoutMillis = electionTimeoutMillis;
    }
  }

  private final ReplBenchArgs common;
  private final int trials;
  private final List<Long> electionTimeouts;
  private final Set<Mode> modes;
  private final int pauseTrials;
  private final int driverHeartbeatMillis;

  private FailoverBenchmark(
      ReplBenchArgs common,
      int trials,
      List<Long> electionTimeouts,
      Set<Mode> modes,
      int pauseTrials,
      int driverHeartbeatMillis) {
    this.common = common;
    this.trials = trials;
    this.electionTimeouts = electionTimeouts;
    this.modes = modes;
    this.pauseTrials = pauseTrials;
    this.driverHeartbeatMillis = driverHeartbeatMillis;
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    int[] trials = {20};
    List<Long> timeouts = new ArrayList<>();
    Set<Mode> modes = new LinkedHashSet<>();
    int[] pauseTrials = {3};
    int[] heartbeat = {500};
    ReplBenchArgs.Parsed parsed =
        ReplBenchArgs.parseOrUsage(
            "FailoverBenchmark",
            USAGE,
            args,
            (arg, value) -> {
              switch (arg) {
                case "--trials" -> trials[0] = ReplBenchArgs.number(arg, value.get(), 1, 500);
                case "--pause-trials" ->
                    pauseTrials[0] = ReplBenchArgs.number(arg, value.get(), 0, 50);
                case "--driver-heartbeat-ms" ->
                    heartbeat[0] = ReplBenchArgs.number(arg, value.get(), 500, 10_000);
                case "--election-timeout-ms" -> {
                  for (String t : value.get().split(",")) {
                    timeouts.add((long) ReplBenchArgs.number(arg, t, 500, 60_000));
                  }
                }
                case "--modes" -> {
                  for (String m : value.get().split(",")) {
                    modes.add(
                        Arrays.stream(Mode.values())
                            .filter(x -> x.id.equals(m.strip()))
                            .findFirst()
                            .orElseThrow(
                                () ->
                                    new IllegalArgumentException(
                                        "--modes takes kill and/or stop, not '" + m + "'")));
                  }
                }
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
    if (timeouts.isEmpty()) {
      timeouts.addAll(List.of(2000L, 10_000L));
    }
    if (modes.isEmpty()) {
      modes.addAll(List.of(Mode.KILL, Mode.STOP));
    }
    FailoverBenchmark b =
        new FailoverBenchmark(
            common, trials[0], List.copyOf(timeouts), modes, pauseTrials[0], heartbeat[0]);
    b.startWatchdog();
    String machine = ReplBenchArgs.machine();
    List<SetResult> results = new ArrayList<>();
    String[] version = {"?"};
    for (long et : b.electionTimeouts) {
      results.add(b.runSet(et, version));
    }
    System.out.println();
    System.out.print(b.render(args, machine, version[0], results));
    System.out.flush();
    boolean ok =
        results.stream()
            .allMatch(
                r ->
                    r.failure == null
                        && r.verification != null
                        && r.verification.lost() == 0
                        && r.verification.converged());
    if (!ok) {
      System.err.println("FailoverBenchmark: FAILED; see the report and the member output above.");
    }
    return ok ? 0 : 1;
  }

  /** Ends the JVM (and so, through the shutdown hooks, every member) if the run overruns. */
  private void startWatchdog() {
    long startup = 3L * common.startupTimeoutSeconds;
    long budget = 120;
    for (long et : electionTimeouts) {
      long etS = et / 1000 + 1;
      long perTrial = stableTimeout(et).toSeconds() + 30 + trialTimeout(et).toSeconds();
      perTrial += RESTORE_TIMEOUT.toSeconds() + common.startupTimeoutSeconds;
      budget += startup + 60 + (long) trials * modes.size() * perTrial;
      budget += pauseTrials * (stableTimeout(et).toSeconds() + 30 + 3 * etS + 10);
      budget += 300;
    }
    long bound = budget;
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(Duration.ofSeconds(bound));
              } catch (InterruptedException e) {
                return;
              }
              System.err.println(
                  "FailoverBenchmark: watchdog: the run overran its bound of " + bound + " s");
              System.exit(3);
            },
            "failover-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(120);

  private static Duration stableTimeout(long et) {
    return Duration.ofMillis(60_000 + 3 * et);
  }

  private static Duration trialTimeout(long et) {
    return Duration.ofMillis(30_000 + 3 * et);
  }

  private SetResult runSet(long et, String[] version) {
    SetResult result = new SetResult(et);
    log("=== electionTimeoutMillis " + et + ": starting 3 members");
    LocalReplicaSet set = null;
    AckedWriter writer = null;
    try {
      set =
          LocalReplicaSet.start(
              3,
              common.jar,
              common.jvmArgs,
              Duration.ofSeconds(common.startupTimeoutSeconds),
              common.keepDir);
      set.initiate(et);
      LocalReplicaSet.Member primary = set.awaitStable(stableTimeout(et));
      version[0] = set.version();
      log("set is up, primary " + primary.name() + "; starting the writer");
      writer = new AckedWriter(set.uri(""), driverHeartbeatMillis);
      writer.awaitAcksFrom(primary.host(), 5, Duration.ofSeconds(30), set);
      for (Mode mode : modes) {
        for (int i = 1; i <= trials; i++) {
          result.trials.add(runTrial(set, writer, mode, et, i));
        }
      }
      for (int i = 1; i <= pauseTrials; i++) {
        result.pauseChecks.add(pauseCheck(set, writer, et, i));
      }
    } catch (BenchmarkException | RuntimeException e) {
      result.failure = firstLine(e.getMessage() == null ? e.toString() : e.getMessage());
      System.err.println("\nFailoverBenchmark: electionTimeoutMillis " + et + " FAILED: " + e);
      if (e instanceof RuntimeException) {
        e.printStackTrace();
        if (set != null) {
          System.err.println(set.output());
        }
      }
    } finally {
      if (writer == null) {
        result.verificationError = "no writes: the set failed before the writer started";
      } else {
        writer.close();
        if (set != null) {
          try {
            result.verification = verify(set, writer);
          } catch (BenchmarkException | RuntimeException e) {
            result.verificationError = firstLine(String.valueOf(e.getMessage()));
            System.err.println("FailoverBenchmark: verification FAILED: " + e.getMessage());
          }
        }
      }
      if (set != null) {
        set.close();
      }
    }
    return result;
  }

  private Trial runTrial(LocalReplicaSet set, AckedWriter writer, Mode mode, long et, int trial)
      throws BenchmarkException {
    String what = mode.label + ", electionTimeoutMillis " + et + ", trial " + trial + "/" + trials;
    LocalReplicaSet.Member old = set.awaitStable(stableTimeout(et));
    writer.awaitAcksFrom(old.host(), 3, Duration.ofSeconds(30), set);
    List<LocalReplicaSet.Member> others = set.members().stream().filter(m -> m != old).toList();

    long t0 = System.nanoTime();
    CompletableFuture<AckedWriter.Ack> first =
        writer.watch(a -> a.nanos() > t0 && a.host() != null && !a.host().equals(old.host()), 1);
    if (mode == Mode.KILL) {
      old.kill9();
    } else {
      old.pause();
    }
    long deadline = t0 + trialTimeout(et).toNanos();
    long elected = -1;
    String electedHost = null;
    while (!first.isDone()) {
      if (elected < 0) {
        for (LocalReplicaSet.Member m : others) {
          if (m.isPrimary()) {
            elected = System.nanoTime() - t0;
            electedHost = m.host();
            break;
          }
        }
      }
      set.checkNoUnexpectedExit();
      if (System.nanoTime() > deadline) {
        first.cancel(false);
        throw set.failure(
            what
                + ": no w:majority insert acknowledged by another member within "
                + trialTimeout(et).toSeconds()
                + " s of the signal to "
                + old.name()
                + (elected < 0
                    ? "; no other member ever said isWritablePrimary"
                    : "; " + electedHost + " said isWritablePrimary after " + seconds(elected))
                + "; writer's last error: "
                + writer.lastError()
                + "; states: "
                + set.describeStates(),
            null);
      }
      LocalReplicaSet.sleepMillis(20);
    }
    AckedWriter.Ack ack = first.join();
    long write = ack.nanos() - t0;
    String failuresDuringGap = writer.failuresSince(t0);
    if (elected < 0 || elected > write) {
      elected = write; // The hello poll missed it: the acknowledged write bounds it.
    }

    long r0 = System.nanoTime();
    if (mode == Mode.KILL) {
      old.start();
    } else {
      old.resume();
    }
    set.awaitSecondary(old, RESTORE_TIMEOUT);
    long restore = System.nanoTime() - r0;
    log(
        String.format(
            Locale.ROOT,
            "%s: %s -> %s: primary after %s, first majority write after %s; %s SECONDARY"
                + " again %s after %s; writer: %s",
            what,
            old.host(),
            ack.host(),
            seconds(elected),
            seconds(write),
            old.host(),
            mode == Mode.KILL ? "(restarted)" : "(resumed)",
            seconds(restore),
            failuresDuringGap));
    return new Trial(mode, elected, write, restore, old.host(), ack.host());
  }

  /**
   * Pauses the primary for half the election timeout while the writer keeps writing, resumes it,
   * and watches one more election timeout: the term and the primary must not change.
   */
  private PauseCheck pauseCheck(LocalReplicaSet set, AckedWriter writer, long et, int trial)
      throws BenchmarkException {
    LocalReplicaSet.Member p = set.awaitStable(stableTimeout(et));
    writer.awaitAcksFrom(p.host(), 3, Duration.ofSeconds(30), set);
    long term0 = term(p).orElseThrow(() -> set.failure(p.name() + " answers no term", null));
    p.pause();
    LocalReplicaSet.sleepMillis(et / 2); // the paused interval is the experiment itself
    p.resume();
    long resumed = System.nanoTime();
    CompletableFuture<AckedWriter.Ack> after =
        writer.watch(a -> a.nanos() > resumed && p.host().equals(a.host()), 1);
    LocalReplicaSet.sleepMillis(et);
    boolean wrote = after.isDone();
    after.cancel(false);
    set.checkNoUnexpectedExit();
    List<String> problems = new ArrayList<>();
    long maxTerm = term0;
    for (LocalReplicaSet.Member m : set.members()) {
      Optional<Long> t = term(m);
      if (t.isEmpty()) {
        problems.add(m.host() + " answers no replSetGetStatus");
      } else if (t.get() != term0) {
        maxTerm = Math.max(maxTerm, t.get());
        problems.add(m.host() + " is in term " + t.get());
      }
    }
    if (!p.isPrimary()) {
      problems.add(p.host() + " is no longer primary (" + set.describeStates() + ")");
    }
    if (!wrote) {
      problems.add("no write acknowledged by " + p.host() + " after it resumed");
    }
    boolean pass = problems.isEmpty();
    String detail =
        pass
            ? "term " + term0 + " unchanged, " + p.host() + " still primary"
            : "term " + term0 + " -> " + maxTerm + ": " + String.join("; ", problems);
    log(
        "pause check, electionTimeoutMillis "
            + et
            + ", trial "
            + trial
            + "/"
            + pauseTrials
            + ": paused "
            + p.host()
            + " for "
            + et / 2
            + " ms: "
            + (pass ? "PASS" : "FAIL")
            + " ("
            + detail
            + ")");
    return new PauseCheck(pass, detail);
  }

  private static Optional<Long> term(LocalReplicaSet.Member m) {
    return m.status()
        .map(s -> s.get("term"))
        .filter(t -> t instanceof Number)
        .map(t -> ((Number) t).longValue());
  }

  /**
   * Finds the primary once the set is stable again and looks every acknowledged _id up on it; also
   * waits (30 s) for the three members' dbHash of the benchmark database to agree.
   */
  private Verification verify(LocalReplicaSet set, AckedWriter writer) throws BenchmarkException {
    LocalReplicaSet.Member primary;
    try {
      primary = set.awaitStable(Duration.ofSeconds(60));
    } catch (BenchmarkException e) {
      primary =
          set.members().stream()
              .filter(LocalReplicaSet.Member::isPrimary)
              .findFirst()
              .orElseThrow(() -> e);
      log("verification: the set is not stable; reading the primary " + primary.host());
    }
    BitSet acked = writer.acked();
    BitSet present;
    try {
      present = ids(primary);
    } catch (RuntimeException e) {
      throw set.failure("reading the _ids from " + primary.name() + " failed: " + e, e);
    }
    BitSet lost = (BitSet) acked.clone();
    lost.andNot(present);
    BitSet unacked = (BitSet) present.clone();
    unacked.andNot(acked);
    String sample = sample(lost);
    String converged = awaitSameDbHash(set, primary, present, acked);
    log(
        String.format(
            Locale.ROOT,
            "verification on %s: %d acknowledged, %d lost%s; %d unacknowledged attempts present;"
                + " %s",
            primary.host(),
            acked.cardinality(),
            lost.cardinality(),
            sample.isEmpty() ? "" : " (" + sample.strip() + ")",
            unacked.cardinality(),
            converged));
    return new Verification(
        writer.attempts(),
        acked.cardinality(),
        lost.cardinality(),
        unacked.cardinality(),
        sample,
        primary.host(),
        converged);
  }

  /**
   * Waits (30 s) for the members' dbHash of the benchmark database to agree; if they do not, says
   * which member holds which _ids that the primary does not (or lacks), and which of those were
   * acknowledged.
   */
  private static String awaitSameDbHash(
      LocalReplicaSet set, LocalReplicaSet.Member primary, BitSet onPrimary, BitSet acked) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<Document> last = List.of();
    while (System.nanoTime() < deadline) {
      List<Document> hashes = new ArrayList<>();
      for (LocalReplicaSet.Member m : set.members()) {
        try {
          hashes.add(m.admin().getDatabase(AckedWriter.DB).runCommand(new Document("dbHash", 1)));
        } catch (RuntimeException e) {
          hashes.add(new Document("md5", "(" + e.getClass().getSimpleName() + ")"));
        }
      }
      last = hashes;
      if (hashes.stream().map(h -> h.getString("md5")).distinct().count() == 1
          && !hashes.get(0).getString("md5").startsWith("(")) {
        return SAME_DB_HASH;
      }
      LocalReplicaSet.sleepMillis(200);
    }
    StringBuilder out = new StringBuilder("dbHash NOT equal after 30 s without writes:");
    for (int i = 0; i < set.members().size(); i++) {
      LocalReplicaSet.Member m = set.members().get(i);
      Document h = last.get(i);
      out.append(' ').append(m.host()).append(" md5 ").append(h.getString("md5"));
      if (h.get("collections") instanceof Document c) {
        out.append(" ").append(c.toJson());
      }
      if (m == primary) {
        out.append(" (primary);");
        continue;
      }
      try {
        BitSet ids = ids(m);
        BitSet extra = (BitSet) ids.clone();
        extra.andNot(onPrimary);
        BitSet missing = (BitSet) onPrimary.clone();
        missing.andNot(ids);
        BitSet extraAcked = (BitSet) extra.clone();
        extraAcked.and(acked);
        BitSet missingAcked = (BitSet) missing.clone();
        missingAcked.and(acked);
        out.append(
            String.format(
                Locale.ROOT,
                " %d _ids, %d not on the primary (%d of them acknowledged)%s, %d of the"
                    + " primary's missing (%d acknowledged)%s;",
                ids.cardinality(),
                extra.cardinality(),
                extraAcked.cardinality(),
                sample(extra),
                missing.cardinality(),
                missingAcked.cardinality(),
                sample(missing)));
      } catch (RuntimeException e) {
        out.append(" could not read its _ids: ").append(e.getMessage()).append(';');
      }
    }
    return out.toString();
  }

  private static String sample(BitSet ids) {
    return ids.isEmpty()
        ? ""
        : " e.g. "
            + ids.stream()
                .limit(5)
                .mapToObj(Integer::toString)
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
  }

  /** The integer _ids of the writer's collection on {@code m} (a secondary read if need be). */
  private static BitSet ids(LocalReplicaSet.Member m) {
    BitSet present = new BitSet();
    try (MongoClient client = LocalReplicaSet.directClient(m.host(), Duration.ofSeconds(120));
        MongoCursor<Document> cursor =
            client
                .getDatabase(AckedWriter.DB)
                .getCollection(AckedWriter.COLLECTION)
                .find()
                .projection(Projections.include("_id"))
                .batchSize(10_000)
                .iterator()) {
      while (cursor.hasNext()) {
        if (cursor.next().get("_id") instanceof Integer i) {
          present.set(i);
        }
      }
    }
    return present;
  }

  private String render(String[] args, String machine, String version, List<SetResult> results) {
    StringBuilder out = new StringBuilder();
    out.append("### Failover benchmark, ").append(LocalDate.now()).append("\n\n");
    out.append("- Command: `")
        .append(ReplBenchArgs.commandLine(FailoverBenchmark.class, args))
        .append("`\n");
    out.append("- Machine: ").append(machine).append('\n');
    out.append("- Set: 3 starling-node members (buildInfo version ")
        .append(version)
        .append("), each its own JVM on 127.0.0.1, all priority 1; a fresh set per")
        .append(" electionTimeoutMillis\n");
    out.append(
            "- Writer: one thread, Java sync driver, replica-set URI over the 3 members,"
                + " retryWrites=false, connect/read/server-selection timeouts 1 s, w:\"majority\""
                + " with wtimeout 900 ms, heartbeatFrequencyMS ")
        .append(driverHeartbeatMillis)
        .append(driverHeartbeatMillis == 500 ? " (driver default 10000)" : "")
        .append(
            "; unique increasing integer _ids, every attempt a new _id, a 5 ms pause after a"
                + " failed one\n");
    out.append(
        "- Write: from the signal to the return of the first w:\"majority\" insert acknowledged"
            + " by another member (the member that answered, from the driver's command events)."
            + " Primary: from the signal to the first hello from another member saying"
            + " isWritablePrimary (polled every 20 ms). kill -9 trials restart the member on the"
            + " same ports and data, SIGSTOP trials send SIGCONT; both wait until it says"
            + " SECONDARY before the next trial\n\n");

    out.append(
        "| Mode | electionTimeoutMillis | Trials | Primary p50 | Write p50 | Write p90 | Write max"
            + " | Target (write p50) | Verdict | MongoDB reference |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---|---|---|\n");
    List<String> notes = new ArrayList<>();
    for (SetResult r : results) {
      for (Mode mode : modes) {
        List<Trial> ts = r.trials.stream().filter(t -> t.mode() == mode).toList();
        long target =
            mode == Mode.KILL
                ? TimeUnit.SECONDS.toNanos(1)
                : TimeUnit.MILLISECONDS.toNanos(Math.round(r.electionTimeoutMillis * 1.15) + 1000);
        String targetText =
            mode == Mode.KILL
                ? "< 1 s"
                : String.format(
                    Locale.ROOT,
                    "≤ %.2f s (%d ms × 1.15 + 1 s)",
                    target / 1e9,
                    r.electionTimeoutMillis);
        out.append("| ")
            .append(mode.label)
            .append(" | ")
            .append(r.electionTimeoutMillis)
            .append(" | ");
        if (ts.isEmpty()) {
          out.append("0 | - | - | - | - | ").append(targetText).append(" | not run");
          out.append(r.failure != null ? " [" + note(notes, r) + "]" : "").append(" | - |\n");
          continue;
        }
        long[] writes = ts.stream().mapToLong(Trial::writeNanos).sorted().toArray();
        long[] elected = ts.stream().mapToLong(Trial::electedNanos).sorted().toArray();
        long p50 = ReplBenchArgs.percentile(writes, 50);
        boolean pass = mode == Mode.KILL ? p50 < target : p50 <= target;
        out.append(ts.size())
            .append(ts.size() < trials ? " of " + trials : "")
            .append(" | ")
            .append(seconds(ReplBenchArgs.percentile(elected, 50)))
            .append(" | ")
            .append(seconds(p50))
            .append(" | ")
            .append(seconds(ReplBenchArgs.percentile(writes, 90)))
            .append(" | ")
            .append(seconds(writes[writes.length - 1]))
            .append(" | ")
            .append(targetText)
            .append(" | ")
            .append(pass ? "PASS" : "FAIL")
            .append(ts.size() < trials ? " (incomplete [" + note(notes, r) + "])" : "")
            .append(" | ")
            .append(
                r.electionTimeoutMillis == 10_000
                    ? (p50 <= TimeUnit.SECONDS.toNanos(12) ? "within" : "over") + " 12 s median"
                    : "-")
            .append(" |\n");
      }
    }
    out.append(
        "\nMongoDB reference: \"The median time before a cluster elects a new primary should not"
            + " typically exceed 12 seconds, assuming default replica configuration settings\""
            + " (MongoDB manual, Replica Set Elections; the default electionTimeoutMillis is"
            + " 10000). Compared here with the write p50 of the 10000 ms rows, which also"
            + " includes the client finding the new primary.\n\n");

    out.append("| Check | electionTimeoutMillis | Result |\n|---|---:|---|\n");
    for (SetResult r : results) {
      if (pauseTrials > 0) {
        long passed = r.pauseChecks.stream().filter(PauseCheck::pass).count();
        out.append("| Primary paused (SIGSTOP) ")
            .append(r.electionTimeoutMillis / 2)
            .append(" ms, resumed, watched ")
            .append(r.electionTimeoutMillis)
            .append(" ms more: no election (term and primary unchanged) | ")
            .append(r.electionTimeoutMillis)
            .append(" | ");
        if (r.pauseChecks.isEmpty()) {
          out.append("not run");
        } else {
          out.append(passed == r.pauseChecks.size() ? "PASS " : "FAIL ")
              .append(passed)
              .append("/")
              .append(r.pauseChecks.size());
          r.pauseChecks.stream()
              .filter(c -> !c.pass())
              .findFirst()
              .ifPresent(c -> out.append(" (").append(c.detail()).append(")"));
        }
        out.append(" |\n");
      }
      out.append("| Acknowledged w:\"majority\" inserts missing on the final primary | ")
          .append(r.electionTimeoutMillis)
          .append(" | ");
      Verification v = r.verification;
      if (v == null) {
        out.append("NOT VERIFIED")
            .append(r.verificationError != null ? ": " + r.verificationError : "");
      } else {
        out.append(v.lost() == 0 ? "PASS: 0" : "FAIL: " + v.lost())
            .append(" of ")
            .append(v.acked())
            .append(" acknowledged lost")
            .append(v.lost() > 0 ? " (" + v.lostSample().strip() + ")" : "")
            .append(" (")
            .append(v.attempts())
            .append(" attempts; ")
            .append(v.unackedPresent())
            .append(" unacknowledged attempts present; final primary ")
            .append(v.primary())
            .append(")");
      }
      out.append(" |\n");
      if (v != null) {
        out.append("| Members hold the same data (dbHash of the benchmark database within 30 s")
            .append(" after the writer stopped) | ")
            .append(r.electionTimeoutMillis)
            .append(" | ")
            .append(v.converged() ? "PASS" : "FAIL: " + v.convergence())
            .append(" |\n");
      }
    }
    if (!notes.isEmpty()) {
      out.append('\n');
      notes.forEach(n -> out.append(n).append('\n'));
    }
    return out.toString();
  }

  private static String note(List<String> notes, SetResult r) {
    String text = "electionTimeoutMillis " + r.electionTimeoutMillis + ": " + r.failure;
    for (int n = 0; n < notes.size(); n++) {
      if (notes.get(n).endsWith("] " + text)) {
        return Integer.toString(n + 1);
      }
    }
    notes.add("[" + (notes.size() + 1) + "] " + text);
    return Integer.toString(notes.size());
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  private static void log(String message) {
    System.err.println("[failover] " + message);
  }
}
