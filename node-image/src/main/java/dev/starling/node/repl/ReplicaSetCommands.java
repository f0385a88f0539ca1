package dev.starling.node.repl;

import java.util.List;
import org.bson.BsonDocument;

/**
 * What only a replica-set member answers, each handed to the piece that does it: the replSet*
 * commands an operator sends (initiate, reconfig, step down and up, freeze, abort catch-up, sync
 * from, the status), the ones other members send (heartbeats, vote requests, position updates:
 * refused while the {@code dropReplicationTraffic} fail point is on) and configureFailPoint. A
 * member gives it from {@link Replication#replicaSetCommands}; a standalone refuses there with 76
 * NoReplicationEnabled, as mongod's checkReplEnabledForCommand.
 */
public final class ReplicaSetCommands {
  private final ReplicationCoordinator coordinator;
  private final FailPoints failPoints;
  private final HeartbeatCoordinator heartbeats;
  private final ElectionDriver elections;
  private final PositionCoordinator positions;
  private final StepDownCoordinator stepDowns;
  private final ReconfigCoordinator reconfigs;
  private final BackgroundSync sync;

  /**
   * @param coordinator the status, the timer's tick, and the monitor the pieces share
   */
  ReplicaSetCommands(
      ReplicationCoordinator coordinator,
      FailPoints failPoints,
      HeartbeatCoordinator heartbeats,
      ElectionDriver elections,
      PositionCoordinator positions,
      StepDownCoordinator stepDowns,
      ReconfigCoordinator reconfigs,
      BackgroundSync sync) {
    this.coordinator = coordinator;
    this.failPoints = failPoints;
    this.heartbeats = heartbeats;
    this.elections = elections;
    this.positions = positions;
    this.stepDowns = stepDowns;
    this.reconfigs = reconfigs;
    this.sync = sync;
  }

  /** What replSetGetStatus, replSetGetConfig and hello need, read consistently. */
  public ReplicationStatus status() {
    return coordinator.snapshot();
  }

  /** This member's infoMessage in replSetGetStatus ("" when there is nothing to say). */
  public String infoMessage() {
    return sync.infoMessage();
  }

  /** replSetInitiate, with a config document or (null) the default one-member config. */
  public void initiate(BsonDocument requested) {
    reconfigs.initiate(requested);
    coordinator.tick();
  }

  /** replSetReconfig ({@link ReconfigCoordinator#reconfig}). */
  public void reconfig(BsonDocument requested, boolean force, long maxTimeMillis) {
    reconfigs.reconfig(requested, force, maxTimeMillis);
  }

  /** Whether the current config is committed (replSetGetConfig's commitmentStatus). */
  public boolean isConfigCommitted() {
    return reconfigs.isConfigCommitted();
  }

  /** replSetStepDown ({@link StepDownCoordinator#stepDown}). */
  public void stepDown(long stepDownSecs, long catchUpSecs, boolean force) {
    stepDowns.stepDown(stepDownSecs, catchUpSecs, force);
  }

  /** replSetFreeze; returns mongod's "info" text or null. */
  public String freeze(long secs) {
    return stepDowns.freeze(secs);
  }

  /** replSetAbortPrimaryCatchUp. */
  public void abortPrimaryCatchUp() {
    stepDowns.abortPrimaryCatchUp();
  }

  /** replSetStepUp: stands for election now and waits for the outcome. */
  public void stepUp() {
    stepDowns.stepUp();
  }

  /** replSetSyncFrom ({@link BackgroundSync#syncFrom}); returns mongod's reply fields. */
  public BsonDocument syncFrom(String host) {
    return sync.syncFrom(host);
  }

  /** replSetHeartbeat received: updates the core, and replies with this node's view. */
  public BsonDocument onHeartbeat(BsonDocument command) {
    failPoints.refuseIncomingReplicationTraffic();
    return heartbeats.onHeartbeat(command);
  }

  /** replSetRequestVotes received: the core decides; the vote is durable before the reply. */
  public BsonDocument onRequestVotes(BsonDocument command) {
    failPoints.refuseIncomingReplicationTraffic();
    synchronized (coordinator) {
      return elections.onRequestVotes(command);
    }
  }

  /** replSetUpdatePosition received from a member syncing from us. */
  public void onUpdatePosition(List<ReplMessages.Position> positions, long senderTerm) {
    failPoints.refuseIncomingReplicationTraffic();
    synchronized (coordinator) {
      this.positions.onUpdatePosition(positions, senderTerm);
    }
  }

  /** The replication fail points (configureFailPoint). */
  public FailPoints failPoints() {
    return failPoints;
  }
}
