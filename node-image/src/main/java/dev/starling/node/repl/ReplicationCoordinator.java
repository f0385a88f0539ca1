package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.storage.Durability;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;

/**
 * The I/O around the pure {@link TopologyCoordinator}: holds the core and the monitor every
 * replication decision is taken under, installs what the member recovered from its storage at
 * startup ({@link ReplicationRecovery}) and each config it takes on, drives the core's timers from
 * a scheduled thread and carries out its actions ({@link #handle}), publishes each change to the
 * waiters, and answers what the node asks of a member ({@link Replication}: the primary gate,
 * majority reads, write concerns, hello, the oplog a member serves, status and shutdown). The
 * replica-set commands go to {@link ReplicaSetCommands}.
 *
 * <p>The work around the core is done by pieces named as in mongod, each seeing this class through
 * a narrow view ({@link Pieces}, with what is read off the core alone in {@link CoreView}): {@link
 * HeartbeatCoordinator} (with configs learned from peers), {@link ElectionDriver} with {@link
 * VoteRequester}, {@link BackgroundSync} (sync source, fetch, apply, initial sync, rollback),
 * {@link PositionCoordinator}, {@link SyncSourceService}, {@link WriteConcernWaiter}, {@link
 * StepDownCoordinator} and {@link ReconfigCoordinator}; {@link SelfHosts} tells which host of a
 * config is this node. Node-to-node calls go through {@link PeerClients} (the MongoDB Java driver);
 * network calls never hold the monitor.
 *
 * <p>Lock order: the oplog lock (held while an entry commits and its listener runs) may be taken
 * before this object's monitor, never after it; so nothing here writes the oplog while holding the
 * monitor.
 */
public final class ReplicationCoordinator implements Replication {
  private static final long TICK_MILLIS = 100;
  private static final long IDLE_NOOP_MILLIS = 10_000;

