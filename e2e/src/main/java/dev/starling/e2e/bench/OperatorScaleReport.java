package dev.starling.e2e.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pure half of {@link OperatorScaleBenchmark}: whether a ReplicaSet's status is current as
 * kstatus reads it, sums over the operator's Prometheus text, and the Markdown table of a run.
 */
final class OperatorScaleReport {
  private OperatorScaleReport() {}

  // ---- kstatus ----

  /**
   * Current as kstatus (Argo CD, Flux) reads it: the status was written for this generation, {@code
   * Ready} is True and {@code Reconciling} is not True.
   *
   * @param status the resource's {@code status} as parsed JSON (maps and lists); null if none
   */
  static boolean ready(Long generation, Map<?, ?> status) {
    if (generation == null || status == null) {
      return false;
    }
    if (!(status.get("observedGeneration") instanceof Number observed)
        || observed.longValue() != generation) {
      return false;
    }
    String ready = conditionStatus(status, "Ready");
    String reconciling = conditionStatus(status, "Reconciling");
    return "True".equals(ready) && !"True".equals(reconciling);
  }

  /** The status ("True", "False", "Unknown") of condition {@code type}, or null if absent. */
  static String conditionStatus(Map<?, ?> status, String type) {
    if (!(status.get("conditions") instanceof List<?> conditions)) {
      return null;
    }
    for (Object c : conditions) {
      if (c instanceof Map<?, ?> m && type.equals(m.get("type"))) {
        return m.get("status") == null ? null : m.get("status").toString();
      }
    }
    return null;
  }

