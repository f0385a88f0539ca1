package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProbeScheduleTest {

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private static Probe probe(int initialDelay, int period, int success, int failure) {
    return new ProbeBuilder()
        .withInitialDelaySeconds(initialDelay)
        .withPeriodSeconds(period)
        .withSuccessThreshold(success)
        .withFailureThreshold(failure)
        .build();
  }

  @Test
  void firstProbeAfterTheInitialDelayThenEveryPeriod() {
    ProbeSchedule s = new ProbeSchedule(ProbeSchedule.Kind.LIVENESS, probe(5, 10, 1, 3), START);
    assertThat(s.due(START.plusSeconds(4))).isFalse();
    assertThat(s.due(START.plusSeconds(5))).isTrue();
    s.begin(START.plusSeconds(5));
    assertThat(s.due(START.plusSeconds(6))).isFalse(); // in flight
    s.record(true, START.plusSeconds(6));
    assertThat(s.nextDue()).isEqualTo(START.plusSeconds(15));
  }

  @Test
  void defaultsAreTheKubelets() {
    ProbeSchedule s = new ProbeSchedule(ProbeSchedule.Kind.READINESS, new Probe(), START);
    assertThat(s.nextDue()).isEqualTo(START);
    assertThat(s.period().toSeconds()).isEqualTo(10);
    assertThat(s.timeout().toSeconds()).isEqualTo(1);
  }

  @Test
  void readinessStartsFailedAndNeedsSuccessThresholdSuccessesInARow() {
    ProbeSchedule s = new ProbeSchedule(ProbeSchedule.Kind.READINESS, probe(0, 1, 2, 3), START);
    assertThat(s.result()).isEqualTo(ProbeSchedule.Result.FAILURE);
    assertThat(s.record(true, START)).isFalse();
    assertThat(s.record(false, START)).isFalse();
    assertThat(s.record(true, START)).isFalse();
    assertThat(s.record(true, START)).isTrue();
    assertThat(s.result()).isEqualTo(ProbeSchedule.Result.SUCCESS);
  }

  @Test
  void livenessFailsOnlyAfterFailureThresholdFailuresInARow() {
    ProbeSchedule s = new ProbeSchedule(ProbeSchedule.Kind.LIVENESS, probe(0, 1, 1, 3), START);
    assertThat(s.result()).isEqualTo(ProbeSchedule.Result.SUCCESS);
    s.record(false, START);
    s.record(false, START);
    s.record(true, START);
    s.record(false, START);
    assertThat(s.record(false, START)).isFalse();
    assertThat(s.record(false, START)).isTrue();
    assertThat(s.result()).isEqualTo(ProbeSchedule.Result.FAILURE);
  }

  @Test
  void aStartupProbeStopsOnceItSucceeds() {
    ProbeSchedule s = new ProbeSchedule(ProbeSchedule.Kind.STARTUP, probe(0, 1, 1, 30), START);
    assertThat(s.result()).isEqualTo(ProbeSchedule.Result.UNKNOWN);
    s.begin(START);
    s.record(true, START);
    assertThat(s.result()).isEqualTo(ProbeSchedule.Result.SUCCESS);
    assertThat(s.nextDue()).isNull();
    assertThat(s.due(START.plusSeconds(100))).isFalse();
  }
}
