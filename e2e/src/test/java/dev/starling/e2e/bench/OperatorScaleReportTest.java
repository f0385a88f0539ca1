package dev.starling.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class OperatorScaleReportTest {
  static Map<String, Object> condition(String type, String status) {
    return Map.of("type", type, "status", status, "reason", "x", "message", "");
  }

  static Map<String, Object> status(long observed, String ready, String reconciling) {
    return Map.of(
        "observedGeneration",
        observed,
        "conditions",
        List.of(
            condition("Ready", ready),
            condition("Reconciling", reconciling),
            condition("Stalled", "False")));
  }

  @Test
  void readyIsKstatusCurrent() {
    assertThat(OperatorScaleReport.ready(2L, status(2, "True", "False"))).isTrue();
    assertThat(OperatorScaleReport.ready(3L, status(2, "True", "False"))).isFalse();
    assertThat(OperatorScaleReport.ready(2L, status(2, "False", "True"))).isFalse();
    assertThat(OperatorScaleReport.ready(2L, status(2, "True", "True"))).isFalse();
    assertThat(OperatorScaleReport.ready(2L, Map.of("observedGeneration", 2))).isFalse();
    assertThat(OperatorScaleReport.ready(2L, null)).isFalse();
    assertThat(OperatorScaleReport.ready(null, status(2, "True", "False"))).isFalse();
    assertThat(
            OperatorScaleReport.ready(
                1L,
                Map.of("observedGeneration", 1, "conditions", List.of(condition("Ready", "True")))))
        .isTrue();
  }

  static final String METRICS =
      """
      # HELP starling_operator_reconciles_total Reconciles of ReplicaSets
      # TYPE starling_operator_reconciles_total counter
      starling_operator_reconciles_total 412.0
      # TYPE starling_operator_actions_total counter
      starling_operator_actions_total{type="Initiate"} 100.0
      starling_operator_actions_total{type="GrowStatefulSet"} 3.0
      # TYPE jvm_memory_used_bytes gauge
      jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 4.194304E7
      jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.097152E7
      jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 6.0E7
      jvm_memory_used_bytes{area="heap",id="G1 Survivor Space"} 1048576.0
      """;

  @Test
  void sumsSamplesOfAMetricByLabels() {
    assertThat(OperatorScaleReport.sum(METRICS, "starling_operator_reconciles_total", Map.of()))
        .isEqualTo(OptionalDouble.of(412));
    assertThat(OperatorScaleReport.sum(METRICS, "jvm_memory_used_bytes", Map.of("area", "heap")))
        .isEqualTo(OptionalDouble.of(41_943_040 + 20_971_520 + 1_048_576));
    assertThat(OperatorScaleReport.sum(METRICS, "jvm_memory_used", Map.of())).isEmpty();
    assertThat(OperatorScaleReport.sum(METRICS, "jvm_memory_used_bytes", Map.of("area", "x")))
        .isEmpty();
    assertThat(OperatorScaleReport.byLabel(METRICS, "starling_operator_actions_total", "type"))
        .containsExactly(Map.entry("GrowStatefulSet", 3.0), Map.entry("Initiate", 100.0));
  }

  @Test
  void summaryIsNearestRank() {
    OperatorScaleReport.Summary s =
        OperatorScaleReport.Summary.of(
            List.of(5000L, 1000L, 3000L, 2000L, 4000L, 10_000L, 6000L, 7000L, 8000L, 9000L));
    assertThat(s).isEqualTo(new OperatorScaleReport.Summary(10, 5000, 9000, 10_000));
    assertThat(OperatorScaleReport.Summary.of(List.of()).count()).isZero();
  }

  @Test
  void rendersTheTable() {
    OperatorScaleReport.Run run =
        new OperatorScaleReport.Run(
            100,
            3,
            4200,
            1500,
            42_000,
            100,
            false,
            new OperatorScaleReport.Summary(100, 20_000, 35_000, 40_500),
            420,
            0,
            Map.of("Initiate", 100.0),
            30,
            105,
            80L << 20,
            120L << 20,
            90L << 20,
            40L << 20,
            300L << 20,
            -1,
            "-Xmx512m",
            38_000);
    String md = OperatorScaleReport.render(List.of("### T"), run);
    assertThat(md)
        .startsWith("### T\n\n| Measure | Value |\n|---|---:|\n")
        .contains("| time until all Ready | **42.0 s** |")
        .contains(
            "| last member pod created by the StatefulSet controller (1 s resolution) | 38.0 s |")
        .contains("| per ReplicaSet, create to Ready: p50 / p90 / max | 20.0 s / 35.0 s / 40.5 s |")
        .contains("| reconciles until all Ready (per second) | 420 (10.0/s) |")
        .contains("| reconciles per ReplicaSet until all Ready | 4.2 |")
        .contains("| actions until all Ready | Initiate 100 |")
        .contains("| reconciles per second once all Ready (30 s, in sync) | 3.5/s |")
        .contains(
            "| heap used (-Xmx512m): at all Ready / peak sampled / after settling | 80 MiB / 120"
                + " MiB / 90 MiB |")
        .contains("| heap used after a full GC (live set) | 40 MiB |")
        .contains("| operator RSS: at the end / peak | 300 MiB / n/a |");
  }

  @Test
  void optionsHaveDefaultsAndBounds() {
    OperatorScaleBenchmark.Options o = OperatorScaleBenchmark.Options.parse(new String[0]);
    assertThat(o.replicaSets).isEqualTo(100);
    assertThat(o.members).isEqualTo(3);
    assertThat(o.timeoutSeconds).isEqualTo(600);
    assertThat(o.port).isEqualTo(8080);
    assertThat(o.namespace).isEqualTo("bench");
    assertThat(o.operatorJar.endsWith(Path.of("operator/target/quarkus-app/quarkus-run.jar")))
        .isTrue();

    o =
        OperatorScaleBenchmark.Options.parse(
            new String[] {"--replica-sets=10", "--timeout", "60", "--heap", "1g"});
    assertThat(o.replicaSets).isEqualTo(10);
    assertThat(o.timeoutSeconds).isEqualTo(60);
    assertThat(o.heap).isEqualTo("1g");

    assertThatThrownBy(
            () -> OperatorScaleBenchmark.Options.parse(new String[] {"--replica-sets", "0"}))
        .hasMessageContaining("between 1 and 1000");
    assertThatThrownBy(
            () ->
                OperatorScaleBenchmark.Options.parse(
                    new String[] {"--namespace", "starling-system"}))
        .hasMessageContaining("--namespace");
    assertThatThrownBy(() -> OperatorScaleBenchmark.Options.parse(new String[] {"--heap", "lots"}))
        .hasMessageContaining("--heap");
  }

  @Test
  void theReplicaSetIsTheBenchmarksSpec() {
    var rs = OperatorScaleBenchmark.replicaSet("bench", "rs-007", 3);
    assertThat(rs.getApiVersion()).isEqualTo("starling.dev/v1alpha1");
    assertThat(rs.getKind()).isEqualTo("ReplicaSet");
    assertThat(rs.getMetadata().getNamespace()).isEqualTo("bench");
    assertThat(rs.getAdditionalProperties().get("spec"))
        .isEqualTo(Map.of("members", 3, "storage", Map.of("size", "1Gi")));
  }
}
