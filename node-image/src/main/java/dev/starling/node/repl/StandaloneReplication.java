package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.Durability;
import java.util.List;
import java.util.function.Supplier;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;

/**
 * Replication on a node started without {@code --replSet} (mongod's {@code
 * ReplicationCoordinatorNoOp} pattern): every answer is a standalone mongod's, as {@link
 * Replication} describes it for each method. It takes every write and serves every read, refuses
 * write concerns only a replica set can satisfy, and refuses the replica-set commands with 76
 * NoReplicationEnabled.
 */
public final class StandaloneReplication implements Replication {
  private final FailPoints failPoints = new FailPoints();

  @Override
  public boolean isWritablePrimary() {
    return true;
  }

  @Override
  public boolean isReadable() {
    return true;
  }

  @Override
  public boolean ready() {
    return true;
  }

  @Override
  public <T> T readMajority(Supplier<T> read) {
    return read.get();
  }

  @Override
  public void validateWriteConcern(BsonDocument writeConcern) {
    WriteConcernRequest request = WriteConcernRequest.parse(writeConcern);
    if (request.count() > 1) {
      throw new MongoServerException(
          ErrorCode.BAD_VALUE, "cannot use 'w' > 1 when a host is not replicated");
    }
    if (request.modeName() != null) {
      throw new MongoServerException(
          ErrorCode.BAD_VALUE,
          "cannot use non-majority 'w' mode \""
              + request.modeName()
              + "\" when a host is not a member of a replica set");
    }
  }

  @Override
  public Durability writeDurability(BsonDocument writeConcern, boolean journal) {
    return journal || WriteConcernRequest.parse(writeConcern).majority()
        ? Durability.SYNCED
        : Durability.WRITTEN;
  }

  @Override
  public BsonDocument waitForWriteConcern(BsonDocument writeConcern) {
    return null;
  }

  @Override
  public BsonDocument hello(BsonDocument command, String primaryField) {
    return new BsonDocument(primaryField, BsonBoolean.TRUE);
  }

  @Override
  public void appendTopologyVersion(BsonDocument errorReply) {}

  @Override
  public boolean hasOplog() {
    return false;
  }

  @Override
  public FailPoints failPoints() {
    return failPoints;
  }

  @Override
  public BsonDocument oplogQueryMetadata() {
    return new BsonDocument();
  }

  @Override
  public void awaitOplogAfter(long lastSeenTs, long maxMillis) {}

  @Override
  public void stepDownForShutdown(long catchUpMillis) {}

  @Override
  public void close() {}

  // ---------------------------------------------------------------- replica-set commands: 76

  private static MongoServerException notEnabled() {
    return new MongoServerException(ErrorCode.NO_REPLICATION_ENABLED, "not running with --replSet");
  }

  @Override
  public void checkReplEnabledForCommand() {
    throw notEnabled();
  }

  @Override
  public ReplicationStatus snapshot() {
    throw notEnabled();
  }

  @Override
  public String infoMessage() {
    throw notEnabled();
  }

  @Override
  public void initiate(BsonDocument requested) {
    throw notEnabled();
  }

  @Override
  public BsonDocument onHeartbeat(BsonDocument command) {
    throw notEnabled();
  }

  @Override
  public BsonDocument onRequestVotes(BsonDocument command) {
    throw notEnabled();
  }

  @Override
  public void onUpdatePosition(List<ReplMessages.Position> positions, long senderTerm) {
    throw notEnabled();
  }

  @Override
  public void stepDown(long stepDownSecs, long catchUpSecs, boolean force) {
    throw notEnabled();
  }

  @Override
  public String freeze(long secs) {
    throw notEnabled();
  }

  @Override
  public void abortPrimaryCatchUp() {
    throw notEnabled();
  }

  @Override
  public void stepUp() {
    throw notEnabled();
  }

  @Override
  public void reconfig(BsonDocument requested, boolean force, long maxTimeMillis) {
    throw notEnabled();
  }

  @Override
  public boolean isConfigCommitted() {
    throw notEnabled();
  }

  @Override
  public BsonDocument syncFrom(String host) {
    throw notEnabled();
  }
}