  // ---- Prometheus text ----

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\d+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /**
   * The sum of every sample of {@code metric} whose labels include all of {@code labels}; empty
   * when there is none.
   */
  static OptionalDouble sum(String text, String metric, Map<String, String> labels) {
    double total = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.strip());
      if (!m.matches() || !m.group(1).equals(metric)) {
        continue;
      }
      Map<String, String> has = new TreeMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          has.put(l.group(1), l.group(2));
        }
      }
      if (!labels.entrySet().stream().allMatch(e -> e.getValue().equals(has.get(e.getKey())))) {
        continue;
      }
      double value;
      try {
        value = Double.parseDouble(m.group(4));
      } catch (NumberFormatException e) {
        continue;
      }
      total += value;
      found = true;
    }
    return found ? OptionalDouble.of(total) : OptionalDouble.empty();
  }

  /** Each value of label {@code label} of {@code metric}, with its sample's sum. */
  static Map<String, Double> byLabel(String text, String metric, String label) {
    Map<String, Double> out = new TreeMap<>();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line.strip());
      if (line.startsWith("#")
          || !m.matches()
          || !m.group(1).equals(metric)
          || m.group(3) == null) {
        continue;
      }
      Matcher l = LABEL.matcher(m.group(3));
      while (l.find()) {
        if (l.group(1).equals(label)) {
          try {
            out.merge(l.group(2), Double.parseDouble(m.group(4)), Double::sum);
          } catch (NumberFormatException e) {
            // NaN and friends parse; anything else is not a sample.
          }
        }
      }
    }
    return out;
  }

  // ---- the run ----

  /** Nearest-rank percentiles of a set of durations in milliseconds. */
  record Summary(int count, long p50, long p90, long max) {
    static Summary of(List<Long> millis) {
      if (millis.isEmpty()) {
        return new Summary(0, 0, 0, 0);
      }
      long[] sorted = millis.stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(sorted);
      return new Summary(
          sorted.length,
          ReplBenchArgs.percentile(sorted, 50),
          ReplBenchArgs.percentile(sorted, 90),
          sorted[sorted.length - 1]);
    }
  }

  /**
   * What one run measured. Times in milliseconds from the first create; counts are the operator's
   * counters over the interval; heap and RSS in bytes (negative: not measured).
   */
  record Run(
      int replicaSets,
      int members,
      long operatorStartMillis,
      long createAllMillis,
      long allReadyMillis,
      int readyCount,
      boolean timedOut,
      Summary perResource,
      double reconciles,
      double reconcileErrors,
      Map<String, Double> actions,
      int settleSeconds,
      double settleReconciles,
      long heapAtReady,
      long heapPeak,
      long heapAfterSettle,
      long heapAfterGc,
      long rssAfter,
      long rssPeak,
      String heapLimit,
      long lastPodCreatedMillis) {

    double reconcilesPerSecond() {
      return allReadyMillis <= 0 ? 0 : reconciles / (allReadyMillis / 1000.0);
    }

    double settleReconcilesPerSecond() {
      return settleSeconds <= 0 ? 0 : settleReconciles / settleSeconds;
    }
  }

  /** The Markdown table of {@code run}, after {@code header} lines. */
  static String render(List<String> header, Run run) {
    StringBuilder out = new StringBuilder();
    header.forEach(h -> out.append(h).append('\n'));
    if (!header.isEmpty()) {
      out.append('\n');
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "ReplicaSets applied (members each)", run.replicaSets() + " (" + run.members() + ")"
        });
    rows.add(
        new String[] {
          "operator start to ready (fake node client)", secs(run.operatorStartMillis())
        });
    rows.add(new String[] {"all created (API calls returned)", secs(run.createAllMillis())});
    rows.add(
        new String[] {
          run.timedOut() ? "**timed out**: Ready when the timeout struck" : "time until all Ready",
          run.timedOut()
              ? run.readyCount() + " of " + run.replicaSets()
              : "**" + secs(run.allReadyMillis()) + "**"
        });
    if (run.lastPodCreatedMillis() >= 0) {
      rows.add(
          new String[] {
            "last member pod created by the StatefulSet controller (1 s resolution)",
            secs(run.lastPodCreatedMillis())
          });
    }
    Summary s = run.perResource();
    rows.add(
        new String[] {
          "per ReplicaSet, create to Ready: p50 / p90 / max",
          secs(s.p50()) + " / " + secs(s.p90()) + " / " + secs(s.max())
        });
    rows.add(
        new String[] {
          "reconciles until all Ready (per second)",
          String.format(Locale.ROOT, "%.0f (%.1f/s)", run.reconciles(), run.reconcilesPerSecond())
        });
    rows.add(
        new String[] {
          "reconciles per ReplicaSet until all Ready",
          String.format(Locale.ROOT, "%.1f", run.reconciles() / Math.max(1, run.replicaSets()))
        });
    rows.add(
        new String[] {
          "reconcile errors until all Ready",
          String.format(Locale.ROOT, "%.0f", run.reconcileErrors())
        });
    rows.add(new String[] {"actions until all Ready", actions(run.actions())});
    if (run.settleSeconds() > 0) {
      rows.add(
          new String[] {
            "reconciles per second once all Ready (" + run.settleSeconds() + " s, in sync)",
            String.format(Locale.ROOT, "%.1f/s", run.settleReconcilesPerSecond())
          });
    }
    rows.add(
        new String[] {
          "heap used (" + run.heapLimit() + "): at all Ready / peak sampled / after settling",
          mib(run.heapAtReady()) + " / " + mib(run.heapPeak()) + " / " + mib(run.heapAfterSettle())
        });
    rows.add(new String[] {"heap used after a full GC (live set)", mib(run.heapAfterGc())});
    rows.add(
        new String[] {
          "operator RSS: at the end / peak", mib(run.rssAfter()) + " / " + mib(run.rssPeak())
        });
    out.append("| Measure | Value |\n|---|---:|\n");
    for (String[] r : rows) {
      out.append("| ").append(r[0]).append(" | ").append(r[1]).append(" |\n");
    }
    return out.toString();
  }

  static String secs(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", bytes / (1024.0 * 1024.0));
  }

  private static String actions(Map<String, Double> actions) {
    if (actions.isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    actions.forEach((type, n) -> parts.add(type + " " + String.format(Locale.ROOT, "%.0f", n)));
    return String.join(", ", parts);
  }
}
