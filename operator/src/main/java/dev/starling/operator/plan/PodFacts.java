package dev.starling.operator.plan;

import java.time.Instant;

/**
 * What Kubernetes says of one member's pod, for the roller: whether the pod runs its StatefulSet's
 * current template, and if not, why it must be restarted.
 *
 * @param restartReason why the pod must be restarted ({@link Reason#ImageChanged}, ...); null when
 *     it runs the StatefulSet's update revision
 * @param restartDetail what changed, for the status and the Event, e.g. "image starling/node:0.1.0
 *     to starling/node:0.1.1"; null when current
 * @param terminating the pod is being deleted
 * @param ready the pod's Ready condition is True (what a PodDisruptionBudget counts)
 * @param created when the pod was created; null when unknown
 * @param resourceVersion the pod's resourceVersion as observed: the restart deletes exactly this
 *     pod, never one the StatefulSet controller has already recreated under the same name
 */
public record PodFacts(
    Reason restartReason,
    String restartDetail,
    boolean terminating,
    boolean ready,
    Instant created,
    String resourceVersion) {

  /** A pod that runs the current template, or whose template is not known. */
  public static final PodFacts CURRENT = new PodFacts(null, null, false, true, null, null);

  /** The pod must be restarted to run its StatefulSet's current template. */
  public boolean outdated() {
    return restartReason != null;
  }
}
