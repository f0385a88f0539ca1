package dev.starling.operator.plan;

/**
 * One thing to do now. Every action is idempotent against a fresh observation: a reconfig carries
 * the whole next config (the current one with one change and the next version), so repeating it
 * after a lost reply either succeeds again or is refused by the node as stale.
 */
public sealed interface Action extends Decision {
  Reason reason();

  /** The pod the action is about; null for set-wide actions. */
  String member();

  /** {@code status.lastAction.type}: AddMember, StepDown, ... */
  default String type() {
    return getClass().getSimpleName();
  }

  /** An action that installs a new config with replSetReconfig on the primary. */
  sealed interface Reconfig extends Action {
    ReplSetConfig next();
  }

  /** replSetInitiate on {@code target} with the whole config: every member at once. */
  record Initiate(String member, String target, ReplSetConfig config, Reason reason)
      implements Action {
    @Override
    public String describe() {
      return "initiate replica set "
          + config.name()
          + " with "
          + config.members().size()
          + " members through "
          + member;
    }
  }

  /** Set the StatefulSet's replicas to {@code to}, larger: new pods start, not yet members. */
  record GrowStatefulSet(String statefulSet, int from, int to, Reason reason) implements Action {
    @Override
    public String member() {
      return null;
    }

    @Override
    public String describe() {
      return "grow StatefulSet " + statefulSet + " from " + from + " to " + to + " pods";
    }
  }

  /** Set the StatefulSet's replicas to {@code to}, smaller: its removed pods left the config. */
  record ShrinkStatefulSet(String statefulSet, int from, int to, Reason reason) implements Action {
    @Override
    public String member() {
      return null;
    }

    @Override
    public String describe() {
      return "shrink StatefulSet " + statefulSet + " from " + from + " to " + to + " pods";
    }
  }

  /** Add one member; a voter joins newlyAdded, so the voters do not change until it caught up. */
  record AddMember(String member, ConfigMember added, ReplSetConfig next, Reason reason)
      implements Reconfig {
    @Override
    public String describe() {
      return "add " + member + " (votes " + added.votes() + ", priority " + added.priority() + ")";
    }
  }

  /** Change the settings of one member. */
  record ChangeMember(
      String member, ConfigMember before, ConfigMember after, ReplSetConfig next, Reason reason)
      implements Reconfig {
    @Override
    public String describe() {
      return "change " + member + ": " + Describe.changes(before, after);
    }
  }

  /** Remove one member from the config (its pod stays until the StatefulSet shrinks). */
  record RemoveMember(String member, ConfigMember removed, ReplSetConfig next, Reason reason)
      implements Reconfig {
    @Override
    public String describe() {
      return "remove " + member + " from the config";
    }
  }

  /** Change settings and write concern modes; no member changes. */
  record ReconfigSettings(ReplSetConfig next, Reason reason) implements Reconfig {
    @Override
    public String member() {
      return null;
    }

    @Override
    public String describe() {
      return "reconfig settings to "
          + next.settings()
          + " and write concern modes to "
          + next.sortedModes();
    }
  }

  /**
   * replSetStepDown on the primary, never forced: it waits up to {@code catchUpSeconds} for a
   * secondary to catch up, then is not electable for {@code stepDownSeconds}.
   *
   * @param annotationValue the annotation value this handles: {@code starling.dev/step-down}'s for
   *     {@link Reason#StepDownRequested}, {@code starling.dev/approve}'s for a Supervised roll's
   *     {@link Reason#RollPrimary}; null otherwise
   */
  record StepDown(
      String member,
      String host,
      int stepDownSeconds,
      int catchUpSeconds,
      String annotationValue,
      Reason reason)
      implements Action {
    @Override
    public String describe() {
      return "step down primary " + member;
    }
  }

  /** replSetResizeOplog on one member. */
  record ResizeOplog(String member, String host, int sizeMB, Reason reason) implements Action {
    @Override
    public String describe() {
      return "resize the oplog of " + member + " to " + sizeMB + " MB";
    }
  }

  /**
   * Delete one member's pod so that the StatefulSet controller recreates it from the current
   * template (the StatefulSets use OnDelete): the roller's restart. Only the pod observed, at
   * {@code resourceVersion}, is deleted.
   *
   * @param detail what changed, e.g. "image starling/node:0.1.0 to starling/node:0.1.1"
   */
  record RestartMember(String member, String resourceVersion, String detail, Reason reason)
      implements Action {
    @Override
    public String describe() {
      return "restart " + member + " for " + reason + ": " + detail;
    }
  }

  /** setDefaultRWConcern on the primary. */
  record SetDefaultWriteConcern(DefaultWriteConcern writeConcern, Reason reason) implements Action {
    @Override
    public String member() {
      return null;
    }

    @Override
    public String describe() {
      return "set the default write concern to " + writeConcern;
    }
  }

  /** Nothing to do: the set matches the spec. */
  record None(Reason reason) implements Action {
    @Override
    public String member() {
      return null;
    }

    @Override
    public String describe() {
      return "nothing to do";
    }
  }
}
