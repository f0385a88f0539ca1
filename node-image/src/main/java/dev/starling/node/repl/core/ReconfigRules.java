package dev.starling.node.repl.core;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;

/**
 * The safe-reconfig rules that depend on more than the two configs: the current config must be
 * committed before it is replaced, and a reconfig may not silently change the implicit default
 * write concern. Pure checks; the config checks themselves are in {@link ReplSetConfig}.
 */
public final class ReconfigRules {
  private ReconfigRules() {}

  /**
   * mongod's config and oplog commitment: 308 CurrentConfigNotCommittedYet unless a majority of the
   * current config's voters have it and an entry of the primary's term is majority committed.
   */
  public static void requireCommitted(ReplSetConfig current, TopologyCoordinator topology) {
    if (!topology.isConfigReplicatedToMajority()) {
      throw new MongoServerException(
          ErrorCode.CURRENT_CONFIG_NOT_COMMITTED_YET,
          "Cannot run replSetReconfig because the current config: {version: "
              + current.version()
              + ", term: "
              + current.term()
              + "} is not yet majority committed.");
    }
    if (!topology.isOplogCommittedInTerm()) {
      throw new MongoServerException(
          ErrorCode.CURRENT_CONFIG_NOT_COMMITTED_YET,
          "Cannot run replSetReconfig because the oplog entries of term "
              + topology.term()
              + " are not yet majority committed (last committed: "
              + topology.commitPoint()
              + ").");
    }
  }

  /**
   * mongod 5.0+ refuses (103, force or not) a config that changes the implicit default write
   * concern ({@code w: "majority"} or {@code w: 1}, see {@link
   * ReplSetConfig#isImplicitDefaultWriteConcernMajority}) while no cluster-wide default is set.
   */
  public static void requireSameImplicitWriteConcern(
      ReplSetConfig current, ReplSetConfig next, boolean clusterWideDefaultSet) {
    if (!clusterWideDefaultSet
        && current.isImplicitDefaultWriteConcernMajority()
            != next.isImplicitDefaultWriteConcernMajority()) {
      throw new MongoServerException(
          ErrorCode.INCOMPATIBLE_CONFIG,
          "Reconfig attempted to install a config that would change the implicit default write"
              + " concern. Use the setDefaultRWConcern command to set a cluster-wide write concern"
              + " and try the reconfig again.");
    }
  }
}
