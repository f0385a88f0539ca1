package dev.starling.node.repl;

import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import java.time.Clock;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;

/**
 * What this member answers as a sync source, to the members fetching its oplog: the replication
 * metadata on each oplog query reply ({@code $replData}, {@code $oplogQueryData}: term, commit
 * point, our state and position), and the awaitData wait of a tailing getMore for a new entry or a
 * new commit point.
 */
final class SyncSourceService {
  /** The coordinator's side; called with the monitor held. */
  interface Replication {
    TopologyCoordinator topology();

    boolean closed();

    MemberState state();
  }

  private final Object monitor;
  private final Replication replication;
  private final FailPoints failPoints;
  private final Clock clock;

  /** Wakes awaitData oplog readers: a new entry, or a new commit point to pass on. */
  private final ProgressSignal oplogProgress = new ProgressSignal();

  SyncSourceService(Object monitor, Replication replication, FailPoints failPoints, Clock clock) {
    this.monitor = monitor;
    this.replication = replication;
    this.failPoints = failPoints;
    this.clock = clock;
  }

  /** An entry was written, or the commit point or state moved: tailing readers look again. */
  void oplogMoved() {
    oplogProgress.signal();
  }

  /**
   * The replication metadata an oplog query reply carries ({@code $replData} and {@code
   * $oplogQueryData}), as this node sees itself now. Called once the reply's batch has been read,
   * so a batch read after dropReplicationTraffic was switched on (it may hold entries written
   * since) is refused, never sent.
   */
  BsonDocument oplogQueryMetadata() {
    synchronized (monitor) {
      failPoints.refuseIncomingReplicationTraffic();
      TopologyCoordinator topology = replication.topology();
      ReplSetConfig config = topology.config();
      BsonDocument committed = ReplMessages.opTime(topology.commitPoint());
      BsonDocument repl =
          new BsonDocument("term", new BsonInt64(topology.term()))
              .append("lastOpCommitted", committed)
              .append("lastOpVisible", committed)
              .append("configVersion", new BsonInt32(config == null ? -2 : config.version()))
              .append("primaryIndex", new BsonInt32(topology.primaryId()))
              .append("syncSourceIndex", new BsonInt32(topology.syncSourceId()));
      BsonDocument query =
          new BsonDocument("lastOpCommitted", committed)
              .append("lastOpApplied", ReplMessages.opTime(topology.myLastApplied()))
              .append("rbid", new BsonInt32(1))
              .append("primaryIndex", new BsonInt32(topology.primaryId()))
              .append("syncSourceIndex", new BsonInt32(topology.syncSourceId()))
              .append("state", new BsonInt32(replication.state().code()));
      return new BsonDocument("$replData", repl).append("$oplogQueryData", query);
    }
  }

  /**
   * For an awaitData oplog cursor: waits up to {@code maxMillis} until an entry after {@code
   * lastSeenTs} (a timestamp's 64-bit value) exists, or the commit point moves (so secondaries
   * learn it promptly).
   */
  void awaitOplogAfter(long lastSeenTs, long maxMillis) throws InterruptedException {
    OpTime committed;
    synchronized (monitor) {
      TopologyCoordinator topology = replication.topology();
      committed = topology.commitPoint();
      ReplSetConfig config = topology.config();
      if (config != null) {
        // A peer's driver replaces the fetcher's maxTimeMS with its whole call timeout (CSOT), so
        // waiting that long would make the reply race the caller's deadline; an empty batch after
        // the await is what every tailing cursor expects.
        maxMillis = Math.min(maxMillis, BackgroundSync.oplogAwaitMillis(config));
      }
    }
    long deadline = clock.millis() + maxMillis;
    while (true) {
      long seen = oplogProgress.version();
      synchronized (monitor) {
        TopologyCoordinator topology = replication.topology();
        if (replication.closed()
            || topology.myLastApplied().ts().getValue() > lastSeenTs
            || !topology.commitPoint().equals(committed)) {
          return;
        }
      }
      long wait = deadline - clock.millis();
      if (wait <= 0) {
        return;
      }
      oplogProgress.await(seen, wait);
    }
  }
}
