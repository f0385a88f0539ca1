package dev.starling.e2e.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/** Renders the benchmark's results as Markdown, ready to paste into BENCHMARKS.md. */
final class MarkdownReport {

  /**
   * One workload: its result on each side; {@code peer} is null for a workload the peer does not
   * run (n/a), and either is null when the workload was skipped on that side.
   */
  record Row(String workload, PhaseResult starling, PhaseResult peer) {}

  /** Memory of one server process; empty values are printed as n/a. */
  record Memory(String server, OptionalLong idleKib, OptionalLong endKib, OptionalLong peakKib) {}

  private final List<String> header = new ArrayList<>();
  private final List<Row> rows = new ArrayList<>();
  private final List<Memory> memory = new ArrayList<>();

  MarkdownReport headerLine(String line) {
    header.add(line);
    return this;
  }

  MarkdownReport row(Row row) {
    rows.add(row);
    return this;
  }

  MarkdownReport memory(Memory m) {
    memory.add(m);
    return this;
  }

  String render() {
    StringBuilder out = new StringBuilder();
    for (String line : header) {
      out.append(line).append('\n');
    }
    if (!header.isEmpty()) {
      out.append('\n');
    }
    out.append(
        "| Workload | Starling ops/s | Starling p50 ms | Starling p99 ms"
            + " | Peer ops/s | Peer p50 ms | Peer p99 ms | Starling/Peer |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    List<String> notes = new ArrayList<>();
    for (Row row : rows) {
      out.append("| ").append(row.workload());
      cells(out, row.starling(), "starling", row.workload(), notes);
      cells(out, row.peer(), "peer", row.workload(), notes);
      out.append(" | ").append(ratio(row.starling(), row.peer())).append(" |\n");
    }
    if (!notes.isEmpty()) {
      out.append('\n');
      notes.forEach(n -> out.append(n).append('\n'));
    }
    if (!memory.isEmpty()) {
      out.append('\n');
      for (Memory m : memory) {
        out.append("- ")
            .append(m.server())
            .append(" RSS: ")
            .append(mib(m.idleKib()))
            .append(" idle after startup, ")
            .append(mib(m.endKib()))
            .append(" at the end of the load (peak ")
            .append(mib(m.peakKib()))
            .append(")\n");
      }
    }
    return out.toString();
  }

  private static void cells(
      StringBuilder out, PhaseResult r, String side, String workload, List<String> notes) {
    if (r == null) {
      out.append(" | n/a | n/a | n/a");
    } else if (!r.ok()) {
      notes.add("[" + (notes.size() + 1) + "] " + workload + ", " + side + ": " + r.error());
      out.append(" | FAILED [").append(notes.size()).append("] | - | -");
    } else {
      out.append(" | ")
          .append(String.format(Locale.ROOT, "%,.0f", r.opsPerSecond()))
          .append(" | ")
          .append(millis(r.p50Nanos()))
          .append(" | ")
          .append(millis(r.p99Nanos()));
    }
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  static String ratio(PhaseResult starling, PhaseResult peer) {
    if (starling == null || peer == null || !starling.ok() || !peer.ok()) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2fx", starling.opsPerSecond() / peer.opsPerSecond());
  }

  static String mib(OptionalLong kib) {
    return kib.isPresent()
        ? String.format(Locale.ROOT, "%.1f MiB", kib.getAsLong() / 1024.0)
        : "n/a";
  }
}
