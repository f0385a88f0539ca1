package dev.starling.node.repl;

import dev.starling.node.storage.Durability;
import java.util.function.Supplier;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;

/**
 * What the rest of the node asks of replication, as mongod's {@code ReplicationCoordinator}
 * interface: {@link ReplicationCoordinator} on a member started with {@code --replSet}, {@link
 * StandaloneReplication} (mongod's {@code ReplicationCoordinatorNoOp} pattern) otherwise, so a
 * caller never asks which of the two it holds. Each method says what a standalone answers. What
 * only a member answers (the replica-set commands) is behind {@link #replicaSetCommands}.
 *
 * <p>Not to be confused with the {@code Replication} interface nested in each piece of the
 * coordinator ({@link HeartbeatCoordinator.Replication} and the others): those are the pieces'
 * narrow views of the coordinator.
 */
public interface Replication extends AutoCloseable {

  /**
   * Whether this node takes writes outside {@code local} now: the primary once it has caught up; a
   * standalone always.
   */
  boolean isWritablePrimary();

  /** Whether this node serves reads: a primary or secondary; a standalone always. */
  boolean isReadable();

  /**
   * What {@code /readyz} adds to "accepting connections": readable, or an arbiter (which holds no
   * data but must be reachable to vote); a standalone always.
   */
  boolean ready();

  /**
   * Runs {@code read} with readConcern "majority": every document it reads, now or through the
   * cursor later, is as of the majority commit point, so it can never be rolled back. A standalone
   * reads its latest data, as mongod does: nothing there can roll back.
   */
  <T> T readMajority(Supplier<T> read);

  /**
   * A reference to the snapshot that {@link #readMajority} reads, waiting for one as it does, for a
   * command that reads at it and writes elsewhere ({@code $out}, {@code $merge}); the caller
   * releases it. Null on a standalone, which reads its latest data.
   */
  dev.starling.node.storage.ReadSnapshot retainMajoritySnapshot();

  /**
   * Refuses, before a command runs, a write concern this node can never satisfy (mongod's
   * validateWriteConcern). A member accepts every concern here (an unsatisfiable one ends in a
   * writeConcernError after the write); a standalone refuses {@code w} over 1 and any {@code w}
   * mode other than "majority" with 2 BadValue.
   */
  void validateWriteConcern(BsonDocument writeConcern);

  /**
   * How durably a write under {@code writeConcern} is written before its command returns: {@code j:
   * true} ({@code journal}) syncs the WAL. On a member nothing else does: {@code w: "majority"}
   * waits for a majority's durable positions, which the journal flusher advances for many writes at
   * once. A standalone syncs for {@code w: "majority"} too (journaled by default, as mongod).
   */
  Durability writeDurability(BsonDocument writeConcern, boolean journal);

  /**
   * Waits until this thread's last write satisfies {@code writeConcern} (without {@code w}, the
   * set's default: setDefaultRWConcern's, else mongod's implicit one); returns the
   * writeConcernError to put on the reply, or null. A standalone has nothing to wait for: null.
   */
  BsonDocument waitForWriteConcern(BsonDocument writeConcern);

  /**
   * hello's replication fields (mongod's awaitHelloResponse): on a member, after waiting as an
   * awaitable hello ({@code topologyVersion} with {@code maxAwaitTimeMS}) asks, the set's view with
   * {@code primaryField} (isWritablePrimary or ismaster) and the topologyVersion. A standalone
   * answers {@code primaryField: true} alone, without waiting.
   */
  BsonDocument hello(BsonDocument command, String primaryField);

  /**
   * Adds hello's topologyVersion to the reply of a state-change error, as mongod does, so that a
   * driver tells an error its known topology explains from a new state. A standalone adds nothing.
   */
  void appendTopologyVersion(BsonDocument errorReply);

  /**
   * Whether this node keeps an oplog ({@code local.oplog.rs}) and serves it to members that sync
   * from it. A standalone has none: a find there reads an ordinary, absent collection.
   */
  boolean hasOplog();

  /** The replication fail points; a standalone's are never switched on. */
  FailPoints failPoints();

