package dev.starling.operator.model;

/** The label keys and values on everything the operator creates for a ReplicaSet. */
public final class Labels {
  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  /** On every pod of one set, data members and arbiters alike: what Services and the PDB select. */
  public static final String REPLICA_SET = "starling.dev/replica-set";

  /** The data members' name label; status.selector and the scale subresource select these. */
  public static final String NODE = "starling-node";

  /** The arbiters' name label, so that the data members' selector never matches an arbiter. */
  public static final String ARBITER = "starling-arbiter";

  public static final String OPERATOR = "starling-operator";

  private Labels() {}
}
