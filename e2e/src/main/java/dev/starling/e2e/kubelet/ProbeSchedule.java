package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Probe;
import java.time.Duration;
import java.time.Instant;

/**
 * When one probe of one container run is due, and what its consecutive results amount to, as the
 * kubelet's probe worker decides: the first probe after {@code initialDelaySeconds}, then every
 * {@code periodSeconds}; the result flips only after {@code successThreshold} successes or {@code
 * failureThreshold} failures in a row. A readiness probe starts as failed, a liveness probe as
 * successful, a startup probe as unknown and stops once it succeeds. Pure: time is a parameter.
 */
final class ProbeSchedule {

  enum Kind {
    STARTUP("Startup"),
    READINESS("Readiness"),
    LIVENESS("Liveness");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  enum Result {
    UNKNOWN,
    SUCCESS,
    FAILURE
  }

  private final Kind kind;
  private final Probe probe;
  private final Instant containerStartedAt;
  private Result result;
  private Result lastOutcome = Result.UNKNOWN;
  private int run;
  private Instant lastStart;
  private boolean inFlight;

  ProbeSchedule(Kind kind, Probe probe, Instant containerStartedAt) {
    this.kind = kind;
    this.probe = probe;
    this.containerStartedAt = containerStartedAt;
    this.result =
        switch (kind) {
          case STARTUP -> Result.UNKNOWN;
          case READINESS -> Result.FAILURE;
          case LIVENESS -> Result.SUCCESS;
        };
  }

  Kind kind() {
    return kind;
  }

  Probe probe() {
    return probe;
  }

  Result result() {
    return result;
  }

  /** When the next probe should run; null when this probe is finished (a startup success). */
  Instant nextDue() {
    if (kind == Kind.STARTUP && result == Result.SUCCESS) {
      return null;
    }
    if (lastStart == null) {
      return containerStartedAt.plusSeconds(seconds(probe.getInitialDelaySeconds(), 0));
    }
    return lastStart.plus(period());
  }

  boolean due(Instant now) {
    Instant next = nextDue();
    return !inFlight && next != null && !now.isBefore(next);
  }

  /** A probe run begins at {@code now}; the next is due one period later. */
  void begin(Instant now) {
    inFlight = true;
    lastStart = now;
  }

  /** Records a finished run; returns true when the result changed. */
  boolean record(boolean success, Instant now) {
    inFlight = false;
    Result outcome = success ? Result.SUCCESS : Result.FAILURE;
    run = outcome == lastOutcome ? run + 1 : 1;
    lastOutcome = outcome;
    int threshold =
        success ? seconds(probe.getSuccessThreshold(), 1) : seconds(probe.getFailureThreshold(), 3);
    if (run < threshold || outcome == result) {
      return false;
    }
    result = outcome;
    return true;
  }

  Duration period() {
    return Duration.ofSeconds(seconds(probe.getPeriodSeconds(), 10));
  }

  Duration timeout() {
    return Duration.ofSeconds(seconds(probe.getTimeoutSeconds(), 1));
  }

  private static int seconds(Integer value, int fallback) {
    return value == null || value <= 0 ? fallback : value;
  }
}