  /**
   * The replication metadata on an oplog query reply ({@link SyncSourceService}); a standalone has
   * none: an empty document.
   */
  BsonDocument oplogQueryMetadata();

  /**
   * For an awaitData oplog cursor: waits up to {@code maxMillis} for an entry after {@code
   * lastSeenTs} or a new commit point. A standalone returns at once: no entry will come.
   */
  void awaitOplogAfter(long lastSeenTs, long maxMillis) throws InterruptedException;

  /** SIGTERM: a primary steps down and hands over first. A standalone has nothing to hand over. */
  void stepDownForShutdown(long catchUpMillis);

  /** Stops replication; a standalone has nothing to stop. */
  @Override
  void close();

  /**
   * The bookkeeping of retryable writes ({@code txnNumber}). A standalone refuses them as mongod
   * does: 20 IllegalOperation "Transaction numbers are only allowed on a replica set member or
   * mongos".
   */
  RetryableWrites retryableWrites();

  /**
   * A logical session ended or expired: a member forgets the session's retryable-write memory (its
   * durable record stays); a standalone kept none.
   */
  void sessionEnded(BsonDocument lsid);

  /**
   * What a reply's {@code operationTime} and {@code $clusterTime} say: the timestamp of this
   * member's last applied entry (at least that of anything this command wrote or read). A
   * standalone has no cluster time: null, and replies carry neither field.
   */
  BsonTimestamp operationTime();

  /**
   * Waits until this member has applied ({@code majority}: until the majority commit point has
   * reached) {@code clusterTime}, for a read concern's {@code afterClusterTime}; 50
   * MaxTimeMSExpired after {@code maxMillis}. A standalone refuses afterClusterTime.
   */
  void awaitClusterTime(BsonTimestamp clusterTime, boolean majority, long maxMillis)
      throws InterruptedException;

  /**
   * Runs {@code read} with readConcern "snapshot" (find, aggregate and distinct outside
   * transactions, as mongod 5.0+): at one point of the majority-committed data, the majority commit
   * point when {@code atClusterTime} is null, else exactly {@code atClusterTime} (waiting up to
   * {@code maxMillis}, 0 for a default, for the commit point to reach it); a cursor it opens reads
   * on at that point. Returns the time it read at, which the reply names, with the result. 72
   * InvalidOptions for an atClusterTime past this member's cluster time, 239 SnapshotTooOld for one
   * older than the snapshots kept (five minutes, as mongod's default history window), 246
   * SnapshotUnavailable for a time this member has no exact snapshot of. A standalone refuses it
   * with 123 NotAReplicaSet.
   */
  <T> java.util.Map.Entry<BsonTimestamp, T> readSnapshot(
      BsonTimestamp atClusterTime, long maxMillis, Supplier<T> read);

  /**
   * Before a read with readConcern "linearizable" runs (mongod's waitForReadConcern): only a
   * primary serves one, 10107 NotWritablePrimary "cannot satisfy linearizable read concern on
   * non-primary node" elsewhere. A standalone refuses it with 123 NotAReplicaSet.
   */
  void checkLinearizableRead();

  /**
   * After a read with readConcern "linearizable" produced its result, before the reply (mongod's
   * waitForLinearizableReadConcern): the primary writes a no-op entry ({@code {msg: "linearizable
   * read"}}) and waits until a majority holds it, which proves that no other member had been
   * elected when the read ran. Fails with 10107 if this member is no longer the writable primary
   * when it comes to write, with 11602 InterruptedDueToReplStateChange if it steps down while
   * waiting, and with 50 MaxTimeMSExpired after {@code maxMillis} (0: waits as long as it takes). A
   * standalone refuses it as {@link #checkLinearizableRead} does.
   */
  void awaitLinearizableRead(long maxMillis);

  /**
   * The replica-set commands (replSet*, configureFailPoint), as mongod's checkReplEnabledForCommand
   * gates them: a member's {@link ReplicaSetCommands}; a standalone throws 76 NoReplicationEnabled
   * "not running with --replSet".
   */
  ReplicaSetCommands replicaSetCommands();
}
