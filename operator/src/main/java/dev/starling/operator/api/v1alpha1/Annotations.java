package dev.starling.operator.api.v1alpha1;

/** The annotations users put on a ReplicaSet, and the labels the operator puts on what it owns. */
public final class Annotations {
  /** Any new value asks for one non-forced step-down of the primary. */
  public static final String STEP_DOWN = "starling.dev/step-down";

  /** {@code "<ordinal>[,<ordinal>]"}: members kept out of elections and reads for maintenance. */
  public static final String FENCE = "starling.dev/fence";

  /** Any new value lets a Supervised roll restart the primary. */
  public static final String APPROVE = "starling.dev/approve";

  /**
   * On the pod template: a digest of the node's config file without the oplog size (which is
   * resized live), so that a change of node flags changes the template and the roller restarts the
   * members.
   */
  public static final String CONFIG_DIGEST = "starling.dev/config-digest";

  private Annotations() {}
}
