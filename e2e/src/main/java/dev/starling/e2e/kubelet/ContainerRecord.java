package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the kubelet knows about one container of a pod across its runs: the current process, the
 * last two exits, the restart count, why it is held back and its probes. Owned by the pod's worker
 * thread; the log server only reads the volatile fields.
 */
final class ContainerRecord {

  final String name;
  final boolean init;
  final String fieldPath;
  volatile int restartCount;
  boolean everStarted;
  volatile ProcessRuntime.ContainerProcess process;
  RunState.Waiting held;
  RunState.Terminated lastExit;
  RunState.Terminated priorExit;
  ProbeSchedule startup;
  ProbeSchedule readiness;
  ProbeSchedule liveness;
  boolean started;
  boolean ready;

  /** The environment of the current run, for exec probes and hooks. */
  Map<String, String> env = Map.of();

  /** When pulling (resolving) the image last failed; ErrImagePull shows for a while after. */
  Instant pullFailedAt;

  /** The user of the current run, for exec probes and hooks. */
  PodEnvironment.Identity identity = PodEnvironment.Identity.ROOT;

  ContainerRecord(String name, boolean init) {
    this.name = name;
    this.init = init;
    this.fieldPath = (init ? "spec.initContainers{" : "spec.containers{") + name + "}";
  }

  /**
   * Resumes from the status the API shows, after a kubelet restart: the restart count carries on, a
   * completed run stays completed, and a run that was going is recorded as killed (the death signal
   * ended it with the previous kubelet).
   */
  void seed(ContainerStatus observed, Instant now) {
    if (observed == null) {
      return;
    }
    restartCount = observed.getRestartCount() == null ? 0 : observed.getRestartCount();
    var state = observed.getState();
    if (state == null) {
      return;
    }
    if (state.getTerminated() != null) {
      everStarted = true;
      lastExit = terminated(state.getTerminated(), now);
      if (observed.getLastState() != null && observed.getLastState().getTerminated() != null) {
        priorExit = terminated(observed.getLastState().getTerminated(), now);
      }
    } else if (state.getRunning() != null) {
      everStarted = true;
      Instant started = parse(state.getRunning().getStartedAt(), now);
      lastExit =
          new RunState.Terminated(
              137, "Error", "the process kubelet restarted; its processes ended", started, now);
    } else if (observed.getLastState() != null && observed.getLastState().getTerminated() != null) {
      everStarted = true;
      lastExit = terminated(observed.getLastState().getTerminated(), now);
    }
  }

  /** Records the end of the current run. */
  void exited(int exitCode, Instant finishedAt) {
    ProcessRuntime.ContainerProcess p = process;
    priorExit = lastExit;
    lastExit = RunState.Terminated.of(exitCode, p.startedAt, finishedAt);
    process = null;
    started = false;
    ready = false;
    startup = null;
    readiness = null;
    liveness = null;
  }

  /** The probes of a new run, started at {@code at}. */
  void newRun(Container spec, ProcessRuntime.ContainerProcess p, Instant at) {
    if (everStarted) {
      restartCount++;
    }
    everStarted = true;
    process = p;
    held = null;
    startup =
        spec.getStartupProbe() == null
            ? null
            : new ProbeSchedule(ProbeSchedule.Kind.STARTUP, spec.getStartupProbe(), at);
    readiness =
        spec.getReadinessProbe() == null
            ? null
            : new ProbeSchedule(ProbeSchedule.Kind.READINESS, spec.getReadinessProbe(), at);
    liveness =
        spec.getLivenessProbe() == null
            ? null
            : new ProbeSchedule(ProbeSchedule.Kind.LIVENESS, spec.getLivenessProbe(), at);
    updateReadiness();
  }

  /** started: no startup probe or it succeeded; ready: started and readiness (if any) passes. */
  void updateReadiness() {
    started =
        process != null && (startup == null || startup.result() == ProbeSchedule.Result.SUCCESS);
    ready = started && (readiness == null || readiness.result() == ProbeSchedule.Result.SUCCESS);
  }

  /** The probes that may run now: startup until it succeeds, then readiness and liveness. */
  List<ProbeSchedule> activeProbes() {
    List<ProbeSchedule> out = new ArrayList<>();
    if (process == null) {
      return out;
    }
    if (startup != null && startup.result() != ProbeSchedule.Result.SUCCESS) {
      out.add(startup);
      return out;
    }
    if (readiness != null) {
      out.add(readiness);
    }
    if (liveness != null) {
      out.add(liveness);
    }
    return out;
  }

  /** True when the last run exited 0 (an init container is done). */
  boolean completed() {
    return process == null && lastExit != null && lastExit.exitCode() == 0 && held == null;
  }

  ContainerStatusBuilder.Facts facts(String image) {
    ProcessRuntime.ContainerProcess p = process;
    return new ContainerStatusBuilder.Facts(
        name,
        image,
        restartCount,
        p == null ? null : p.startedAt,
        held,
        lastExit,
        priorExit,
        started,
        ready,
        p == null ? null : "process://" + p.pid);
  }

  private static RunState.Terminated terminated(ContainerStateTerminated t, Instant now) {
    int code = t.getExitCode() == null ? 0 : t.getExitCode();
    return new RunState.Terminated(
        code,
        t.getReason() == null ? (code == 0 ? "Completed" : "Error") : t.getReason(),
        t.getMessage(),
        parse(t.getStartedAt(), now),
        parse(t.getFinishedAt(), now));
  }

  private static Instant parse(String time, Instant fallback) {
    try {
      return time == null ? fallback : Instant.parse(time);
    } catch (java.time.format.DateTimeParseException e) {
      return fallback;
    }
  }
}
