package dev.starling.operator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The operator's meters on Prometheus ({@code /q/metrics}): {@code
 * starling_operator_reconciles_total}, {@code _reconcile_errors_total}, {@code
 * _actions_total{type}}, {@code _refusals_total{cause}}, {@code _reconcile_duration_seconds}.
 * JOSDK's built-in meters are not registered: QOSDK 7.7.3 ships two default producers of them and
 * ends up with neither, and registering JOSDK 5.3.2's MicrometerMetricsV2 by hand fails at start on
 * Prometheus ({@code events_received_total} is registered with two different sets of tag keys).
 */
class OperatorMetrics {
  private final MeterRegistry registry;
  private final Counter reconciles;
  private final Counter errors;
  private final Timer duration;

  OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.reconciles =
        Counter.builder("starling.operator.reconciles")
            .description("Reconciles of ReplicaSets")
            .register(registry);
    this.errors =
        Counter.builder("starling.operator.reconcile.errors")
            .description("Reconciles that failed: an API call, or an action a member refused")
            .register(registry);
    this.duration =
        Timer.builder("starling.operator.reconcile.duration")
            .description("Time of one reconcile: apply, observe, plan, act, status")
            .register(registry);
  }

  void reconciled(Duration took) {
    reconciles.increment();
    duration.record(took);
  }

  void error() {
    errors.increment();
  }

  void action(String type) {
    Counter.builder("starling.operator.actions")
        .description("Actions taken, by type")
        .tag("type", type)
        .register(registry)
        .increment();
  }

  void refusal(String cause) {
    Counter.builder("starling.operator.refusals")
        .description("Refusals reported, by cause")
        .tag("cause", cause)
        .register(registry)
        .increment();
  }
}
