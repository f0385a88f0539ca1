package dev.starling.e2e.local;

import dev.starling.e2e.bench.SvgStripChart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fault benchmark, run on request and never by {@code mvn verify} (its name does not end in
 * IT):
 *
 * <pre>
 * mvn verify -pl e2e -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=FaultBenchmark -Dstarling.bench.runs=10
 * </pre>
 *
 * On one three-member set ({@code electionTimeoutMillis} 2000) it runs every scenario of
 * FaultScenariosIT {@code starling.bench.runs} times, round after round (each round every scenario
 * once, so the machine's noise spreads over all of them), under the same two writers, and records
 * per run and writer the write unavailability (the longest gap between two acknowledged writes),
 * the client-visible errors and the acknowledged writes. Every run is checked as the IT checks it
 * (no acknowledged write lost or held twice, equal dbHash, and each scenario's own checks): a
 * failed check fails the benchmark. Writes {@code e2e/target/benchmarks/faults.csv} (after every
 * run), {@code faults-unavailability-<writer>.svg} and {@code faults-errors-<writer>.svg}, and
 * prints a markdown table; each run's histories and logs are in {@code
 * e2e/target/benchmarks/faults/}.
 */
class FaultBenchmark {
  private static final List<String> WRITERS = List.of("java", "python");

  @Test
  void faults() throws Exception {
    int runs = Integer.getInteger("starling.bench.runs", 10);
    Path out = LocalCluster.checkout().resolve("e2e/target/benchmarks");
    Files.createDirectories(out);
    // writer -> scenario -> one value per run
    Map<String, Map<String, List<Double>>> gaps = new LinkedHashMap<>();
    Map<String, Map<String, List<Double>>> errors = new LinkedHashMap<>();
    List<String> csv = new ArrayList<>();
    csv.add("scenario,writer,run,longestGapSeconds,errors,acknowledged");
    List<String> names;
    try (LocalCluster cluster = LocalCluster.up(3)) {
      FaultScenarios scenarios = FaultScenarios.create(cluster, out.resolve("faults"));
      names = scenarios.names();
      for (int run = 1; run <= runs; run++) {
        for (String scenario : names) {
          FaultScenarios.Run result = scenarios.run(scenario, scenario + "-" + run);
          for (String writer : WRITERS) {
            WriteHistory.Report r = result.writers().get(writer);
            double gap = r.longestGapMillis() / 1000;
            add(gaps, writer, scenario, gap);
            add(errors, writer, scenario, r.failed());
            csv.add(
                String.format(
                    Locale.ROOT,
                    "%s,%s,%d,%.3f,%d,%d",
                    scenario,
                    writer,
                    run,
                    gap,
                    r.failed(),
                    r.acked()));
            System.out.printf(
                Locale.ROOT,
                "fault run %d/%d %s %s: longest gap %.2f s, %d errors, %d acknowledged%n",
                run,
                runs,
                scenario,
                writer,
                gap,
                r.failed(),
                r.acked());
          }
          Files.write(out.resolve("faults.csv"), csv);
        }
      }
    }
    for (String writer : WRITERS) {
      String client = writer.equals("java") ? "Java driver" : "PyMongo";
      SvgStripChart gap =
          new SvgStripChart("Write unavailability per fault (" + client + ")", "seconds");
      SvgStripChart error =
          new SvgStripChart("Client-visible errors per fault (" + client + ")", "errors");
      gaps.get(writer).forEach(gap::series);
      errors.get(writer).forEach(error::series);
      Files.writeString(out.resolve("faults-unavailability-" + writer + ".svg"), gap.render());
      Files.writeString(out.resolve("faults-errors-" + writer + ".svg"), error.render());
    }
    System.out.println(
        "| scenario | writer | runs | write unavailability p50 | max | errors p50 | max |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (String scenario : names) {
      for (String writer : WRITERS) {
        List<Double> g = gaps.get(writer).get(scenario);
        List<Double> e = errors.get(writer).get(scenario);
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %d | %.2f s | %.2f s | %s | %s |%n",
            scenario,
            writer,
            g.size(),
            SvgStripChart.median(g),
            max(g),
            count(SvgStripChart.median(e)),
            count(max(e)));
      }
    }
  }

  private static void add(
      Map<String, Map<String, List<Double>>> values, String writer, String scenario, double v) {
    values
        .computeIfAbsent(writer, k -> new LinkedHashMap<>())
        .computeIfAbsent(scenario, k -> new ArrayList<>())
        .add(v);
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
  }

  /** A count, or the median of an even number of counts (which may end in .5). */
  private static String count(double v) {
    return v == Math.rint(v)
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.1f", v);
  }
}
