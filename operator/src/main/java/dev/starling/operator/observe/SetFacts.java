package dev.starling.operator.observe;

import dev.starling.operator.plan.PodFacts;
import dev.starling.operator.plan.Rollout;
import java.time.Instant;
import java.util.Map;

/**
 * What Kubernetes says of a set, beside what its members say: the StatefulSets' sizes, each pod's
 * facts for the roller, the annotations, and what the status remembers of earlier actions.
 *
 * @param pods each pod's facts by pod name; a pod not in it counts as current
 * @param stepDownRequested the {@code starling.dev/step-down} annotation's value; null when absent
 * @param stepDownHandled {@code status.stepDownHandled}
 * @param lastStepDown when the operator last stepped a primary down (from status.lastAction)
 */
public record SetFacts(
    int statefulSetReplicas,
    int arbiterStatefulSetReplicas,
    Map<String, PodFacts> pods,
    Rollout rollout,
    String stepDownRequested,
    String stepDownHandled,
    Instant lastStepDown) {

  public SetFacts {
    pods = Map.copyOf(pods);
  }

  /** StatefulSets of these sizes, every pod current, no annotation, nothing remembered. */
  public static SetFacts sizes(int statefulSetReplicas, int arbiterStatefulSetReplicas) {
    return new SetFacts(
        statefulSetReplicas, arbiterStatefulSetReplicas, Map.of(), Rollout.NONE, null, null, null);
  }

  PodFacts pod(String name) {
    return pods.getOrDefault(name, PodFacts.CURRENT);
  }
}
