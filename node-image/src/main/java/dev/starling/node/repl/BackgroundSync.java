package dev.starling.node.repl;

import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.SyncSourceMetadata;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.repl.core.UpdateResult;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * A member's data path, as mongod's {@code BackgroundSync} and its helpers: choosing the sync
 * source and fetching from it ({@link OplogFetcher}), applying each batch (held back by {@code
 * secondaryDelaySecs}), initial sync, rollback, and going too stale; and the data states those
 * leave the member in (STARTUP2, ROLLBACK, RECOVERING until {@code minValid}). Everything here runs
 * under the coordinator's monitor ({@code monitor}) except the fetch, apply, copy and rollback work
 * itself.
 */
final class BackgroundSync {
  /** The coordinator's side; called with the monitor held. */
  interface Replication {
    TopologyCoordinator topology();

    boolean closed();

    boolean writablePrimary();

    MemberState state();

    /** The host of member {@code memberId}, or null. */
    String hostOf(int memberId);

    /** Persists {@code persist} (if any), then carries out {@code action}. */
    void act(DurableState persist, Action action);

    void publish();

    /** Refreshes the view of every member now (a heartbeat to each). */
    void heartbeatAllNow();

    /**
     * The last entry of an applied batch is ours: our position moves to it, and one majority-read
     * snapshot is taken for the batch (nothing else writes on a secondary; a commit point inside
     * the batch reads the previous batch's snapshot, older but committed).
     */
    void batchWritten(OplogWriter.OplogEntryWritten last);

    /** The data went back to a rollback's common point: later majority-read snapshots go. */
    void rolledBack();
  }

  /** Set while this thread applies a batch: the coordinator hears of the batch once, after it. */
  private static final ThreadLocal<Boolean> APPLYING_BATCH = ThreadLocal.withInitial(() -> false);

  private final Object monitor;
  private final String setName;
  private final Replication replication;
  private final FailPoints failPoints;
  private final PeerClients peers;
  private final StorageEngine storage;
  private final OplogWriter oplog;
  private final ReplicationLocalStore local;
  private final OplogFetcher.Applier applier;
  private final Path dbPath;
  private final Clock clock;

  private OplogFetcher fetcher;

  /** A data state the member is in, over what the core says (STARTUP2, ROLLBACK, RECOVERING). */
  private MemberState followerOverride; // guarded by monitor

  private OpTime minValid = OpTime.NULL; // guarded by monitor
  private boolean initialSyncDone; // guarded by monitor
  private volatile String infoMessage = "";

  /** A fetched batch is being applied; a primary that finished catching up waits for it. */
  private boolean applyingBatch; // guarded by monitor

  /** The last entry of the batch being applied that committed; only the applying thread uses it. */
  private OplogWriter.OplogEntryWritten lastOfBatch;

  BackgroundSync(
      Object monitor,
      String setName,
      Replication replication,
      FailPoints failPoints,
      PeerClients peers,
      StorageEngine storage,
      OplogWriter oplog,
      ReplicationLocalStore local,
      OplogFetcher.Applier applier,
      Path dbPath,
      Clock clock) {
    this.monitor = monitor;
    this.setName = setName;
    this.replication = replication;
    this.failPoints = failPoints;
    this.peers = peers;
    this.storage = storage;
    this.oplog = oplog;
    this.local = local;
    this.applier = applier;
    this.dbPath = dbPath;
    this.clock = clock;
  }

  private TopologyCoordinator topology() {
    return replication.topology();
  }

  void start() {
    fetcher = new OplogFetcher(fetchTarget, peers);
    fetcher.start();
  }

  void stop() {
    if (fetcher != null) {
      fetcher.stop();
    }
  }

  /**
   * An initial sync must run (again): the member is STARTUP2 until it is done. Holds the monitor.
   */
  void needInitialSync() {
    followerOverride = MemberState.STARTUP2;
    topology().setFollowerState(clock.millis(), MemberState.STARTUP2);
  }