  private final String setName;
  private final SelfHosts selfHosts;
  private final StorageEngine storage;
  private final ReplicationLocalStore local;
  private final OplogWriter oplog;
  private final Clock clock;
  private final Random random = new Random();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("repl-timer").factory());

  private TopologyCoordinator topology;
  private volatile long term;
  private volatile MemberState state = MemberState.STARTUP;
  private volatile boolean writablePrimary;

  /** The last applied entry's timestamp, as publish() last saw it: every reply's operationTime. */
  private volatile BsonTimestamp lastAppliedTs;

  private long lastWriteWallMillis;
  private volatile boolean closed;
  private long stateGeneration;
  private final FailPoints failPoints = new FailPoints();
  private final PeerClients peers =
      new PeerClients(() -> failPoints.fires(FailPoints.DROP_REPLICATION_TRAFFIC));
  private final Pieces pieces;
  private final HeartbeatCoordinator heartbeats;
  private final ElectionDriver elections;
  private final StepDownCoordinator stepDowns;
  private final ReconfigCoordinator reconfigs;
  private final BackgroundSync sync;
  private final PositionCoordinator positions;
  private final ReplicaSetCommands replicaSetCommands;
  private final RetryableWrites retryableWrites;

  /** Wakes write-concern waiters: the commit point, a member's position or the state changed. */
  private final ProgressSignal replicationProgress = new ProgressSignal();

  /** Write-concern waits. */
  private final WriteConcernWaiter writeConcernWaiter;

  /** Wakes awaitData oplog readers: a new entry, or a new commit point to pass on. */
  private final SyncSourceService syncSource;

  private OpTime signalledCommitPoint = OpTime.NULL;
  private MemberState signalledState = MemberState.STARTUP;
  private final MajorityReadView majorityView;

  /** hello's topologyVersion, which awaitable hello waits on. */
  private final TopologyVersion topologyVersion = new TopologyVersion();

  /**
   * @param selfHosts the names this node answers to, the preferred one (as replSetInitiate without
   *     a config names it) first
   * @param selfByAddress whether another {@code host:port} names this node too (its port, and a
   *     name that resolves to one of this machine's addresses, as mongod's isSelf decides)
   */
  public ReplicationCoordinator(
      String setName,
      List<String> selfHosts,
      java.util.function.Predicate<String> selfByAddress,
      StorageEngine storage,
      OplogWriter oplog,
      OplogFetcher.Applier applier,
      java.nio.file.Path dbPath,
      Clock clock) {
    this.setName = setName;
    this.selfHosts = new SelfHosts(selfHosts, selfByAddress);
    this.storage = storage;
    this.local = new ReplicationLocalStore(storage);
    this.majorityView = new MajorityReadView(storage);
    this.oplog = oplog;
    this.clock = clock;
    this.pieces = new Pieces(clock);
    this.positions = new PositionCoordinator(this, pieces, peers, storage, clock);
    this.heartbeats = new HeartbeatCoordinator(this, setName, pieces, peers, clock);
    this.syncSource = new SyncSourceService(this, pieces, failPoints, clock);
    this.elections =
        new ElectionDriver(
            this, setName, pieces, new VoteRequester(peers), local, oplog, storage, clock);
    this.stepDowns = new StepDownCoordinator(this, setName, pieces, peers, clock);
    this.sync =
        new BackgroundSync(
            this,
            setName,
            pieces,
            failPoints,
            peers,
            storage,
            oplog,
            local,
            applier,
            dbPath,
            clock);
    this.reconfigs =
        new ReconfigCoordinator(
            this, setName, this.selfHosts.preferred(), pieces, replicationProgress, random, clock);
    this.writeConcernWaiter = new WriteConcernWaiter(this, pieces, replicationProgress, clock);
    this.replicaSetCommands =
        new ReplicaSetCommands(
            this, failPoints, heartbeats, elections, positions, stepDowns, reconfigs, sync);
    this.retryableWrites = new RetryableWrites(storage, () -> term);
    oplog.sessionRecords(retryableWrites);
    oplog.termSource(() -> term);
    oplog.acceptWritesWhile(() -> writablePrimary);
    oplog.onCommitted(this::written);
  }

  /** Restores durable state and the oplog position, installs a stored config, starts the timer. */
  public void start() {
    ReplicationRecovery.Recovered r = ReplicationRecovery.recover(setName, storage, oplog, local);
    OpTime last = r.lastApplied();
    synchronized (this) {
      lastWriteWallMillis = r.lastWallMillis();
      if (r.config() != null) {
        install(r.config(), r.durable(), last);
        Log.info(
            "replica set %s: restored config version %d, term %d, last applied %s",
            setName, r.config().version(), r.durable().term(), last);
        if (r.minValid().initialSync()) {
          sync.needInitialSync();
          publish();
        } else if (r.minValid().pending(last)) {
          // Restarted after a rollback before the data was consistent again.
          Log.info(
              "replica set %s: RECOVERING until minValid %s is applied (last applied %s)",
              setName, r.minValid().opTime(), last);
          sync.recoveringUntil(r.minValid().opTime());
          publish();
        }
      } else {
        topology = new TopologyCoordinator(selfHosts.preferred(), random);
        topology.restore(r.durable(), last, last);
        term = r.durable().term();
        Log.info(
            "replica set %s: no config yet; waiting for replSetInitiate (the oplog is not capped"
                + " yet)",
            setName);
      }
    }
    timer.scheduleWithFixedDelay(this::tickSafely, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    sync.start();
    positions.start();
  }

  private void persist(DurableState durable) {
    if (durable == null) {
      return;
    }
    local.storeDurableState(durable);
  }

  private void install(ReplSetConfig config, DurableState durable, OpTime last) {
    String self = selfHosts.in(config);
    topology = new TopologyCoordinator(self != null ? self : selfHosts.preferred(), random);
    topology.restore(durable, last, last);
    topology.installConfig(clock.millis(), config);
    heartbeats.restart();
    publish();
  }

  /**
   * Ends a fetch the topology no longer wants (its source died, was replaced or fell behind, or we
   * lead now), and a position report to a member that is no longer our source, at once rather than
   * when the call returns or times out. Holds the monitor.
   */
  private void abandonUnwantedCalls() {
    sync.abandonUnwantedFetch();
    positions.reportOnlyTo(writablePrimary ? -1 : topology.syncSourceId());
  }

  private void publish() {
    advanceMajorityView();
    term = topology.term();
    lastAppliedTs = topology.myLastApplied().ts();
    state = topology.config() == null ? MemberState.STARTUP : topology.memberState();
    boolean writable = topology.isWritablePrimary() && !sync.applyingBatch();
    if (writable && !writablePrimary) {
      elections.becameWritable();
    }
    writablePrimary = writable;
    ReplSetConfig config = topology.config();
    topologyVersion.observe(
        new TopologyVersion.View(
            state.name(),
            writable,
            topology.primaryId(),
            config == null ? -2 : config.version(),
            config == null ? -1 : config.term(),
            topology.term()));
    abandonUnwantedCalls();
    OpTime committed = topology.commitPoint();
    if (!committed.equals(signalledCommitPoint) || state != signalledState) {
      if (state != signalledState) {
        writeConcernWaiter.wakeAll();
      } else {
        writeConcernWaiter.commitPointMoved(committed);
      }
      signalledCommitPoint = committed;
      signalledState = state;
      replicationProgress.signal();
      syncSource.oplogMoved();
    }
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      Log.error(e, "replication timer failed");
    }
  }

  /** Runs the core's timers once and acts on what they decide; on an idle primary, a no-op. */
  void tick() {
    boolean idleNoop = false;
    synchronized (this) {
      if (closed || topology == null || topology.config() == null) {
        return;
      }
      long now = clock.millis();
      handle(topology.tick(now));
      publish();
      if (writablePrimary && now - lastWriteWallMillis >= IDLE_NOOP_MILLIS) {
        lastWriteWallMillis = now;
        idleNoop = true;
      }
    }
    if (idleNoop) {
      oplog.appendNoop(storage, new BsonDocument("msg", new BsonString("periodic noop")));
    }
  }

  /** Carries out what the core decided. Called holding the monitor; sends happen elsewhere. */
  private void handle(Action action) {
    if (action instanceof Action.StartElection start) {
      Log.info("replica set %s: standing for election (%s)", setName, start.reason());
      elections.handleStep(start.step());
    } else if (action instanceof Action.StepDownSelf down) {
      Log.info("replica set %s: stepped down: %s", setName, down.reason());
      steppedDown();
    } else if (action instanceof Action.ClearNewlyAdded clear) {
      reconfigs.clearNewlyAdded(clear.memberId());
    }
  }

  /** This node stopped being primary: wake write-concern waiters, which then fail with 11602. */
  private void steppedDown() {
    stateGeneration++;
    writeConcernWaiter.wakeAll();
    publish();
    replicationProgress.signal();
    notifyAll();
  }

  private void written(OplogWriter.OplogEntryWritten entry) {
    if (sync.absorb(entry)) {
      return; // an entry of a fetched batch: the coordinator hears of the batch once applied
    }
    writeConcernWaiter.wrote(entry.opTime());
    synchronized (this) {
      // Runs under the oplog lock right after the entry committed: the snapshot is the data
      // exactly as of this entry, which majority reads use once the commit point reaches it.
      majorityView.take(entry.opTime());
      recordWritten(entry);
      publish();
    }
  }

  /** Our oplog holds {@code entry} now. Holds the monitor; the caller publishes. */
  private void recordWritten(OplogWriter.OplogEntryWritten entry) {
    lastWriteWallMillis = entry.wallMillis();
    if (topology != null) {
      // Durable only once the journal flusher has synced the WAL past it.
      topology.setMyLastOpTimes(entry.opTime(), topology.myLastDurable());
    }
    syncSource.oplogMoved();
    // Wakes the journal flusher only: write-concern waiters are woken by publish(), and waking
    // every thread that waits on this monitor for each write costs more than the write.
    positions.written();
  }

  /** Moves the majority read view to the commit point. Holds the monitor. */
  private void advanceMajorityView() {
    if (topology != null) {
      majorityView.advance(topology.commitPoint(), topology.myLastApplied());
    }
  }

  /**
   * The coordinator as its pieces see it: each piece's {@code Replication} interface is a narrow
   * view of what it reads and does, all called with the monitor held (unless a piece's interface
   * says otherwise). What is read off the core alone comes from {@link CoreView}.
   */
  private final class Pieces extends CoreView
      implements HeartbeatCoordinator.Replication,
          BackgroundSync.Replication,
          WriteConcernWaiter.Replication,
          StepDownCoordinator.Replication,
          ReconfigCoordinator.Replication,
          ElectionDriver.Replication,
          PositionCoordinator.Replication,
          SyncSourceService.Replication {
    Pieces(Clock clock) {
      super(clock);
    }

    @Override
    public TopologyCoordinator topology() {
      return topology;
    }

    @Override
    public boolean closed() {
      return closed;
    }

    @Override
    public void act(DurableState persist, Action action) {
      persist(persist);
      handle(action);
    }

    @Override
    public void publish() {
      ReplicationCoordinator.this.publish();
    }

    @Override
    public void progress() {
      replicationProgress.signal();
    }

    @Override
    public String selfHost() {
      return selfHosts.current(topology);
    }

    @Override
    public void needInitialSync() {
      sync.needInitialSync();
    }

    @Override
    public boolean writablePrimary() {
      return writablePrimary;
    }

    @Override
    public MemberState state() {
      return state;
    }

    @Override
    public void wroteNow() {
      lastWriteWallMillis = clock.millis();
    }

    @Override
    public void heartbeatAllNow() {
      heartbeats.allNow();
    }

    @Override
    public void batchWritten(OplogWriter.OplogEntryWritten last) {
      recordWritten(last);
      majorityView.take(last.opTime());
    }

    @Override
    public void rolledBack() {
      majorityView.dropPending();
    }

    @Override
    public long stateGeneration() {
      return stateGeneration;
    }

    @Override
    public long term() {
      return term;
    }

    @Override
    public void steppedDown() {
      ReplicationCoordinator.this.steppedDown();
    }

    @Override
    public void handle(Action action) {
      ReplicationCoordinator.this.handle(action);
    }

    @Override
    public boolean isSelf(String host) {
      return selfHosts.isSelf(host);
    }

    @Override
    public void installFirst(ReplSetConfig config) {
      local.storeConfig(config);
      install(config, topology.durableState(), topology.myLastApplied());
    }

    @Override
    public void installNext(ReplSetConfig config) {
      local.storeConfig(config);
      handle(installAndRestart(config));
      publish();
    }

    @Override
    public boolean hasClusterWideWriteConcern() {
      return DefaultRWConcern.clusterWideWriteConcern(storage) != null;
    }
  }

  /** Installs a config into the running core, keeps a data-state override, restarts heartbeats. */
  private Action installAndRestart(ReplSetConfig config) {
    Action action = topology.installConfig(clock.millis(), config, selfHosts.in(config));
    sync.reapplyFollowerState();
    heartbeats.restart();
    return action;
  }

  // ---------------------------------------------------------------- what the node asks
  // (Replication)

  @Override
  public boolean isWritablePrimary() {
    return writablePrimary;
  }

  @Override
  public boolean isReadable() {
    return state.readable();
  }

  @Override
  public boolean ready() {
    return state.readable() || state == MemberState.ARBITER;
  }

  @Override
  public <T> T readMajority(java.util.function.Supplier<T> read) {
    return majorityView.read(read, 2_000);
  }

  @Override
  public <T> java.util.Map.Entry<BsonTimestamp, T> readSnapshot(
      BsonTimestamp atClusterTime, long maxMillis, java.util.function.Supplier<T> read) {
    if (atClusterTime != null && atClusterTime.compareTo(operationTime()) > 0) {
      throw new MongoServerException(
          ErrorCode.INVALID_OPTIONS,
          "readConcern atClusterTime value must not be greater than the current clusterTime."
              + " Requested clusterTime: "
              + atClusterTime
              + "; current clusterTime: "
              + operationTime());
    }
    return majorityView.readAt(
        atClusterTime, maxMillis > 0 ? maxMillis : 2_000, read, this::oplogEntryAfter);
  }

  /** The timestamp of this member's first oplog entry after {@code ts}, or null. */
  private BsonTimestamp oplogEntryAfter(BsonTimestamp ts) {
    var after =
        storage.scanColumnFrom(
            dev.starling.node.storage.Column.OPLOG,
            OplogWriter.key(new BsonTimestamp(ts.getValue() + 1)),
            false);
    return after.hasNext()
        ? dev.starling.node.bson.BsonCodec.decode(after.next()[1]).getTimestamp("ts")
        : null;
  }

  @Override
  public dev.starling.node.storage.ReadSnapshot retainMajoritySnapshot() {
    return majorityView.retain(2_000);
  }

  @Override
  public void validateWriteConcern(BsonDocument writeConcern) {}

  @Override
  public Durability writeDurability(BsonDocument writeConcern, boolean journal) {
    return journal ? Durability.SYNCED : Durability.WRITTEN;
  }

  @Override
  public BsonDocument waitForWriteConcern(BsonDocument writeConcern) {
    // Without w, the set's default fills it in.
    return writeConcernWaiter.await(
        writeConcern.containsKey("w")
            ? writeConcern
            : DefaultRWConcern.effective(storage, config(), writeConcern));
  }

  @Override
  public BsonDocument hello(BsonDocument command, String primaryField) {
    HelloResponse.awaitTopologyChange(topologyVersion, command);
    return HelloResponse.fields(snapshot(), primaryField);
  }

  @Override
  public void appendTopologyVersion(BsonDocument errorReply) {
    errorReply.append("topologyVersion", topologyVersion.current().toBsonDocument());
  }

  @Override
  public boolean hasOplog() {
    return true;
  }

  @Override
  public FailPoints failPoints() {
    return failPoints;
  }

  @Override
  public BsonDocument oplogQueryMetadata() {
    return syncSource.oplogQueryMetadata();
  }

  @Override
  public void awaitOplogAfter(long lastSeenTs, long maxMillis) throws InterruptedException {
    syncSource.awaitOplogAfter(lastSeenTs, maxMillis);
  }

  @Override
  public RetryableWrites retryableWrites() {
    return retryableWrites;
  }

  @Override
  public void sessionEnded(BsonDocument lsid) {
    retryableWrites.forget(lsid);
  }

  @Override
  public BsonTimestamp operationTime() {
    // Read on every reply: a volatile field, not the monitor that writes hold.
    return lastAppliedTs;
  }

  @Override
  public void awaitClusterTime(BsonTimestamp clusterTime, boolean majority, long maxMillis)
      throws InterruptedException {
    long deadline = clock.millis() + maxMillis;
    while (true) {
      long seen = replicationProgress.version();
      synchronized (this) {
        if (topology != null) {
          OpTime reached = majority ? topology.commitPoint() : topology.myLastApplied();
          if (reached.ts().compareTo(clusterTime) >= 0) {
            return;
          }
        }
      }
      long left = deadline - clock.millis();
      if (left <= 0) {
        throw new dev.starling.node.error.MongoServerException(
            dev.starling.node.error.ErrorCode.MAX_TIME_MS_EXPIRED,
            "operation exceeded time limit waiting for afterClusterTime " + clusterTime);
      }
      // Applied positions move without a signal on every batch: look again at least every 50 ms.
      replicationProgress.await(seen, Math.min(left, 50));
    }
  }

  @Override
  public void checkLinearizableRead() {
    if (state != MemberState.PRIMARY) {
      throw new MongoServerException(
          ErrorCode.NOT_WRITABLE_PRIMARY,
          "cannot satisfy linearizable read concern on non-primary node");
    }
  }

  @Override
  public void awaitLinearizableRead(long maxMillis) {
    long generation;
    synchronized (this) {
      // Before the entry: a step-down after this moves the generation, which fails the wait.
      generation = stateGeneration;
    }
    OpTime noop =
        oplog.appendNoopIfWritable(
            storage, new BsonDocument("msg", new BsonString("linearizable read")));
    if (noop == null) {
      throw new MongoServerException(
          ErrorCode.NOT_WRITABLE_PRIMARY,
          "No longer primary when waiting for linearizable read concern");
    }
    BsonDocument error = writeConcernWaiter.awaitCommitted(noop, generation, maxMillis);
    if (error == null) {
      return;
    }
    if (error.getInt32("code").getValue() == ErrorCode.WRITE_CONCERN_FAILED.code()) {
      throw new MongoServerException(
          ErrorCode.MAX_TIME_MS_EXPIRED, "operation exceeded time limit");
    }
    throw new MongoServerException(
        ErrorCode.INTERRUPTED_DUE_TO_REPL_STATE_CHANGE, error.getString("errmsg").getValue());
  }

  @Override
  public ReplicaSetCommands replicaSetCommands() {
    return replicaSetCommands;
  }

  // ---------------------------------------------------------------- status

  public MemberState state() {
    return state;
  }

  public synchronized ReplSetConfig config() {
    return topology == null ? null : topology.config();
  }

  /** What replSetGetStatus and hello need, read consistently. */
  public synchronized ReplicationStatus snapshot() {
    return ReplicationStatus.of(
        topology,
        writablePrimary,
        lastWriteWallMillis,
        elections.electionOpTime(),
        elections.electionWallMillis(),
        clock.millis(),
        topologyVersion.current());
  }

  // ---------------------------------------------------------------- shutdown

  @Override
  public void stepDownForShutdown(long catchUpMillis) {
    stepDowns.stepDownForShutdown(catchUpMillis);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      heartbeats.stop();
      writeConcernWaiter.wakeAll();
      positions.close();
      topologyVersion.close();
      notifyAll();
    }
    sync.stop();
    majorityView.close();
    peers.close();
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
