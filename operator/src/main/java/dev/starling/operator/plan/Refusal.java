package dev.starling.operator.plan;

/**
 * The planner will not do what the spec asks in the current situation. The reconciler reports it (a
 * Warning Event, the Stalled condition when {@link Cause#needsPerson()}) and sends nothing to the
 * nodes; a spec change, or the situation improving, lifts it on the next reconcile.
 */
public record Refusal(Cause cause, String message) implements Decision {
  /** Why the planner refuses. */
  public enum Cause {
    /** The spec is wrong in a way CEL cannot see; {@code message} says what to fix. */
    InvalidSpec(true),
    /** The change would leave fewer than a majority of healthy, caught-up voters. */
    WouldLoseMajority(false),
    /** The next config would change more than one voter. */
    TwoVotersInOneReconfig(true),
    /** Fewer members are asked for while a member that stays is down. */
    ScaleDownWhileMemberDown(false);

    private final boolean needsPerson;

    Cause(boolean needsPerson) {
      this.needsPerson = needsPerson;
    }

    /** Only a person can lift it (a spec change); otherwise it lifts when members recover. */
    public boolean needsPerson() {
      return needsPerson;
    }
  }

  @Override
  public String describe() {
    return "refused (" + cause + "): " + message;
  }
}
