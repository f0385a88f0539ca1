package dev.starling.e2e.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bson.Document;

/**
 * Reconfig latency on a local 4-member set: the replSetReconfig round trip (the primary replies
 * once a majority of the new config's voters have it) for a priority change of a secondary, and for
 * adding a member back after removing it; for the add also the time until the new member votes (the
 * primary cleared its newlyAdded mark). Before each measured reconfig the benchmark waits until the
 * current config is committed, so no run meets 308.
 *
 * <pre>
 * "$JAVA_HOME"/bin/java -cp "$(cat e2e/target/classpath.txt)":e2e/target/classes \
 *     dev.starling.e2e.bench.ReconfigBenchmark --runs 20
 * </pre>
 */
public final class ReconfigBenchmark {
  private static final String USAGE =
      """
      Usage: ReconfigBenchmark [options]
        --runs N             measured reconfigs of each kind (1-500, default 20)
      """
          + ReplBenchArgs.COMMON_USAGE;

  private ReconfigBenchmark() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    int[] runs = {20};
    ReplBenchArgs.Parsed parsed =
        ReplBenchArgs.parseOrUsage(
            "ReconfigBenchmark",
            USAGE,
            args,
            (arg, value) -> {
              if (arg.equals("--runs")) {
                runs[0] = ReplBenchArgs.number(arg, value.get(), 1, 500);
                return true;
              }
              return false;
            });
    if (parsed.args() == null) {
      return parsed.exitCode();
    }
    ReplBenchArgs common = parsed.args();
    String machine = ReplBenchArgs.machine();
    try (LocalReplicaSet set =
        LocalReplicaSet.start(
            4,
            common.jar,
            common.jvmArgs,
            Duration.ofSeconds(common.startupTimeoutSeconds),
            common.keepDir)) {
      set.initiate(2000);
      LocalReplicaSet.Member primary = set.awaitStable(Duration.ofSeconds(60));
      String version = set.version();
      try (MongoClient client =
          LocalReplicaSet.directClient(primary.host(), Duration.ofSeconds(60))) {
        MongoDatabase admin = client.getDatabase("admin");
        LocalReplicaSet.Member other =
            set.members().stream().filter(m -> m != primary).findFirst().orElseThrow();
        LocalReplicaSet.Member moved =
            set.members().stream()
                .filter(m -> m != primary && m != other)
                .findFirst()
                .orElseThrow();
        List<Double> priority = new ArrayList<>();
        for (int i = 0; i < runs[0]; i++) {
          double p = i % 2 == 0 ? 0.5 : 0.6;
          awaitCommitted(admin);
          Document c = next(admin);
          memberByHost(c, other.host()).put("priority", p);
          priority.add(timed(admin, c));
        }
        List<Double> add = new ArrayList<>();
        List<Double> voting = new ArrayList<>();
        for (int i = 0; i < runs[0]; i++) {
          awaitCommitted(admin);
          Document removed = next(admin);
          Document member = memberByHost(removed, moved.host());
          removed.getList("members", Document.class).remove(member);
          timed(admin, removed);
          awaitCommitted(admin);
          Document added = next(admin);
          member.remove("newlyAdded");
          List<Document> ms = new ArrayList<>(added.getList("members", Document.class));
          ms.add(member);
          added.put("members", ms);
          long start = System.nanoTime();
          add.add(timed(admin, added));
          while (admin
                  .runCommand(new Document("replSetGetStatus", 1))
                  .get("votingMembersCount", Number.class)
                  .intValue()
              < 4) {
            LocalReplicaSet.sleepMillis(10);
          }
          voting.add((System.nanoTime() - start) / 1e6);
        }
        System.out.println();
        System.out.println("### Reconfig latency");
        System.out.println();
        System.out.println(
            "- Command: `" + ReplBenchArgs.commandLine(ReconfigBenchmark.class, args) + "`");
        System.out.println("- Machine: " + machine);
        System.out.println(
            "- Set: 4 starling-node members (buildInfo version "
                + version
                + "), each its own JVM on 127.0.0.1, electionTimeoutMillis 2000, default"
                + " heartbeatIntervalMillis (2000)");
        System.out.println(
            "- Client: Java sync driver, direct connection to the primary; each reconfig waits"
                + " first until replSetGetConfig's commitmentStatus is true");
        System.out.println();
        System.out.println("| Reconfig | Runs | p50 | p90 | max |");
        System.out.println("|---|---:|---:|---:|---:|");
        row("priority change of a secondary (round trip)", priority);
        row("add a member (round trip)", add);
        row("add a member, until it votes (newlyAdded cleared)", voting);
      }
      return 0;
    } catch (BenchmarkException e) {
      System.err.println("ReconfigBenchmark: " + e.getMessage());
      return 1;
    }
  }

  private static void row(String what, List<Double> millis) {
    List<Double> s = new ArrayList<>(millis);
    s.sort(null);
    System.out.println(
        String.format(
            Locale.ROOT,
            "| %s | %d | %.0f ms | %.0f ms | %.0f ms |",
            what,
            s.size(),
            percentile(s, 0.5),
            percentile(s, 0.9),
            s.get(s.size() - 1)));
  }

  private static double percentile(List<Double> sorted, double q) {
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static Document next(MongoDatabase admin) {
    Document c =
        admin.runCommand(new Document("replSetGetConfig", 1)).get("config", Document.class);
    c.put("version", c.get("version", Number.class).intValue() + 1);
    return c;
  }

  private static Document memberByHost(Document config, String host) {
    return config.getList("members", Document.class).stream()
        .filter(m -> m.getString("host").equals(host))
        .findFirst()
        .orElseThrow();
  }

  private static double timed(MongoDatabase admin, Document config) {
    long start = System.nanoTime();
    admin.runCommand(new Document("replSetReconfig", config));
    return (System.nanoTime() - start) / 1e6;
  }

  private static void awaitCommitted(MongoDatabase admin) {
    while (!admin
        .runCommand(new Document("replSetGetConfig", 1).append("commitmentStatus", true))
        .getBoolean("commitmentStatus")) {
      LocalReplicaSet.sleepMillis(10);
    }
  }
}
