package dev.starling.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  private static final Set<String> KNOWN = new LinkedHashSet<>(List.of("insert-1", "find-id"));

  @Test
  void defaults() {
    BenchOptions o = BenchOptions.parse(new String[0], KNOWN);
    assertThat(o.seconds).isEqualTo(10);
    assertThat(o.warmupSeconds).isEqualTo(3);
    assertThat(o.threads).isEqualTo(16);
    assertThat(o.workloads).containsExactly("insert-1", "find-id");
    assertThat(o.startsStarlingJar()).isTrue();
    assertThat(o.jar.toString())
        .endsWith(Path.of("node-image", "target", "starling-node.jar").toString());
  }

  @Test
  void parsesOptionsWithSpaceOrEquals() {
    BenchOptions o =
        BenchOptions.parse(
            new String[] {
              "--seconds",
              "2",
              "--warmup=0",
              "--target",
              "peer-only",
              "--workloads=find-id",
              "--jvm-arg",
              "-Xmx1g",
              "--jar",
              "x.jar"
            },
            KNOWN);
    assertThat(o.seconds).isEqualTo(2);
    assertThat(o.warmupSeconds).isZero();
    assertThat(o.peerOnly).isTrue();
    assertThat(o.startsStarlingJar()).isFalse();
    assertThat(o.workloads).containsExactly("find-id");
    assertThat(o.jvmArgs).containsExactly("-Xmx1g");
    assertThat(o.jar).isEqualTo(Path.of("x.jar"));
  }

  @Test
  void warmupDefaultsToAThirdButAtLeastOneSecond() {
    assertThat(BenchOptions.parse(new String[] {"--seconds", "2"}, KNOWN).warmupSeconds)
        .isEqualTo(1);
    assertThat(BenchOptions.parse(new String[] {"--seconds", "30"}, KNOWN).warmupSeconds)
        .isEqualTo(10);
  }

  @Test
  void rejectsWhatWouldMakeTheRunUnbounded() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--seconds", "0"}, KNOWN))
        .hasMessageContaining("between 1 and 600");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--seconds", "601"}, KNOWN))
        .hasMessageContaining("between 1 and 600");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--seconds"}, KNOWN))
        .hasMessageContaining("needs a value");
  }

  @Test
  void rejectsUnknownInput() {
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--workloads", "nope"}, KNOWN))
        .hasMessageContaining("unknown workload 'nope'");
    assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--frobnicate"}, KNOWN))
        .hasMessageContaining("unknown argument");
    assertThatThrownBy(
            () -> BenchOptions.parse(new String[] {"--starling-uri", "localhost"}, KNOWN))
        .hasMessageContaining("mongodb://");
    assertThatThrownBy(
            () ->
                BenchOptions.parse(
                    new String[] {"--target", "peer-only", "--starling-uri", "mongodb://h"}, KNOWN))
        .hasMessageContaining("exclude each other");
  }
}
