package dev.starling.node.repl;

import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import java.util.List;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.ObjectId;

/**
 * The replication state, read at once under the coordinator's lock: what hello and replSetGetStatus
 * show.
 */
public record ReplicationStatus(
    ReplSetConfig config,
    String self,
    String primary,
    MemberState state,
    boolean writablePrimary,
    long term,
    OpTime applied,
    OpTime durable,
    OpTime committed,
    long lastWriteWallMillis,
    OpTime electionOpTime,
    long electionWallMillis,
    List<dev.starling.node.repl.core.MemberStatus> members,
    int syncSourceId,
    TopologyVersion.Version topologyVersion) {

  /**
   * The status as the core has it now, with what the coordinator adds: whether this primary takes
   * writes yet, the wall time of the last write, this primary's election, and the topologyVersion.
   */
  static ReplicationStatus of(
      TopologyCoordinator topology,
      boolean writablePrimary,
      long lastWriteWallMillis,
      OpTime electionOpTime,
      long electionWallMillis,
      long nowMillis,
      TopologyVersion.Version topologyVersion) {
    ReplSetConfig config = topology.config();
    return new ReplicationStatus(
        config,
        config == null || topology.selfId() < 0
            ? null
            : config.findMemberById(topology.selfId()).get().host(),
        config == null || topology.primaryId() < 0
            ? null
            : config.findMemberById(topology.primaryId()).map(m -> m.host()).orElse(null),
        config == null ? MemberState.STARTUP : topology.memberState(),
        writablePrimary,
        topology.term(),
        topology.myLastApplied(),
        topology.myLastDurable(),
        topology.commitPoint(),
        lastWriteWallMillis,
        electionOpTime,
        electionWallMillis,
        topology.memberStatuses(nowMillis),
        topology.syncSourceId(),
        topologyVersion);
  }

  /** The host of the member with {@code id}, or "" (as replSetGetStatus shows no source). */
  public String hostOf(int id) {
    if (config == null || id < 0) {
      return "";
    }
    return config.findMemberById(id).map(m -> m.host()).orElse("");
  }

  /** mongod's electionId: the max timestamp, then the term. */
  public ObjectId electionId() {
    byte[] bytes = java.nio.ByteBuffer.allocate(12).putInt(0x7fffffff).putLong(term).array();
    return new ObjectId(bytes);
  }

  public static BsonValue ts(OpTime opTime) {
    return opTime.isNull() ? new BsonTimestamp(0, 0) : opTime.ts();
  }
}
