package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Turns what the kubelet knows about a container into its API status. Which state is shown follows
 * the kubelet: a running process is {@code running} (its previous exit is {@code lastState}); a
 * container held back (back-off, image or config error) is {@code waiting} with the last exit as
 * {@code lastState}; a container that stays down shows its exit as {@code terminated}.
 */
final class ContainerStatusBuilder {

  /**
   * One container's facts at one moment.
   *
   * @param runningSince when the current process started, null when none runs
   * @param held why the container is not running, when the kubelet holds it back; null otherwise
   * @param lastExit the latest finished run, null if none
   * @param priorExit the run before {@code lastExit}
   */
  record Facts(
      String name,
      String image,
      int restartCount,
      Instant runningSince,
      RunState.Waiting held,
      RunState.Terminated lastExit,
      RunState.Terminated priorExit,
      boolean started,
      boolean ready,
      String containerId) {}

  private ContainerStatusBuilder() {}

  static RunState state(Facts f) {
    if (f.runningSince() != null) {
      return new RunState.Running(f.runningSince());
    }
    if (f.held() != null) {
      return f.held();
    }
    if (f.lastExit() != null) {
      return f.lastExit();
    }
    return RunState.creating();
  }

  /** The run before the one {@link #state} shows. */
  static RunState.Terminated lastState(Facts f) {
    if (f.runningSince() != null || f.held() != null) {
      return f.lastExit();
    }
    return f.priorExit();
  }

  static ContainerStatus build(Facts f) {
    RunState state = state(f);
    RunState.Terminated last = lastState(f);
    boolean running = state instanceof RunState.Running;
    return new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
        .withName(f.name())
        .withImage(f.image())
        .withImageID(f.image() == null ? "" : "local://" + ImageTable.repository(f.image()))
        .withContainerID(f.containerId())
        .withRestartCount(f.restartCount())
        .withStarted(running && f.started())
        .withReady(running && f.ready())
        .withState(toApi(state))
        .withLastState(last == null ? new ContainerState() : toApi(last))
        .build();
  }

  static ContainerState toApi(RunState state) {
    ContainerStateBuilder b = new ContainerStateBuilder();
    switch (state) {
      case RunState.Waiting w ->
          b.withNewWaiting().withReason(w.reason()).withMessage(w.message()).endWaiting();
      case RunState.Running r -> b.withNewRunning().withStartedAt(time(r.startedAt())).endRunning();
      case RunState.Terminated t ->
          b.withNewTerminated()
              .withExitCode(t.exitCode())
              .withReason(t.reason())
              .withMessage(t.message())
              .withStartedAt(time(t.startedAt()))
              .withFinishedAt(time(t.finishedAt()))
              .endTerminated();
    }
    return b.build();
  }

  /** The API's timestamp format (RFC 3339, whole seconds, UTC). */
  static String time(Instant instant) {
    return instant == null
        ? null
        : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
