package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackOffTest {

  private final BackOff backOff = BackOff.kubeletDefault();
  private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void firstRestartIsImmediateThenDelaysDoubleUpToFiveMinutes() {
    Instant now = t0;
    List<Long> waits = new ArrayList<>();
    for (int restart = 0; restart < 8; restart++) {
      Instant ready = backOff.readyAt("pod/c", now);
      waits.add(Duration.between(now, ready).toSeconds());
      now = ready;
      backOff.next("pod/c", now); // restart; the container crashes at once
    }
    assertThat(waits).containsExactly(0L, 10L, 20L, 40L, 80L, 160L, 300L, 300L);
  }

  @Test
  void inBackOffUntilTheDelayHasPassedSinceTheLastRestart() {
    backOff.next("k", t0);
    assertThat(backOff.inBackOff("k", t0.plusSeconds(9))).isTrue();
    assertThat(backOff.inBackOff("k", t0.plusSeconds(10))).isFalse();
    assertThat(backOff.delay("k", t0.plusSeconds(1))).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aContainerThatRanTenMinutesStartsOverAtTheInitialDelay() {
    Instant now = t0;
    for (int i = 0; i < 6; i++) {
      backOff.next("k", now);
      now = backOff.readyAt("k", now);
    }
    Instant afterLongRun = now.plus(Duration.ofMinutes(10)).plusSeconds(1);
    assertThat(backOff.inBackOff("k", afterLongRun)).isFalse();
    backOff.next("k", afterLongRun);
    assertThat(backOff.delay("k", afterLongRun)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void keysAreIndependentAndForgettableByPod() {
    backOff.next("uid1/a", t0);
    backOff.next("uid2/a", t0);
    backOff.forgetPrefix("uid1/");
    assertThat(backOff.inBackOff("uid1/a", t0.plusSeconds(1))).isFalse();
    assertThat(backOff.inBackOff("uid2/a", t0.plusSeconds(1))).isTrue();
  }
}
