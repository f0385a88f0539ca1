package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.e2e.bench.SvgStripChart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The roll benchmark, run on request and never by {@code mvn verify} (its name does not end in IT):
 *
 * <pre>
 * mvn verify -pl e2e -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=RollBenchmark -Dstarling.bench.runs=10
 * </pre>
 *
 * For 3 and 5 members with {@code electionTimeoutMillis} 2000 and 10000 it rolls a new image {@code
 * starling.bench.runs} times under a continuous {@code w:"majority"} writer and records the roll
 * time (from the patch until every pod runs the new image, is Ready and the operator has nothing
 * left to do) and the write unavailability (the longest gap between two acknowledged writes), with
 * the client-visible errors. Every roll is also checked as RollIT checks one: no acknowledged write
 * lost, equal dbHash, each member restarted once, one step-down. Writes {@code
 * e2e/target/benchmarks/rolls.csv}, {@code roll-time.svg} and {@code roll-unavailability.svg}.
 */
class RollBenchmark {

  @Test
  void rolls() throws Exception {
    int runs = Integer.getInteger("starling.bench.runs", 10);
    Path out = Path.of("target", "benchmarks");
    Files.createDirectories(out);
    Map<String, List<Double>> times = new LinkedHashMap<>();
    Map<String, List<Double>> gaps = new LinkedHashMap<>();
    List<String> csv = new ArrayList<>();
    csv.add(
        "members,electionTimeoutMillis,run,rollSeconds,longestGapSeconds,errors,acknowledged,"
            + "stepDowns,maxDown");
    try (LocalCluster cluster = LocalCluster.up(3)) {
      for (int members : new int[] {3, 5}) {
        for (int timeout : new int[] {2000, 10000}) {
          String label = members + " members, " + timeout + " ms";
          String name = "b" + members + "-" + timeout / 1000;
          RolledSet set =
              RolledSet.create(cluster, "bench", name, members, "starling/node:0.1.0", timeout);
          for (int run = 1; run <= runs; run++) {
            RolledSet.Roll roll = set.rollUnderWrites(members, "starling/node:0.2." + run);
            assertThat(roll.stepDowns()).isEqualTo(1);
            assertThat(roll.uids().values()).allSatisfy(u -> assertThat(u).hasSize(2));
            times.computeIfAbsent(label, k -> new ArrayList<>()).add(roll.rollSeconds());
            gaps.computeIfAbsent(label, k -> new ArrayList<>()).add(roll.longestGapSeconds());
            csv.add(
                String.format(
                    Locale.ROOT,
                    "%d,%d,%d,%.2f,%.3f,%d,%d,%d,%d",
                    members,
                    timeout,
                    run,
                    roll.rollSeconds(),
                    roll.longestGapSeconds(),
                    roll.errors(),
                    roll.acknowledged(),
                    roll.stepDowns(),
                    roll.maxDown()));
            Files.write(out.resolve("rolls.csv"), csv);
          }
          cluster.kubectl("-n", "bench", "delete", "srs", name, "--wait=true").assertOk();
          Awaitility.await().atMost(Duration.ofMinutes(3)).until(() -> set.dataPods().isEmpty());
        }
      }
    }
    SvgStripChart time = new SvgStripChart("Roll time (image change)", "seconds");
    SvgStripChart gap = new SvgStripChart("Write unavailability during a roll", "seconds");
    times.forEach(time::series);
    gaps.forEach(gap::series);
    Files.writeString(out.resolve("roll-time.svg"), time.render());
    Files.writeString(out.resolve("roll-unavailability.svg"), gap.render());
    System.out.println("| set | runs | roll time p50 | max | write unavailability p50 | max |");
    System.out.println("|---|---|---|---|---|---|");
    for (String label : times.keySet()) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %.1f s | %.1f s | %.2f s | %.2f s |%n",
          label,
          times.get(label).size(),
          SvgStripChart.median(times.get(label)),
          times.get(label).stream().mapToDouble(d -> d).max().orElse(0),
          SvgStripChart.median(gaps.get(label)),
          gaps.get(label).stream().mapToDouble(d -> d).max().orElse(0));
    }
  }
}
