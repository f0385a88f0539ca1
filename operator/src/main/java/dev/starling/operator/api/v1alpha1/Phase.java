package dev.starling.operator.api.v1alpha1;

/** {@code status.phase}: one word for people; GitOps tools read the conditions instead. */
public enum Phase {
  Pending,
  Initializing,
  Ready,
  Scaling,
  Reconfiguring,
  Resizing,
  Rolling,
  Paused,
  Degraded,
  Invalid
}
