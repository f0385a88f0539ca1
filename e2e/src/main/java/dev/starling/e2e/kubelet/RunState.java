package dev.starling.e2e.kubelet;

import java.time.Instant;

/** A container's state as the API reports it: waiting, running or terminated. */
sealed interface RunState {

  /** Not running, with the reason the kubelet shows (ContainerCreating, CrashLoopBackOff, ...). */
  record Waiting(String reason, String message) implements RunState {}

  record Running(Instant startedAt) implements RunState {}

  /**
   * A finished run. {@code reason} is Completed for exit code 0 and Error otherwise, as with
   * containerd.
   */
  record Terminated(
      int exitCode, String reason, String message, Instant startedAt, Instant finishedAt)
      implements RunState {

    static Terminated of(int exitCode, Instant startedAt, Instant finishedAt) {
      return new Terminated(
          exitCode, exitCode == 0 ? "Completed" : "Error", null, startedAt, finishedAt);
    }
  }

  static Waiting creating() {
    return new Waiting("ContainerCreating", null);
  }
}
