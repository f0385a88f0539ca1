package dev.starling.operator.plan;

import dev.starling.operator.api.v1alpha1.ReplicaSetSettings;

/** The replica-set config's {@code settings} that the spec controls. */
public record ConfigSettings(
    long electionTimeoutMillis,
    long heartbeatIntervalMillis,
    boolean chainingAllowed,
    long catchUpTimeoutMillis) {

  /** MongoDB's defaults. */
  public static final ConfigSettings DEFAULT = new ConfigSettings(10_000, 2_000, true, -1);

  public static ConfigSettings of(ReplicaSetSettings s) {
    if (s == null) {
      return DEFAULT;
    }
    return new ConfigSettings(
        s.getElectionTimeoutMillis() == null
            ? DEFAULT.electionTimeoutMillis
            : s.getElectionTimeoutMillis(),
        s.getHeartbeatIntervalMillis() == null
            ? DEFAULT.heartbeatIntervalMillis
            : s.getHeartbeatIntervalMillis(),
        s.getChainingAllowed() == null ? DEFAULT.chainingAllowed : s.getChainingAllowed(),
        s.getCatchUpTimeoutMillis() == null
            ? DEFAULT.catchUpTimeoutMillis
            : s.getCatchUpTimeoutMillis());
  }
}
