package dev.starling.operator.plan;

/**
 * What the planner returns: exactly one {@link Action} to take now, a {@link Wait} for something
 * the operator cannot hurry, or a {@link Refusal} of what the spec asks.
 */
public sealed interface Decision permits Action, Wait, Refusal {
  /** One line for an Event or a log. */
  String describe();
}
