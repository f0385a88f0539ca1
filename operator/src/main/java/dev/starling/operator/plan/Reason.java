package dev.starling.operator.plan;

/** Why an action is taken: {@code status.lastAction.reason} and the Event's reason. */
public enum Reason {
  /** The set is new: initiate it with every member. */
  NewSet,
  /** More members (or an arbiter) asked for. */
  ScaleUp,
  /** Fewer members (or no arbiter) asked for. */
  ScaleDown,
  /** A memberConfig entry changed. */
  MemberConfigChanged,
  /** The fence annotation changed. */
  Fence,
  /** The preferred primary's priority is raised for the move. */
  PreferredPrimaryBoost,
  /** The preferred member is primary: its priority goes back to the spec's. */
  PreferredPrimaryRestore,
  /** The primary steps down so that the preferred member is elected. */
  PreferredPrimary,
  /** The primary steps down because it leaves the set. */
  PrimaryRemoved,
  /** The primary steps down because its new settings do not let it stay primary. */
  PrimaryBecomesUnelectable,
  /** A new value of the starling.dev/step-down annotation. */
  StepDownRequested,
  /** spec.oplogSizeMB changed. */
  OplogSizeChanged,
  /** spec.defaultWriteConcern changed. */
  DefaultWriteConcernChanged,
  /** spec.settings or spec.writeConcernModes changed. */
  SettingsChanged,
  /** A member restarts: its pod's image differs from the StatefulSet's (the roller). */
  ImageChanged,
  /** A member restarts: its pod's resources differ from the StatefulSet's. */
  ResourcesChanged,
  /** A member restarts: the node's config file (flags, nodeParameters) changed. */
  NodeConfigChanged,
  /** A member restarts: another part of the pod template changed (probes, labels, ...). */
  PodTemplateChanged,
  /** The primary steps down so that the roller can restart it, last. */
  RollPrimary,
  /** Everything matches the spec. */
  InSync
}
