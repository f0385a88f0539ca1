package dev.starling.e2e.bench;

/**
 * What one measured phase of one workload on one server gave: the throughput and the latency
 * percentiles, or why it failed.
 *
 * @param ops operations completed (acknowledged by the server) in the phase
 * @param seconds wall-clock length of the phase
 * @param p50Nanos median latency of one operation
 * @param p99Nanos 99th percentile latency of one operation
 * @param error null when the phase passed; else the first error, which stopped the phase
 */
record PhaseResult(long ops, double seconds, long p50Nanos, long p99Nanos, String error) {

  static PhaseResult failed(String error) {
    return new PhaseResult(0, 0, 0, 0, error);
  }

  boolean ok() {
    return error == null;
  }

  double opsPerSecond() {
    return seconds <= 0 ? 0 : ops / seconds;
  }
}