  /**
   * The data is not consistent before {@code minValid}: RECOVERING until then. Holds the monitor.
   */
  void recoveringUntil(OpTime minValid) {
    this.minValid = minValid;
    followerOverride = MemberState.RECOVERING;
    topology().setFollowerState(clock.millis(), MemberState.RECOVERING);
  }

  /** After a new config is installed in the core: the data state still holds. Holds the monitor. */
  void reapplyFollowerState() {
    if (followerOverride != null) {
      topology().setFollowerState(clock.millis(), followerOverride);
    }
  }

  /** Whether a fetched batch is being applied. Holds the monitor. */
  boolean applyingBatch() {
    return applyingBatch;
  }

  /**
   * Takes {@code entry} if this thread is applying a batch (the coordinator then hears of the batch
   * once, when it is applied, rather than taking its busy monitor for every entry).
   */
  boolean absorb(OplogWriter.OplogEntryWritten entry) {
    if (APPLYING_BATCH.get()) {
      lastOfBatch = entry;
      return true;
    }
    return false;
  }

  /**
   * Ends a fetch the topology no longer wants (its source died, was replaced or fell behind, or we
   * lead now) at once rather than when the call returns or times out. Holds the monitor.
   */
  void abandonUnwantedFetch() {
    if (fetcher != null) {
      int source = fetcher.activeSource();
      if (source >= 0 && !topologyWantsFetchFrom(source)) {
        fetcher.abandon(source);
      }
    }
  }

  /** Whether the fetcher may go on fetching from {@code sourceId}. Holds the monitor. */
  private boolean mayFetchFrom(int sourceId) {
    return !failPoints.fires(FailPoints.STOP_REPL_PRODUCER) && topologyWantsFetchFrom(sourceId);
  }

  /** Whether the topology still wants a fetch from {@code sourceId}. Holds the monitor. */
  private boolean topologyWantsFetchFrom(int sourceId) {
    return !replication.closed()
        && !replication.writablePrimary()
        && (topology().role() != TopologyCoordinator.Role.LEADER || topology().isCatchingUp())
        && !topology().shouldChangeSyncSource(clock.millis(), sourceId);
  }

