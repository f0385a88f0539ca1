package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.Durability;
import java.util.function.Supplier;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;

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
  public <T> java.util.Map.Entry<BsonTimestamp, T> readSnapshot(
      BsonTimestamp atClusterTime, long maxMillis, Supplier<T> read) {
    throw notAReplicaSet();
  }

  @Override
  public dev.starling.node.storage.ReadSnapshot retainMajoritySnapshot() {
    return null;
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

  @Override
  public RetryableWrites retryableWrites() {
    throw new MongoServerException(
        ErrorCode.ILLEGAL_OPERATION,
        "Transaction numbers are only allowed on a replica set member or mongos");
  }

  @Override
  public void sessionEnded(BsonDocument lsid) {
    // a standalone keeps no retryable-write memory
  }

  @Override
  public BsonTimestamp operationTime() {
    return null;
  }

  @Override
  public void awaitClusterTime(BsonTimestamp clusterTime, boolean majority, long maxMillis) {
    throw new MongoServerException(
        ErrorCode.INVALID_OPTIONS,
        "Cannot specify afterClusterTime readConcern without replication enabled");
  }

  @Override
  public void checkLinearizableRead() {
    throw notAReplicaSet();
  }

  /** mongod's refusal of the read concerns only a replica set serves (linearizable, snapshot). */
  private static MongoServerException notAReplicaSet() {
    return new MongoServerException(
        ErrorCode.NOT_A_REPLICA_SET, "node needs to be a replica set member to use read concern");
  }

  @Override
  public void awaitLinearizableRead(long maxMillis) {
    checkLinearizableRead();
  }

  @Override
  public ReplicaSetCommands replicaSetCommands() {
    throw new MongoServerException(ErrorCode.NO_REPLICATION_ENABLED, "not running with --replSet");
  }
}
