package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The pod-level status the kubelet owns: phase, its five conditions, addresses and the container
 * statuses, following the kubelet's {@code getPhase} and {@code generateAPIPodStatus}. Conditions
 * other than the kubelet's (PodScheduled, DisruptionTarget, readiness gates) are kept as observed.
 */
final class PodStatusBuilder {

  static final Set<String> OWN_CONDITIONS =
      Set.of("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready");

  static final Set<String> TERMINAL = Set.of("Succeeded", "Failed");

  /**
   * Everything the status is built from.
   *
   * @param podIp null until the pod's network exists
   * @param phaseOverride a phase decided elsewhere (a failed init container under Never, the end of
   *     a deletion), or null to derive it
   */
  record Input(
      Pod pod,
      List<ContainerStatus> initStatuses,
      List<ContainerStatus> statuses,
      boolean sandboxReady,
      String podIp,
      String hostIp,
      Instant startTime,
      String phaseOverride,
      Instant now) {}

  private PodStatusBuilder() {}

  static PodStatus build(Input in) {
    PodStatus observed = in.pod().getStatus() == null ? new PodStatus() : in.pod().getStatus();
    String phase = in.phaseOverride() != null ? in.phaseOverride() : phase(in);
    if (observed.getPhase() != null && TERMINAL.contains(observed.getPhase())) {
      phase = observed.getPhase(); // a terminal phase never changes
    }
    PodStatus status = new PodStatus();
    status.setPhase(phase);
    status.setHostIP(in.hostIp());
    status.setHostIPs(List.of(new io.fabric8.kubernetes.api.model.HostIP(in.hostIp())));
    if (in.podIp() != null) {
      status.setPodIP(in.podIp());
      status.setPodIPs(List.of(new PodIP(in.podIp())));
    }
    status.setStartTime(ContainerStatusBuilder.time(in.startTime()));
    status.setInitContainerStatuses(in.initStatuses().isEmpty() ? null : in.initStatuses());
    status.setContainerStatuses(in.statuses());
    status.setConditions(conditions(in, phase, observed));
    return status;
  }

  /** The kubelet's getPhase. */
  static String phase(Input in) {
    String restartPolicy =
        Optional.ofNullable(in.pod().getSpec().getRestartPolicy()).orElse("Always");
    boolean initFailed = false;
    boolean initPending = false;
    for (ContainerStatus s : in.initStatuses()) {
      var state = s.getState();
      if (state.getTerminated() != null && state.getTerminated().getExitCode() == 0) {
        continue;
      }
      if (state.getTerminated() != null
          || (state.getWaiting() != null
              && s.getLastState() != null
              && s.getLastState().getTerminated() != null
              && s.getLastState().getTerminated().getExitCode() != 0)) {
        initFailed = true;
      } else {
        initPending = true;
      }
    }
    if (initFailed && restartPolicy.equals("Never")) {
      return "Failed";
    }
    if (initFailed || initPending) {
      return "Pending";
    }
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    for (ContainerStatus s : in.statuses()) {
      var state = s.getState();
      if (state.getRunning() != null) {
        running++;
      } else if (state.getTerminated() != null) {
        stopped++;
        if (state.getTerminated().getExitCode() == 0) {
          succeeded++;
        }
      } else if (s.getLastState() != null && s.getLastState().getTerminated() != null) {
        stopped++; // waiting to restart
      } else {
        waiting++;
      }
    }
    if (waiting > 0) {
      return "Pending";
    }
    if (running > 0) {
      return "Running";
    }
    if (stopped > 0) {
      if (restartPolicy.equals("Always")) {
        return "Running"; // all are restarting
      }
      if (stopped == succeeded) {
        return "Succeeded";
      }
      if (restartPolicy.equals("Never")) {
        return "Failed";
      }
      return "Running"; // OnFailure: the failed ones restart
    }
    return "Pending";
  }

  private static List<PodCondition> conditions(Input in, String phase, PodStatus observed) {
    Map<String, PodCondition> before =
        Optional.ofNullable(observed.getConditions()).orElse(List.of()).stream()
            .collect(Collectors.toMap(PodCondition::getType, Function.identity(), (a, b) -> a));
    List<PodCondition> out = new ArrayList<>();
    // Others' conditions first, as observed (PodScheduled is the scheduler's).
    for (PodCondition c : Optional.ofNullable(observed.getConditions()).orElse(List.of())) {
      if (!OWN_CONDITIONS.contains(c.getType())) {
        out.add(c);
      }
    }
    boolean terminal = TERMINAL.contains(phase);

    out.add(
        condition(
            before,
            "PodReadyToStartContainers",
            in.sandboxReady() && !terminal,
            null,
            null,
            in.now()));

    List<String> uninitialized =
        in.initStatuses().stream()
            .filter(
                s ->
                    s.getState().getTerminated() == null
                        || s.getState().getTerminated().getExitCode() != 0)
            .map(ContainerStatus::getName)
            .toList();
    out.add(
        uninitialized.isEmpty()
            ? condition(before, "Initialized", true, null, null, in.now())
            : condition(
                before,
                "Initialized",
                false,
                "ContainersNotInitialized",
                "containers with incomplete status: [" + String.join(" ", uninitialized) + "]",
                in.now()));

    List<String> unready =
        in.statuses().stream()
            .filter(s -> !Boolean.TRUE.equals(s.getReady()))
            .map(ContainerStatus::getName)
            .toList();
    String notReadyReason = phase.equals("Succeeded") ? "PodCompleted" : "ContainersNotReady";
    String notReadyMessage =
        phase.equals("Succeeded")
            ? null
            : "containers with unready status: [" + String.join(" ", unready) + "]";
    boolean containersReady = unready.isEmpty() && !terminal;
    out.add(
        containersReady
            ? condition(before, "ContainersReady", true, null, null, in.now())
            : condition(
                before, "ContainersReady", false, notReadyReason, notReadyMessage, in.now()));

    List<String> gatesNotReady = new ArrayList<>();
    for (PodReadinessGate gate :
        Optional.ofNullable(in.pod().getSpec().getReadinessGates()).orElse(List.of())) {
      PodCondition c = before.get(gate.getConditionType());
      if (c == null || !"True".equals(c.getStatus())) {
        gatesNotReady.add(gate.getConditionType());
      }
    }
    if (!containersReady) {
      out.add(condition(before, "Ready", false, notReadyReason, notReadyMessage, in.now()));
    } else if (!gatesNotReady.isEmpty()) {
      out.add(
          condition(
              before,
              "Ready",
              false,
              "ReadinessGatesNotReady",
              "corresponding condition of pod readiness gate \""
                  + gatesNotReady.getFirst()
                  + "\" does not exist.",
              in.now()));
    } else {
      out.add(condition(before, "Ready", true, null, null, in.now()));
    }
    return out;
  }

  /** A condition that keeps its lastTransitionTime while its status stays the same. */
  private static PodCondition condition(
      Map<String, PodCondition> before,
      String type,
      boolean value,
      String reason,
      String message,
      Instant now) {
    String status = value ? "True" : "False";
    PodCondition old = before.get(type);
    String transition =
        old != null
                && Objects.equals(old.getStatus(), status)
                && old.getLastTransitionTime() != null
            ? old.getLastTransitionTime()
            : ContainerStatusBuilder.time(now);
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(transition)
        .build();
  }
}
