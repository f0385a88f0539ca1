package dev.starling.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusViewTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  @Test
  void theComponentsTableShowsEachPidAndStateWithWhyItIsNotReady() {
    Health health =
        new Health(
            NOW.toEpochMilli() - 1000,
            false,
            List.of(
                new Health.Component("etcd", 101, Health.READY, null),
                new Health.Component(
                    "kube-apiserver", 102, Health.STARTING, "/readyz answered 500"),
                new Health.Component("kubelet", 0, Health.WAITING, "not started")));

    assertThat(StatusView.components(100, health, NOW))
        .isEqualTo(
            """
            COMPONENT                PID      STATE     DETAIL
            supervisor               100      running  \s
            etcd                     101      ready    \s
            kube-apiserver           102      starting  /readyz answered 500
            kubelet                  -        waiting   not started
            """);
  }

  @Test
  void anOldReportIsPointedOut() {
    Health stale = new Health(NOW.toEpochMilli() - 30_000, false, List.of());

    assertThat(StatusView.components(100, stale, NOW))
        .contains("(health report is 30 s old: is the supervisor stuck?)");
  }
}
