package dev.starling.e2e.bench;

import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * How long a new member takes to join a set that holds data: a 3-member set is loaded with
 * incompressible documents (64 KiB of random bytes each, {@code --megabytes} in all), then an empty
 * fourth member is added with replSetReconfig as {@code rs.add()} sends it. Reported: the time
 * until it is SECONDARY (initial sync done) and until it votes (the primary cleared its newlyAdded
 * mark), the clone rate, and for reference the rate at which the primary took the same data from
 * the client on the same machine. The new member's dbHash must equal the primary's.
 *
 * <pre>
 * "$JAVA_HOME"/bin/java -cp "$(cat e2e/target/classpath.txt)":e2e/target/classes \
 *     dev.starling.e2e.bench.InitialSyncBenchmark --megabytes 1024
 * </pre>
 */
public final class InitialSyncBenchmark {
  private static final String USAGE =
      """
      Usage: InitialSyncBenchmark [options]
        --megabytes N        data loaded before the new member joins (1-65536, default 1024)
      """
          + ReplBenchArgs.COMMON_USAGE;

  private static final int DOC_BYTES = 64 * 1024;
  private static final int DOCS_PER_INSERT = 16;

  private InitialSyncBenchmark() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    int[] megabytes = {1024};
    ReplBenchArgs.Parsed parsed =
        ReplBenchArgs.parseOrUsage(
            "InitialSyncBenchmark",
            USAGE,
            args,
            (arg, value) -> {
              if (arg.equals("--megabytes")) {
                megabytes[0] = ReplBenchArgs.number(arg, value.get(), 1, 65536);
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
      set.initiate(10_000, 3);
      LocalReplicaSet.Member primary = awaitPrimaryAndSecondaries(set, 3);
      LocalReplicaSet.Member joiner = set.member(3);
      String version = set.version();
      try (MongoClient client =
          LocalReplicaSet.directClient(primary.host(), Duration.ofSeconds(120))) {
        MongoDatabase admin = client.getDatabase("admin");
        long docs = (long) megabytes[0] * 1024 * 1024 / DOC_BYTES;
        System.err.printf(
            "[initial-sync] loading %d documents of %d KiB%n", docs, DOC_BYTES / 1024);
        double loadSeconds = load(client.getDatabase("bench"), docs);
        awaitSecondariesCaughtUp(admin, Duration.ofMinutes(30));
        Document stats = client.getDatabase("bench").runCommand(new Document("dbStats", 1));
        double dataMb = stats.get("dataSize", Number.class).doubleValue() / (1024 * 1024);
        System.err.printf(
            Locale.ROOT, "[initial-sync] loaded %.0f MB in %.1f s%n", dataMb, loadSeconds);

        Document config =
            admin.runCommand(new Document("replSetGetConfig", 1)).get("config", Document.class);
        config.put("version", config.get("version", Number.class).intValue() + 1);
        List<Document> members = new ArrayList<>(config.getList("members", Document.class));
        members.add(new Document("_id", 3).append("host", joiner.host()));
        config.put("members", members);
        long start = System.nanoTime();
        admin.runCommand(new Document("replSetReconfig", config));
        double secondary = -1;
        double voter = -1;
        long deadline = start + Duration.ofMinutes(60).toNanos();
        while (secondary < 0 || voter < 0) {
          Document status = admin.runCommand(new Document("replSetGetStatus", 1));
          double elapsed = (System.nanoTime() - start) / 1e9;
          if (secondary < 0 && "SECONDARY".equals(stateOf(status, joiner.host()))) {
            secondary = elapsed;
            System.err.printf(Locale.ROOT, "[initial-sync] SECONDARY after %.1f s%n", elapsed);
          }
          if (voter < 0 && status.get("votingMembersCount", Number.class).intValue() == 4) {
            voter = elapsed;
          }
          if (System.nanoTime() > deadline) {
            throw set.failure(
                "the new member did not become a voting SECONDARY within 60 min", null);
          }
          set.checkNoUnexpectedExit();
          LocalReplicaSet.sleepMillis(100);
        }
        String primaryHash = dbHash(client);
        String joinerHash;
        try (MongoClient direct =
            LocalReplicaSet.directClient(joiner.host(), Duration.ofSeconds(120))) {
          joinerHash = dbHash(direct);
        }
        if (!primaryHash.equals(joinerHash)) {
          throw new BenchmarkException(
              "the new member's dbHash "
                  + joinerHash
                  + " differs from the primary's "
                  + primaryHash);
        }

        System.out.println();
        System.out.println("### Initial sync of a new member");
        System.out.println();
        System.out.println(
            "- Command: `" + ReplBenchArgs.commandLine(InitialSyncBenchmark.class, args) + "`");
        System.out.println("- Machine: " + machine);
        System.out.println(
            "- Set: 3 starling-node members (buildInfo version "
                + version
                + "), each its own JVM on 127.0.0.1, loaded with "
                + docs
                + " documents of 64 KiB of random bytes (dbStats dataSize "
                + String.format(Locale.ROOT, "%.0f MB", dataMb)
                + ") through insertMany w:1 by one client thread, then an empty fourth member"
                + " added with replSetReconfig as rs.add() sends it (votes 1, so newlyAdded)");
        System.out.println(
            "- Times from the reconfig command until the primary's replSetGetStatus shows the new"
                + " member SECONDARY, and until votingMembersCount is 4; the new member's dbHash"
                + " equals the primary's");
        System.out.println();
        System.out.println("| Data | Load (primary) | To SECONDARY | To voter | Clone rate |");
        System.out.println("|---:|---:|---:|---:|---:|");
        System.out.println(
            String.format(
                Locale.ROOT,
                "| %.0f MB | %.1f s (%.0f MB/s) | %.1f s | %.1f s | %.0f MB/s |",
                dataMb,
                loadSeconds,
                dataMb / loadSeconds,
                secondary,
                voter,
                dataMb / secondary));
      }
      return 0;
    } catch (BenchmarkException e) {
      System.err.println("InitialSyncBenchmark: " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      System.err.println("InitialSyncBenchmark: " + e);
      return 1;
    }
  }

  private static LocalReplicaSet.Member awaitPrimaryAndSecondaries(LocalReplicaSet set, int count)
      throws BenchmarkException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      LocalReplicaSet.Member primary = null;
      int secondaries = 0;
      for (int i = 0; i < count; i++) {
        LocalReplicaSet.Member m = set.member(i);
        if (m.isPrimary()) {
          primary = m;
        } else if (m.isSecondary()) {
          secondaries++;
        }
      }
      if (primary != null && secondaries == count - 1) {
        return primary;
      }
      if (System.nanoTime() > deadline) {
        throw set.failure("no stable set among the first " + count + " members within 60 s", null);
      }
      LocalReplicaSet.sleepMillis(100);
    }
  }

