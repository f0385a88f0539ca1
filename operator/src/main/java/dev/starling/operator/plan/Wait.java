package dev.starling.operator.plan;

/**
 * Nothing to do until something outside the operator happens; {@code text} is {@code
 * status.waitingFor}, e.g. "orders-3 to catch up (lag 12 s)".
 */
public record Wait(Cause cause, String text) implements Decision {
  /** What the operator waits for. */
  public enum Cause {
    /** spec.paused is true. */
    Paused,
    /** A pod the next step needs does not answer (starting, crashed, cut off). */
    MemberUnreachable,
    /** A majority of voters does not have the current config yet. */
    ConfigNotCommitted,
    /** A member is in initial sync, rollback, or behind the primary. */
    MemberCatchingUp,
    /** No member is primary (an election is due or running). */
    NoPrimary,
    /** A step-down happened moments ago: the election it started is not over. */
    ElectionInProgress,
    /** A step-down is due but no other member could be elected now. */
    NoElectableSecondary,
    /** The StatefulSet controller has not yet recorded the new pod template. */
    StatefulSetUpdating,
    /** A member the roller restarted is not back yet: SECONDARY and caught up. */
    MemberRestarting,
    /** A member is down or behind on its own: the roller restarts no one until it is back. */
    MemberUnhealthy,
    /** Restarting the next member would leave fewer healthy voters than a majority. */
    MajorityWouldBeLost,
    /** {@code updateStrategy.pacingSeconds} have not passed since the last restart. */
    Pacing,
    /** A Supervised roll stops before the primary until a new starling.dev/approve value. */
    AwaitingApproval
  }

  @Override
  public String describe() {
    return "waiting for " + text;
  }
}
