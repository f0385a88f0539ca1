package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.repl.core.UpdateResult;
import dev.starling.node.storage.StorageEngine;
import java.time.Clock;
import java.util.List;

/**
 * Members' positions (mongod's {@code processReplSetUpdatePosition} and its {@code Reporter}): the
 * {@code replSetUpdatePosition} reports members send us, relayed to our own sync source when we are
 * not primary; our own position reported upstream ({@link PositionReporter}); and our durable
 * position, which the group commit ({@link JournalFlusher}) moves after each WAL sync.
 */
final class PositionCoordinator {
  /** The coordinator's side; called with the monitor held. */
  interface Replication {
    TopologyCoordinator topology();

    boolean closed();

    boolean writablePrimary();

    /** The host of member {@code memberId}, or null. */
    String hostOf(int memberId);

    /** Persists {@code persist} (if any), then carries out {@code action}. */
    void act(DurableState persist, Action action);

    void publish();

    /** Signals replication progress: write-concern and reconfig waits check again. */
    void progress();
  }

  private final Object monitor;
  private final Replication replication;
  private final PositionReporter reporter;
  private final JournalFlusher flusher;
  private final Clock clock;

  PositionCoordinator(
      Object monitor,
      Replication replication,
      PeerCaller peers,
      StorageEngine storage,
      Clock clock) {
    this.monitor = monitor;
    this.replication = replication;
    this.clock = clock;
    this.reporter = new PositionReporter(upstream, peers, clock);
    this.flusher = new JournalFlusher(durability, storage, clock);
  }

  void start() {
    reporter.start();
    flusher.start();
  }

  /** Wakes the flusher to end, and stops reporting. */
  void close() {
    flusher.wake();
    reporter.close();
  }

  /** An entry was written: the flusher makes it durable next. */
  void written() {
    flusher.wake();
  }

  /** Our position or a relayed one changed: report it upstream. */
  void changed() {
    reporter.changed();
  }

  /** Ends a report to any member but {@code sourceId} (-1: to none). Holds the monitor. */
  void reportOnlyTo(int sourceId) {
    reporter.keepOnly(sourceId);
  }

  /**
   * replSetUpdatePosition received from a member syncing from us: records each position (a
   * primary's commit point may advance and write-concern waiters wake); a non-primary relays them
   * to its own sync source.
   */
  void onUpdatePosition(List<ReplMessages.Position> positions, long senderTerm) {
    synchronized (monitor) {
      TopologyCoordinator topology = replication.topology();
      if (topology.config() == null) {
        throw new MongoServerException(
            ErrorCode.NOT_YET_INITIALIZED, "no replset config has been received");
      }
      long now = clock.millis();
      for (ReplMessages.Position p : positions) {
        if (p.memberId() == topology.selfId()) {
          continue;
        }
        UpdateResult result =
            topology.processPositionReport(now, p.memberId(), senderTerm, p.applied(), p.durable());
        replication.act(result.persist(), result.action());
        reporter.relay(p);
      }
      replication.publish();
      if (!replication.writablePrimary()) {
        reporter.changed(); // relayed to our own sync source
      }
      replication.progress();
      monitor.notifyAll();
    }
  }

  /** Where the position reporter sends this node's position: its sync source, if any. */
  private final PositionReporter.Upstream upstream =
      new PositionReporter.Upstream() {
        @Override
        public boolean closed() {
          return replication.closed();
        }

        @Override
        public PositionReporter.Report next(java.util.function.IntConsumer aim) {
          synchronized (monitor) {
            TopologyCoordinator topology = replication.topology();
            int source = topology.syncSourceId();
            String host = source < 0 ? null : replication.hostOf(source);
            if (replication.closed() || replication.writablePrimary() || host == null) {
              return null;
            }
            aim.accept(source);
            int version = topology.config() == null ? -2 : topology.config().version();
            return new PositionReporter.Report(
                host,
                topology.term(),
                new ReplMessages.Position(
                    topology.selfId(),
                    version,
                    topology.myLastApplied(),
                    topology.myLastDurable()));
          }
        }
      };

  /** What the journal flusher syncs, and what it tells when the sync is done. */
  private final JournalFlusher.Positions durability =
      new JournalFlusher.Positions() {
        @Override
        public boolean closed() {
          return replication.closed();
        }

        @Override
        public OpTime notYetDurable() {
          synchronized (monitor) {
            TopologyCoordinator topology = replication.topology();
            boolean behind =
                topology != null && topology.myLastApplied().isAfter(topology.myLastDurable());
            return behind ? topology.myLastApplied() : null;
          }
        }

        @Override
        public void durableThrough(OpTime target) {
          synchronized (monitor) {
            TopologyCoordinator topology = replication.topology();
            OpTime applied = topology.myLastApplied();
            // A rollback may have moved applied back meanwhile: never claim more than is applied.
            OpTime durable = OpTime.min(target, applied);
            if (durable.isAfter(topology.myLastDurable())) {
              topology.setMyLastOpTimes(applied, durable);
              replication.publish();
              reporter.changed();
              replication.progress();
              monitor.notifyAll();
            }
          }
        }
      };
}
