package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContainerStatusBuilderTest {

  private static final Instant T1 = Instant.parse("2026-01-01T00:00:01.400Z");
  private static final Instant T2 = Instant.parse("2026-01-01T00:00:02Z");
  private static final Instant T3 = Instant.parse("2026-01-01T00:00:03Z");

  private static ContainerStatusBuilder.Facts facts(
      Instant running, RunState.Waiting held, RunState.Terminated last, RunState.Terminated prior) {
    return new ContainerStatusBuilder.Facts(
        "main", "starling/toolbox", 2, running, held, last, prior, true, true, "process://42");
  }

  @Test
  void aNewContainerIsCreating() {
    ContainerStatus s = ContainerStatusBuilder.build(facts(null, null, null, null));
    assertThat(s.getState().getWaiting().getReason()).isEqualTo("ContainerCreating");
    assertThat(s.getReady()).isFalse();
    assertThat(s.getStarted()).isFalse();
  }

  @Test
  void aRunningContainerShowsItsPreviousExitAsLastState() {
    RunState.Terminated exit = RunState.Terminated.of(1, T1, T2);
    ContainerStatus s = ContainerStatusBuilder.build(facts(T3, null, exit, null));
    assertThat(s.getState().getRunning().getStartedAt()).isEqualTo("2026-01-01T00:00:03Z");
    assertThat(s.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(s.getLastState().getTerminated().getReason()).isEqualTo("Error");
    assertThat(s.getLastState().getTerminated().getStartedAt()).isEqualTo("2026-01-01T00:00:01Z");
    assertThat(s.getReady()).isTrue();
    assertThat(s.getRestartCount()).isEqualTo(2);
  }

  @Test
  void aContainerInBackOffWaitsWithItsLastExitAsLastState() {
    RunState.Terminated exit = RunState.Terminated.of(1, T1, T2);
    RunState.Waiting backOff = new RunState.Waiting("CrashLoopBackOff", "back-off 10s ...");
    ContainerStatus s = ContainerStatusBuilder.build(facts(null, backOff, exit, null));
    assertThat(s.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(s.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(s.getReady()).isFalse();
  }

  @Test
  void aContainerThatStaysDownShowsItsExitAndTheOneBefore() {
    RunState.Terminated before = RunState.Terminated.of(2, T1, T1);
    RunState.Terminated exit = RunState.Terminated.of(0, T2, T3);
    ContainerStatus s = ContainerStatusBuilder.build(facts(null, null, exit, before));
    assertThat(s.getState().getTerminated().getReason()).isEqualTo("Completed");
    assertThat(s.getLastState().getTerminated().getExitCode()).isEqualTo(2);
  }
}
