package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PodStatusBuilderTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:01:00Z");
  private static final Instant EARLIER = Instant.parse("2026-01-01T00:00:00Z");

  private static Pod pod(String restartPolicy, String observedPhase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .withNamespace("default")
        .withUid("u")
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy(restartPolicy)
        .addNewContainer()
        .withName("a")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase(observedPhase)
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .withLastTransitionTime("2026-01-01T00:00:00Z")
        .endCondition()
        .addNewCondition()
        .withType("Ready")
        .withStatus("False")
        .withLastTransitionTime("2026-01-01T00:00:00Z")
        .endCondition()
        .endStatus()
        .build();
  }

  private static ContainerStatus running(boolean ready) {
    return ContainerStatusBuilder.build(
        new ContainerStatusBuilder.Facts(
            "a", "img", 0, EARLIER, null, null, null, true, ready, "process://1"));
  }

  private static ContainerStatus exited(int code) {
    return ContainerStatusBuilder.build(
        new ContainerStatusBuilder.Facts(
            "a",
            "img",
            0,
            null,
            null,
            RunState.Terminated.of(code, EARLIER, NOW),
            null,
            false,
            false,
            null));
  }

  private static ContainerStatus crashLooping() {
    return ContainerStatusBuilder.build(
        new ContainerStatusBuilder.Facts(
            "a",
            "img",
            3,
            null,
            new RunState.Waiting("CrashLoopBackOff", "x"),
            RunState.Terminated.of(1, EARLIER, NOW),
            null,
            false,
            false,
            null));
  }

  private static ContainerStatus creating() {
    return ContainerStatusBuilder.build(
        new ContainerStatusBuilder.Facts(
            "a", "img", 0, null, null, null, null, false, false, null));
  }

  private static PodStatus build(Pod pod, List<ContainerStatus> init, ContainerStatus app) {
    return PodStatusBuilder.build(
        new PodStatusBuilder.Input(
            pod, init, List.of(app), true, "10.244.1.2", "10.244.0.1", EARLIER, null, NOW));
  }

  private static Map<String, PodCondition> conditions(PodStatus s) {
    return s.getConditions().stream().collect(Collectors.toMap(PodCondition::getType, c -> c));
  }

  @Test
  void phaseFollowsTheContainersAndRestartPolicy() {
    assertThat(build(pod("Always", "Pending"), List.of(), creating()).getPhase())
        .isEqualTo("Pending");
    assertThat(build(pod("Always", "Pending"), List.of(), running(true)).getPhase())
        .isEqualTo("Running");
    assertThat(build(pod("Always", "Running"), List.of(), crashLooping()).getPhase())
        .isEqualTo("Running");
    assertThat(build(pod("Never", "Running"), List.of(), exited(0)).getPhase())
        .isEqualTo("Succeeded");
    assertThat(build(pod("Never", "Running"), List.of(), exited(3)).getPhase()).isEqualTo("Failed");
    assertThat(build(pod("OnFailure", "Running"), List.of(), exited(0)).getPhase())
        .isEqualTo("Succeeded");
    assertThat(build(pod("OnFailure", "Running"), List.of(), crashLooping()).getPhase())
        .isEqualTo("Running");
  }

  @Test
  void aTerminalPhaseNeverChanges() {
    assertThat(build(pod("Always", "Failed"), List.of(), running(true)).getPhase())
        .isEqualTo("Failed");
  }

  @Test
  void initContainersHoldThePodPendingAndAFailureUnderNeverFailsIt() {
    ContainerStatus initRunning =
        ContainerStatusBuilder.build(
            new ContainerStatusBuilder.Facts(
                "init", "img", 0, EARLIER, null, null, null, true, false, null));
    PodStatus s = build(pod("Always", "Pending"), List.of(initRunning), creating());
    assertThat(s.getPhase()).isEqualTo("Pending");
    assertThat(conditions(s).get("Initialized").getStatus()).isEqualTo("False");
    assertThat(conditions(s).get("Initialized").getMessage())
        .isEqualTo("containers with incomplete status: [init]");

    ContainerStatus initFailed =
        ContainerStatusBuilder.build(
            new ContainerStatusBuilder.Facts(
                "init",
                "img",
                0,
                null,
                null,
                RunState.Terminated.of(1, EARLIER, NOW),
                null,
                false,
                false,
                null));
    assertThat(build(pod("Never", "Pending"), List.of(initFailed), creating()).getPhase())
        .isEqualTo("Failed");
    assertThat(build(pod("Always", "Pending"), List.of(initFailed), creating()).getPhase())
        .isEqualTo("Pending");
  }

  @Test
  void readinessConditionsFollowTheContainersAndKeepTransitionTimes() {
    PodStatus notReady = build(pod("Always", "Running"), List.of(), running(false));
    Map<String, PodCondition> c = conditions(notReady);
    assertThat(c.get("Ready").getStatus()).isEqualTo("False");
    assertThat(c.get("Ready").getReason()).isEqualTo("ContainersNotReady");
    assertThat(c.get("Ready").getMessage()).isEqualTo("containers with unready status: [a]");
    assertThat(c.get("Ready").getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(c.get("PodScheduled").getStatus()).isEqualTo("True");
    assertThat(c.get("PodReadyToStartContainers").getStatus()).isEqualTo("True");

    PodStatus ready = build(pod("Always", "Running"), List.of(), running(true));
    assertThat(conditions(ready).get("Ready").getStatus()).isEqualTo("True");
    assertThat(conditions(ready).get("Ready").getLastTransitionTime())
        .isEqualTo("2026-01-01T00:01:00Z");
    assertThat(conditions(ready).get("ContainersReady").getStatus()).isEqualTo("True");
  }

  @Test
  void addressesAndStartTimeAreReported() {
    PodStatus s = build(pod("Always", "Pending"), List.of(), running(true));
    assertThat(s.getPodIP()).isEqualTo("10.244.1.2");
    assertThat(s.getPodIPs()).hasSize(1);
    assertThat(s.getHostIP()).isEqualTo("10.244.0.1");
    assertThat(s.getStartTime()).isEqualTo("2026-01-01T00:00:00Z");
  }
}
