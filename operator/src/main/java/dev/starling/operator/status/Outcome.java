package dev.starling.operator.status;

import dev.starling.operator.api.v1alpha1.LastAction;

/**
 * What the reconciler did with a decision in this pass.
 *
 * @param lastAction the action taken now; null when none was taken (the previous one stays)
 * @param stepDownHandled the step-down annotation value handled now; null when none was
 * @param error why the action failed (it will be retried); null when it did not fail
 * @param approveHandled the approve annotation value handled now; null when none was
 */
public record Outcome(
    LastAction lastAction, String stepDownHandled, String error, String approveHandled) {
  public static final Outcome NOTHING = new Outcome(null, null, null, null);

  public Outcome(LastAction lastAction, String stepDownHandled, String error) {
    this(lastAction, stepDownHandled, error, null);
  }

  public static Outcome failed(String error) {
    return new Outcome(null, null, error, null);
  }
}
