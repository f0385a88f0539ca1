package dev.starling.operator.plan;

/**
 * What the operator observed of one pod of the set (data member or arbiter), whether or not it is
 * in the config.
 *
 * @param name the pod name, {@code orders-2} or {@code orders-arbiter-0}
 * @param host the replica-set host, {@code <pod>.<name>-hs.<ns>.svc.cluster.local:27017}
 * @param reachable the operator reached it (hello answered)
 * @param state its own state; STARTUP for a node without a config
 * @param health the primary's view: 1 up, 0 down, -1 unknown (no primary)
 * @param configVersion the version of the config it has; 0 when it has none
 * @param configTerm the term of the config it has
 * @param lagSeconds how far its last applied write is behind the primary's; null when unknown
 * @param oplogSizeMB its oplog's configured maximum size; null when unknown or an arbiter
 * @param pod its pod as Kubernetes has it: outdated (the roller restarts it) or current
 */
public record ObservedMember(
    String name,
    String host,
    boolean arbiter,
    boolean reachable,
    MemberState state,
    int health,
    int configVersion,
    long configTerm,
    Long lagSeconds,
    Long oplogSizeMB,
    PodFacts pod) {

  public ObservedMember {
    pod = pod == null ? PodFacts.CURRENT : pod;
  }

  /** A member whose pod runs its StatefulSet's current template. */
  public ObservedMember(
      String name,
      String host,
      boolean arbiter,
      boolean reachable,
      MemberState state,
      int health,
      int configVersion,
      long configTerm,
      Long lagSeconds,
      Long oplogSizeMB) {
    this(
        name,
        host,
        arbiter,
        reachable,
        state,
        health,
        configVersion,
        configTerm,
        lagSeconds,
        oplogSizeMB,
        PodFacts.CURRENT);
  }

  /** The same member with its pod's facts. */
  public ObservedMember withPod(PodFacts facts) {
    return new ObservedMember(
        name,
        host,
        arbiter,
        reachable,
        state,
        health,
        configVersion,
        configTerm,
        lagSeconds,
        oplogSizeMB,
        facts);
  }

  /** Has a replica-set config: it was initiated or added. */
  public boolean hasConfig() {
    return configVersion > 0;
  }

  /** Reachable, serving its role, and not reported down by the primary. */
  public boolean healthy() {
    return reachable && state.healthy() && health != 0;
  }

  /** Has the config {@code config}: what the majority commit of a config is counted by. */
  public boolean has(ReplSetConfig config) {
    return reachable && configVersion == config.version() && configTerm == config.term();
  }
}