  /** What the fetcher asks and tells; package-private for tests. */
  final OplogFetcher.Coordinator fetchTarget =
      new OplogFetcher.Coordinator() {
        @Override
        public OplogFetcher.FetchPlan nextFetch() throws InterruptedException {
          synchronized (monitor) {
            long now = clock.millis();
            ReplSetConfig config = topology().config();
            if (replication.closed()
                || failPoints.fires(FailPoints.STOP_REPL_PRODUCER)
                || config == null
                || topology().selfId() < 0
                || replication.writablePrimary()
                || (topology().role() == TopologyCoordinator.Role.LEADER
                    && !topology().isCatchingUp())
                || replication.state() == MemberState.ARBITER) {
              monitor.wait(500);
              return null;
            }
            int source = topology().syncSourceId();
            if (topology().shouldChangeSyncSource(now, source)) {
              int previous = source;
              source = topology().chooseNewSyncSource(now);
              if (source != previous) {
                Log.info(
                    "replica set %s: sync source %s -> %s",
                    setName,
                    previous < 0 ? "none" : replication.hostOf(previous),
                    source < 0 ? "none" : replication.hostOf(source));
              }
            }
            if (source < 0) {
              monitor.wait(200);
              return null;
            }
            long await = oplogAwaitMillis(config);
            boolean initialSync =
                followerOverride == MemberState.STARTUP2
                    && topology().myLastApplied().isNull()
                    && !initialSyncDone;
            long giveUp = Math.max(1000, Math.min(5000, config.electionTimeoutMillis() / 2));
            return new OplogFetcher.FetchPlan(
                source,
                replication.hostOf(source),
                topology().myLastApplied(),
                await,
                giveUp,
                initialSync);
          }
        }

        @Override
        public boolean keepFetching(int sourceId) {
          synchronized (monitor) {
            return mayFetchFrom(sourceId);
          }
        }

        @Override
        public void apply(int sourceId, List<BsonDocument> entries) {
          applyDurably(sourceId, entries);
        }

        @Override
        public void batchApplied(int sourceId, BsonDocument metadata) {
          synchronized (monitor) {
            SyncSourceMetadata md = syncSourceMetadata(metadata);
            if (md != null) {
              UpdateResult result =
                  topology().processSyncSourceMetadata(clock.millis(), sourceId, md);
              replication.act(result.persist(), result.action());
            }
            if ((followerOverride == MemberState.STARTUP2
                    || followerOverride == MemberState.RECOVERING)
                && !topology().myLastApplied().isBefore(minValid)) {
              Log.info(
                  "replica set %s: reached %s (minValid %s); now SECONDARY",
                  setName, topology().myLastApplied(), minValid);
              followerOverride = null;
              infoMessage = "";
              local.storeMinValid(MinValid.NONE);
              topology().setFollowerState(clock.millis(), MemberState.SECONDARY);
            }
            replication.publish();
            // No position report here: the journal flusher syncs the batch next and reports then,
            // once for applied and durable (a majority counts durable positions only); a report
            // per applied batch as well would double the reports the primary handles.
            monitor.notifyAll();
          }
        }

        @Override
        public void fetchFailed(int sourceId, String why) {
          Log.info("replica set %s: oplog fetch from member %d failed: %s", setName, sourceId, why);
          synchronized (monitor) {
            topology().denylistSyncSource(sourceId, clock.millis() + 200);
            // Our source broke: it may be gone, and another member may be primary already. Refresh
            // the view of every member, not only the source, to choose the next source from it.
            replication.heartbeatAllNow();
            try {
              monitor.wait(100);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }

        @Override
        public void diverged(int sourceId, String host, OpTime lastApplied) {
          synchronized (monitor) {
            if (topology().role() == TopologyCoordinator.Role.LEADER) {
              // A primary never rolls back: it keeps what it has and stops catching up.
              Log.info(
                  "replica set %s: catch-up source %s diverged from our oplog; catch-up ends",
                  setName, host);
              topology().abortCatchUp();
              topology().denylistSyncSource(sourceId, clock.millis() + 1000);
              replication.publish();
              return;
            }
          }
          rollBack(sourceId, host, lastApplied);
        }

        @Override
        public void tooStale(
            int sourceId, String host, OpTime lastApplied, BsonDocument sourceOldest) {
          goStale(sourceId, host, lastApplied, sourceOldest);
        }

        @Override
        public void initialSync(int sourceId, String host) {
          runInitialSync(sourceId, host);
        }
      };

  /**
   * Our last entry is gone from {@code host}'s oplog: denylist it for a minute and try another
   * source; if none is left, go RECOVERING (never applying anything, so no data is touched) with an
   * infoMessage that says how to resync. A source that has our entry again brings us back.
   */
  private void goStale(int sourceId, String host, OpTime lastApplied, BsonDocument sourceOldest) {
    Log.info(
        "replica set %s: %s", setName, TooStale.sourceMessage(host, lastApplied, sourceOldest));
    synchronized (monitor) {
      long now = clock.millis();
      topology().denylistSyncSource(sourceId, now + TooStale.DENYLIST_MILLIS);
      if (topology().chooseNewSyncSource(now) >= 0) {
        return;
      }
      String message = TooStale.recoveringMessage(host, lastApplied, sourceOldest);
      if (!message.equals(infoMessage)) {
        Log.warn("replica set %s: %s", setName, message);
      }
      infoMessage = message;
      followerOverride = MemberState.RECOVERING;
      topology().setFollowerState(now, MemberState.RECOVERING);
      replication.publish();
    }
  }

  /**
   * replSetSyncFrom: the fetcher moves to {@code host} at once (the next source choice takes it),
   * and returns to the usual choice afterwards. Returns mongod's reply fields.
   */
  BsonDocument syncFrom(String host) {
    BsonDocument reply = new BsonDocument("syncFromRequested", new BsonString(host));
    synchronized (monitor) {
      TopologyCoordinator.SyncFromResult result =
          topology().requestSyncSource(clock.millis(), host);
      if (result.targetBehind()) {
        reply.append(
            "warning",
            new BsonString(
                "requested member \""
                    + replication.hostOf(result.targetId())
                    + "\" is more than 10 seconds behind us"));
      }
      if (result.previousSourceId() >= 0) {
        reply.append(
            "prevSyncTarget", new BsonString(replication.hostOf(result.previousSourceId())));
      }
      Log.info("replica set %s: replSetSyncFrom %s", setName, host);
      monitor.notifyAll();
    }
    return reply;
  }

  /** This member's infoMessage in replSetGetStatus ("" when there is nothing to say). */
  String infoMessage() {
    return infoMessage;
  }

  /**
   * Applies a fetched batch, then syncs the WAL (by a synced write of the last entry's position) so
   * the position this node reports as durable is on disk.
   */
  private void applyDurably(int sourceId, List<BsonDocument> batch) {
    int from = 0;
    while (from < batch.size()) {
      long delay = secondaryDelayMillis();
      int due = SecondaryDelay.dueEnd(batch, from, delay, clock.millis());
      if (due == from) {
        awaitDue(SecondaryDelay.dueAt(batch.get(from), delay));
        continue;
      }
      applyNow(sourceId, batch.subList(from, due));
      from = due;
    }
  }

  /** This member's secondaryDelaySecs in millis while it is a SECONDARY (not while catching up). */
  private long secondaryDelayMillis() {
    synchronized (monitor) {
      TopologyCoordinator topology = topology();
      ReplSetConfig config = topology.config();
      if (config == null
          || topology.selfId() < 0
          || followerOverride != null
          || topology.memberState() != MemberState.SECONDARY) {
        return 0;
      }
      return config.findMemberById(topology.selfId()).orElseThrow().secondaryDelaySecs() * 1000;
    }
  }

  /**
   * Waits (on the monitor, so a config change or shutdown is seen) until {@code dueAtMillis} or at
   * most a second; the caller recomputes what is due. Throws when the node closes, so the fetcher
   * drops its cursor rather than skipping entries it did not apply.
   */
  private void awaitDue(long dueAtMillis) {
    synchronized (monitor) {
      long wait = Math.min(1000, dueAtMillis - clock.millis());
      if (replication.closed()) {
        throw new IllegalStateException("replication is shutting down");
      }
      if (wait > 0) {
        try {
          monitor.wait(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for secondaryDelaySecs", e);
        }
      }
    }
  }

  /** Applies entries fetched from {@code sourceId} that are due, then syncs the WAL. */
  private void applyNow(int sourceId, List<BsonDocument> batch) {
    synchronized (monitor) {
      if (replication.writablePrimary() || replication.closed()) {
        return; // fetched just as this node became a writable primary: not ours to apply now
      }
      applyingBatch = true;
    }
    APPLYING_BATCH.set(true);
    try {
      applier.apply(batch);
    } finally {
      APPLYING_BATCH.set(false);
      OplogWriter.OplogEntryWritten last = lastOfBatch;
      lastOfBatch = null;
      synchronized (monitor) {
        applyingBatch = false;
        if (last != null) {
          // What committed of the batch, all of it or up to an entry that failed.
          replication.batchWritten(last);
          topology().recordFetchedFrom(sourceId, last.opTime());
        }
        replication.publish();
      }
    }
  }

  /** Initial sync from {@code host}; STARTUP2 until the oplog is applied up to minValid. */
  private void runInitialSync(int sourceId, String host) {
    Log.info("replica set %s: initial sync from %s", setName, host);
    local.storeMinValid(new MinValid(OpTime.NULL, true));
    BsonDocument begin = new InitialSync(peers, storage, oplog).run(host);
    BsonDocument end = InitialSync.newestEntry(peers, host);
    synchronized (monitor) {
      if (end != null) {
        minValid = new OpTime(end.getTimestamp("ts"), end.getNumber("t").longValue());
        local.storeMinValid(new MinValid(minValid, true));
      }
      if (begin == null) {
        // The source's oplog was empty: fetch from its start.
        followerOverride = MemberState.STARTUP2;
      }
      initialSyncDone = true;
      monitor.notifyAll();
    }
  }

  /**
   * Our oplog diverged from the source's: roll back by refetch ({@link Rollback}), then stay
   * RECOVERING until the source's entries are applied up to its last entry when rollback began.
   */
  private void rollBack(int sourceId, String host, OpTime lastApplied) {
    OpTime committed;
    synchronized (monitor) {
      committed = topology().commitPoint();
      followerOverride = MemberState.ROLLBACK;
      topology().setFollowerState(clock.millis(), MemberState.ROLLBACK);
      replication.publish();
    }
    Log.info("replica set %s: rolling back against %s from %s", setName, host, lastApplied);
    try {
      // Through the fetcher's slot: if the source stops answering, or the set moves on to a new
      // primary while we roll back, the rollback's calls are cut short instead of timing out.
      Rollback.Result result =
          new Rollback(peers.cancellableBy(fetcher.callSlot()), storage, oplog, dbPath)
              .run(host, lastApplied, committed);
      local.storeMinValid(new MinValid(result.minValid(), false));
      local.storeAppliedThrough(result.commonPoint());
      synchronized (monitor) {
        replication.rolledBack();
        topology().setMyLastOpTimes(result.commonPoint(), result.commonPoint());
        minValid = result.minValid();
        followerOverride = MemberState.RECOVERING;
        topology().setFollowerState(clock.millis(), MemberState.RECOVERING);
        replication.publish();
        monitor.notifyAll();
      }
    } catch (RuntimeException e) {
      // A source that went away (or that we left) is worth trying again soon: it may be the next
      // primary. One that refused the rollback itself is not, for a while.
      boolean unreachable =
          e instanceof PeerCallSlot.CancelledException || e instanceof com.mongodb.MongoException;
      if (e instanceof PeerCallSlot.CancelledException) {
        Log.info(
            "replica set %s: rollback against %s abandoned: the source was dropped", setName, host);
      } else {
        Log.error(e, "replica set %s: rollback against %s failed", setName, host);
      }
      synchronized (monitor) {
        followerOverride = MemberState.RECOVERING;
        topology().setFollowerState(clock.millis(), MemberState.RECOVERING);
        topology().denylistSyncSource(sourceId, clock.millis() + (unreachable ? 1_000 : 10_000));
        replication.publish();
      }
    }
  }

  private static SyncSourceMetadata syncSourceMetadata(BsonDocument metadata) {
    if (!(metadata.get("$replData") instanceof BsonDocument repl)
        || !(metadata.get("$oplogQueryData") instanceof BsonDocument query)) {
      return null;
    }
    int stateCode = ReplMessages.intOf(query, "state", MemberState.UNKNOWN.code());
    return new SyncSourceMetadata(
        ReplMessages.longOf(repl, "term", -1),
        ReplMessages.opTime(query.get("lastOpCommitted")),
        ReplMessages.opTime(query.get("lastOpApplied")),
        ReplMessages.intOf(query, "primaryIndex", -1),
        MemberState.fromCode(stateCode));
  }

  /**
   * How long an oplog getMore waits for new entries before it returns an empty batch: a quarter of
   * the election timeout, between 50 ms and 1 s, well inside the fetcher's call timeout.
   */
  static long oplogAwaitMillis(ReplSetConfig config) {
    return Math.max(50, Math.min(1000, config.electionTimeoutMillis() / 4));
  }
}
