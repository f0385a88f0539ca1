package dev.starling.operator.plan;

/**
 * What Kubernetes says of a roll in progress, beyond each pod's {@link PodFacts}.
 *
 * @param revisionsKnown the StatefulSet controller has recorded the current template (its
 *     observedGeneration caught up), so a pod's revision says whether it is outdated
 * @param approveRequested the {@code starling.dev/approve} annotation's value; null when absent
 * @param approveHandled {@code status.approveHandled}: the value last acted on
 */
public record Rollout(boolean revisionsKnown, String approveRequested, String approveHandled) {
  /** Every revision known, no approval given. */
  public static final Rollout NONE = new Rollout(true, null, null);

  /** A new value of the approve annotation lets a Supervised roll restart the primary. */
  public boolean approvalPending() {
    return approveRequested != null && !approveRequested.equals(approveHandled);
  }
}