  private static double load(MongoDatabase db, long docs) {
    MongoCollection<Document> blobs = db.getCollection("blobs").withWriteConcern(WriteConcern.W1);
    Random random = new Random(42);
    long start = System.nanoTime();
    List<Document> batch = new ArrayList<>(DOCS_PER_INSERT);
    for (long i = 0; i < docs; i++) {
      byte[] payload = new byte[DOC_BYTES];
      random.nextBytes(payload);
      batch.add(new Document("_id", i).append("payload", new Binary(payload)));
      if (batch.size() == DOCS_PER_INSERT || i == docs - 1) {
        blobs.insertMany(batch);
        batch.clear();
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static void awaitSecondariesCaughtUp(MongoDatabase admin, Duration timeout)
      throws BenchmarkException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Document status = admin.runCommand(new Document("replSetGetStatus", 1));
      Object primaryOptime = null;
      List<Object> others = new ArrayList<>();
      for (Document m : status.getList("members", Document.class)) {
        if ("PRIMARY".equals(m.getString("stateStr"))) {
          primaryOptime = m.get("optime");
        } else if ("SECONDARY".equals(m.getString("stateStr"))) {
          others.add(m.get("optime"));
        }
      }
      if (primaryOptime != null
          && others.size() == 2
          && others.stream().allMatch(primaryOptime::equals)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new BenchmarkException("secondaries did not catch up after the load");
      }
      LocalReplicaSet.sleepMillis(200);
    }
  }

  private static String stateOf(Document status, String host) {
    return status.getList("members", Document.class).stream()
        .filter(m -> host.equals(m.getString("name")))
        .map(m -> m.getString("stateStr"))
        .findFirst()
        .orElse("");
  }

  private static String dbHash(MongoClient client) {
    return client.getDatabase("bench").runCommand(new Document("dbHash", 1)).getString("md5");
  }
}
