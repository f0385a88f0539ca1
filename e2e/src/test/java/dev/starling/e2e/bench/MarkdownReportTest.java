package dev.starling.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {

  @Test
  void rendersRowsRatiosFailuresAndMemory() {
    String md =
        new MarkdownReport()
            .headerLine("### Node benchmark")
            .row(
                new MarkdownReport.Row(
                    "insert w:1, 1 thread",
                    new PhaseResult(20_000, 2.0, 250_000, 1_500_000, null),
                    new PhaseResult(10_000, 2.0, 500_000, 3_000_000, null)))
            .row(
                new MarkdownReport.Row(
                    "insert w:1 j:true, 1 thread",
                    new PhaseResult(1_000, 1.0, 1_000_000, 2_000_000, null),
                    null))
            .row(
                new MarkdownReport.Row(
                    "find by _id, 16 threads",
                    PhaseResult.failed("MongoCommandException: no such command"),
                    new PhaseResult(5_000, 1.0, 100_000, 200_000, null)))
            .memory(
                new MarkdownReport.Memory(
                    "starling",
                    OptionalLong.of(102_400),
                    OptionalLong.of(204_800),
                    OptionalLong.empty()))
            .render();

    assertThat(md)
        .contains("### Node benchmark\n\n| Workload | Starling ops/s |")
        .contains(
            "| insert w:1, 1 thread | 10,000 | 0.250 | 1.500 | 5,000 | 0.500 | 3.000 | 2.00x |")
        .contains("| insert w:1 j:true, 1 thread | 1,000 | 1.000 | 2.000 | n/a | n/a | n/a | - |")
        .contains("| find by _id, 16 threads | FAILED [1] | - | - | 5,000 | 0.100 | 0.200 | - |")
        .contains("[1] find by _id, 16 threads, starling: MongoCommandException: no such command")
        .contains(
            "- starling RSS: 100.0 MiB idle after startup, 200.0 MiB at the end of the load (peak"
                + " n/a)");
  }
}
