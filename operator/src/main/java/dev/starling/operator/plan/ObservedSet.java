package dev.starling.operator.plan;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One observation of a set, the planner's whole view of the world: every pod, the current config,
 * the primary, the StatefulSets' sizes, the cluster-wide write concern, and the step-down
 * annotation. Built afresh on every reconcile, so that an operator restarted at any point plans
 * from what is, never from what it remembers. Per-member config settings (votes, priority, hidden,
 * delay, tags) are read from {@link #config} by host.
 *
 * @param members every pod that exists, data members and arbiters
 * @param config the primary's config (or the newest any member has); null before the set is
 *     initiated
 * @param primary the primary's host; null when there is none
 * @param statefulSetReplicas the data StatefulSet's {@code spec.replicas}
 * @param arbiterStatefulSetReplicas the arbiter StatefulSet's {@code spec.replicas}; 0 when absent
 * @param defaultWriteConcern the cluster-wide default write concern; null when never set
 * @param stepDownRequested the {@code starling.dev/step-down} annotation's value; null when absent
 * @param stepDownHandled {@code status.stepDownHandled}: the value last acted on
 * @param lastStepDown when the operator last stepped a primary down (from status.lastAction)
 * @param rollout what the roller needs beyond each member's pod
 */
public record ObservedSet(
    List<ObservedMember> members,
    ReplSetConfig config,
    String primary,
    int statefulSetReplicas,
    int arbiterStatefulSetReplicas,
    DefaultWriteConcern defaultWriteConcern,
    String stepDownRequested,
    String stepDownHandled,
    Instant lastStepDown,
    Rollout rollout) {

  public ObservedSet {
    members = List.copyOf(members);
    rollout = rollout == null ? Rollout.NONE : rollout;
  }

  /** An observation with no roll in view: every revision known, no approval given. */
  public ObservedSet(
      List<ObservedMember> members,
      ReplSetConfig config,
      String primary,
      int statefulSetReplicas,
      int arbiterStatefulSetReplicas,
      DefaultWriteConcern defaultWriteConcern,
      String stepDownRequested,
      String stepDownHandled,
      Instant lastStepDown) {
    this(
        members,
        config,
        primary,
        statefulSetReplicas,
        arbiterStatefulSetReplicas,
        defaultWriteConcern,
        stepDownRequested,
        stepDownHandled,
        lastStepDown,
        Rollout.NONE);
  }

  public Optional<ObservedMember> member(String host) {
    return members.stream().filter(m -> m.host().equals(host)).findFirst();
  }

  public boolean initiated() {
    return config != null;
  }

  /** Some member's pod must be restarted to run its StatefulSet's current template. */
  public boolean rolling() {
    return members.stream().anyMatch(m -> m.pod().outdated());
  }

  /** A new value of the step-down annotation asks for a step-down. */
  public boolean stepDownPending() {
    return stepDownRequested != null && !stepDownRequested.equals(stepDownHandled);
  }
}
