package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.ElectionStep;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.SyncSourceMetadata;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.repl.core.UpdateResult;
import dev.starling.node.repl.core.VoteResult;
import dev.starling.node.repl.core.WriteConcernMode;
import dev.starling.node.storage.Column;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.types.ObjectId;

/**
 * The I/O around the pure {@link TopologyCoordinator}: persists the config, term and last vote in
 * {@link Column#LOCAL} before acting on them, restores them at startup, drives the core's timers
 * from a scheduled thread, and writes the new primary's no-op oplog entry.
 *
 * <p>Around the core it runs: heartbeats ({@link HeartbeatCoordinator}), vote requests on virtual
 * threads, the {@link OplogFetcher} on a secondary, a position reporter that sends
 * replSetUpdatePosition upstream, and write-concern waits. Node-to-node calls go through {@link
 * PeerClients} (the MongoDB Java driver). Everything the core decides is taken under this object's
 * monitor; network calls never hold it.
 *
 * <p>Lock order: the oplog lock (held while an entry commits and its listener runs) may be taken
 * before this object's monitor, never after it; so nothing here writes the oplog while holding the
 * monitor.
 */
public final class ReplicationCoordinator implements AutoCloseable {
  private static final long TICK_MILLIS = 100;
  private static final long IDLE_NOOP_MILLIS = 10_000;

  /** Set while the fetcher applies a batch: one snapshot for the batch instead of per entry. */
  private static final ThreadLocal<Boolean> APPLYING_BATCH = ThreadLocal.withInitial(() -> false);

  private final String setName;
  private final List<String> selfHosts;
  private final java.util.function.Predicate<String> selfByAddress;
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

  /** A fetched batch is being applied; a primary that finished catching up waits for it. */
  private boolean applyingBatch;

  private long lastWriteWallMillis;
  private OpTime electionOpTime = OpTime.NULL;
  private long electionWallMillis;
  private volatile boolean closed;
  private long stateGeneration;
  private final FailPoints failPoints = new FailPoints();
  private final PeerClients peers =
      new PeerClients(() -> failPoints.fires(FailPoints.DROP_REPLICATION_TRAFFIC));
  private final HeartbeatCoordinator heartbeats;
  private final VoteRequester voteRequester = new VoteRequester(peers);
  private final StepDownCoordinator stepDowns;
  private final ReconfigCoordinator reconfigs;
  private MemberState followerOverride;
  private OplogFetcher fetcher;
  private final PositionReporter positionReporter;

  /** Wakes write-concern waiters: the commit point, a member's position or the state changed. */
  private final ProgressSignal replicationProgress = new ProgressSignal();

  private final JournalFlusher journalFlusher;

  /** Write-concern waits. */
  private final WriteConcernWaiter writeConcernWaiter;

  /** The last entry of the batch being applied that committed; only the applying thread uses it. */
  private OplogWriter.OplogEntryWritten lastOfBatch;

  /** Wakes awaitData oplog readers: a new entry, or a new commit point to pass on. */
  private final ProgressSignal oplogProgress = new ProgressSignal();

  private OpTime signalledCommitPoint = OpTime.NULL;
  private MemberState signalledState = MemberState.STARTUP;
  private final MajorityReadView majorityView;

  /** hello's topologyVersion, which awaitable hello waits on. */
  private final TopologyVersion topologyVersion = new TopologyVersion();

  private OpTime minValid = OpTime.NULL;
  private boolean initialSyncDone;
  private volatile String infoMessage = "";
  private final java.nio.file.Path dbPath;
  private final OplogFetcher.Applier applier;

  /**
   * @param selfHosts the names this node answers to, the preferred one (as replSetInitiate without
   *     a config names it) first
   */
  public ReplicationCoordinator(
      String setName,
      List<String> selfHosts,
      StorageEngine storage,
      OplogWriter oplog,
      OplogFetcher.Applier applier,
      java.nio.file.Path dbPath,
      Clock clock) {
    this(setName, selfHosts, host -> false, storage, oplog, applier, dbPath, clock);
  }

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
    this.selfByAddress = selfByAddress;
    this.applier = applier;
    this.dbPath = dbPath;
    this.setName = setName;
    this.selfHosts = List.copyOf(selfHosts);
    this.storage = storage;
    this.local = new ReplicationLocalStore(storage);
    this.majorityView = new MajorityReadView(storage);
    this.oplog = oplog;
    this.clock = clock;
    this.positionReporter = new PositionReporter(reportUpstream, peers, clock);
    this.heartbeats = new HeartbeatCoordinator(this, setName, heartbeatView, peers, clock);
    this.stepDowns = new StepDownCoordinator(this, setName, stepDownView, peers, clock);
    this.reconfigs =
        new ReconfigCoordinator(
            this, setName, selfHosts.get(0), reconfigView, replicationProgress, random, clock);
    this.writeConcernWaiter =
        new WriteConcernWaiter(this, writeConcernView, replicationProgress, clock);
    this.journalFlusher = new JournalFlusher(journalPositions, storage, clock);
    oplog.termSource(() -> term);
    oplog.acceptWritesWhile(() -> writablePrimary);
    oplog.onCommitted(this::written);
  }

  /** Restores durable state and the oplog position, installs a stored config, starts the timer. */
  public void start() {
    OpTime last = OpTime.NULL;
    long lastWall = 0;
    Iterator<BsonDocument> newest = OplogWriter.read(storage, true);
    if (newest.hasNext()) {
      BsonDocument entry = newest.next();
      last = new OpTime(entry.getTimestamp("ts"), entry.getInt64("t").getValue());
      lastWall = entry.getDateTime("wall").getValue();
      oplog.resumeAfter(last.ts());
    }
    DurableState durable = local.durableState();
    ReplSetConfig stored = local.config();
    MinValid restoredMinValid = local.minValid();
    if (stored != null && restoredMinValid.initialSync()) {
      // The copy may be incomplete: start over, as an empty member (the sync drops user data).
      Log.info("replica set %s: an initial sync was interrupted; starting it again", setName);
      oplog.truncateAfter(storage, new org.bson.BsonTimestamp(0));
      last = OpTime.NULL;
      lastWall = 0;
    }
    synchronized (this) {
      lastWriteWallMillis = lastWall;
      if (stored != null) {
        ReplSetConfig config = stored;
        install(config, durable, last);
        Log.info(
            "replica set %s: restored config version %d, term %d, last applied %s",
            setName, config.version(), durable.term(), last);
        if (restoredMinValid.initialSync()) {
          followerOverride = MemberState.STARTUP2;
          topology.setFollowerState(clock.millis(), MemberState.STARTUP2);
          publish();
        } else if (restoredMinValid.pending(last)) {
          // Restarted after a rollback before the data was consistent again.
          minValid = restoredMinValid.opTime();
          Log.info(
              "replica set %s: RECOVERING until minValid %s is applied (last applied %s)",
              setName, minValid, last);
          followerOverride = MemberState.RECOVERING;
          topology.setFollowerState(clock.millis(), MemberState.RECOVERING);
          publish();
        }
      } else {
        topology = new TopologyCoordinator(selfHosts.get(0), random);
        topology.restore(durable, last, last);
        term = durable.term();
        Log.info(
            "replica set %s: no config yet; waiting for replSetInitiate (the oplog is not capped"
                + " yet)",
            setName);
      }
    }
    timer.scheduleWithFixedDelay(this::tickSafely, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    fetcher = new OplogFetcher(fetchTarget, peers);
    fetcher.start();
    positionReporter.start();
    journalFlusher.start();
  }

  private void persist(DurableState durable) {
    if (durable == null) {
      return;
    }
    local.storeDurableState(durable);
  }

  private void install(ReplSetConfig config, DurableState durable, OpTime last) {
    String self =
        config.members().stream()
            .map(m -> m.host())
            .filter(this::isSelf)
            .findFirst()
            .orElse(selfHosts.get(0));
    topology = new TopologyCoordinator(self, random);
    topology.restore(durable, last, last);
    topology.installConfig(clock.millis(), config);
    heartbeats.restart();
    publish();
  }

  private boolean isSelf(String host) {
    return selfHosts.stream().anyMatch(h -> h.equalsIgnoreCase(host)) || selfByAddress.test(host);
  }

  /** Whether the fetcher may go on fetching from {@code sourceId}. Holds the monitor. */
  private boolean mayFetchFrom(int sourceId) {
    return !failPoints.fires(FailPoints.STOP_REPL_PRODUCER) && topologyWantsFetchFrom(sourceId);
  }

  /** Whether the topology still wants a fetch from {@code sourceId}. Holds the monitor. */
  private boolean topologyWantsFetchFrom(int sourceId) {
    return !closed
        && !writablePrimary
        && (topology.role() != TopologyCoordinator.Role.LEADER || topology.isCatchingUp())
        && !topology.shouldChangeSyncSource(clock.millis(), sourceId);
  }

  /**
   * Ends a fetch the topology no longer wants (its source died, was replaced or fell behind, or we
   * lead now), and a position report to a member that is no longer our source, at once rather than
   * when the call returns or times out. Holds the monitor.
   */
  private void abandonUnwantedCalls() {
    if (fetcher != null) {
      int source = fetcher.activeSource();
      if (source >= 0 && !topologyWantsFetchFrom(source)) {
        fetcher.abandon(source);
      }
    }
    positionReporter.keepOnly(writablePrimary ? -1 : topology.syncSourceId());
  }

  private void publish() {
    advanceMajorityView();
    term = topology.term();
    state = topology.config() == null ? MemberState.STARTUP : topology.memberState();
    boolean writable = topology.isWritablePrimary() && !applyingBatch;
    if (writable && !writablePrimary) {
      becameWritable();
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
      oplogProgress.signal();
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
      handleStep(start.step());
    } else if (action instanceof Action.StepDownSelf down) {
      Log.info("replica set %s: stepped down: %s", setName, down.reason());
      steppedDown();
    } else if (action instanceof Action.ClearNewlyAdded clear) {
      reconfigs.clearNewlyAdded(clear.memberId());
    }
  }

  private void handleStep(ElectionStep step) {
    persist(step.persist());
    switch (step.outcome()) {
      case SEND_REQUESTS -> sendVoteRequests(step);
      case WON -> {
        Log.info("replica set %s: elected primary in term %d", setName, step.term());
        if (topology.isCatchingUp()) {
          Log.info(
              "replica set %s: catching up before taking writes; asking every member for its"
                  + " position",
              setName);
          heartbeats.allNow();
        }
        publish();
      }
      case LOST ->
          Log.info(
              "replica set %s: election in term %d lost: %s", setName, step.term(), step.reason());
      default -> {}
    }
  }

  /**
   * The primary finished catching up (or needed none) and no fetched batch is still being applied:
   * it writes the new term's first entry and takes writes. Holds the monitor.
   */
  private void becameWritable() {
    Log.info(
        "replica set %s: primary in term %d takes writes after %s",
        setName, topology.term(), topology.myLastApplied());
    stampConfigWithTerm();
    // The idle no-op clock starts now.
    lastWriteWallMillis = clock.millis();
    Thread.ofVirtual().name("repl-new-primary").start(this::writeNewPrimaryEntry);
  }

  /**
   * A new primary stamps the config with its term (same version), as mongod does on step-up, so
   * that members tell its config from one a deposed primary may still send. A config forced in term
   * -1 keeps it. Peers see the newer config in our heartbeats and fetch it. Holds the monitor.
   */
  private void stampConfigWithTerm() {
    ReplSetConfig config = topology.config();
    if (config == null || config.term() == -1 || config.term() >= topology.term()) {
      return;
    }
    ReplSetConfig stamped = config.withTerm(topology.term());
    local.storeConfig(stamped);
    handle(topology.installConfig(clock.millis(), stamped));
    heartbeats.allNow();
  }

  private void writeNewPrimaryEntry() {
    try {
      OpTime opTime =
          oplog.appendNoop(storage, new BsonDocument("msg", new BsonString("new primary")));
      synchronized (this) {
        electionOpTime = opTime;
        electionWallMillis = clock.millis();
      }
    } catch (RuntimeException e) {
      Log.error(e, "could not write the new primary's oplog entry");
    }
  }

  private void sendVoteRequests(ElectionStep step) {
    java.util.Map<Integer, String> hosts = new java.util.LinkedHashMap<>();
    for (int target : step.targets()) {
      String host = hostOf(target);
      if (host != null) {
        hosts.put(target, host);
      }
    }
    voteRequester.request(
        step.term(),
        step.request(),
        hosts,
        topology.config().electionTimeoutMillis(),
        (voterId, response) -> {
          synchronized (this) {
            if (closed) {
              return;
            }
            handleStep(topology.processVoteResponse(clock.millis(), voterId, response));
            publish();
          }
          notifyWaiters();
        });
  }

  /** This node stopped being primary: wake write-concern waiters, which then fail with 11602. */
  private void steppedDown() {
    stateGeneration++;
    writeConcernWaiter.wakeAll();
    publish();
    replicationProgress.signal();
    notifyAll();
  }

  private String hostOf(int memberId) {
    ReplSetConfig config = topology.config();
    return config == null ? null : config.findMemberById(memberId).map(m -> m.host()).orElse(null);
  }

  private synchronized void notifyWaiters() {
    replicationProgress.signal();
    notifyAll();
  }

  private void written(OplogWriter.OplogEntryWritten entry) {
    if (APPLYING_BATCH.get()) {
      // An entry of the batch this thread applies: the coordinator hears of the batch once, when
      // it is applied (applyNow), rather than taking its busy monitor for every entry.
      lastOfBatch = entry;
      return;
    }
    writeConcernWaiter.wrote(entry.opTime());
    synchronized (this) {
      // Runs under the oplog lock right after the entry committed: the snapshot is the data
      // exactly as of this entry, which majority reads use once the commit point reaches it.
      takeSnapshot(entry.opTime());
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
    oplogProgress.signal();
    // Wakes the journal flusher only: write-concern waiters are woken by publish(), and waking
    // every thread that waits on this monitor for each write costs more than the write.
    journalFlusher.wake();
  }

  /** What the journal flusher syncs, and what it tells when the sync is done. */
  private final JournalFlusher.Positions journalPositions =
      new JournalFlusher.Positions() {
        @Override
        public boolean closed() {
          return closed;
        }

        @Override
        public OpTime notYetDurable() {
          synchronized (ReplicationCoordinator.this) {
            boolean behind =
                topology != null && topology.myLastApplied().isAfter(topology.myLastDurable());
            return behind ? topology.myLastApplied() : null;
          }
        }

        @Override
        public void durableThrough(OpTime target) {
          synchronized (ReplicationCoordinator.this) {
            OpTime applied = topology.myLastApplied();
            // A rollback may have moved applied back meanwhile: never claim more than is applied.
            OpTime durable = OpTime.min(target, applied);
            if (durable.isAfter(topology.myLastDurable())) {
              topology.setMyLastOpTimes(applied, durable);
              publish();
              positionReporter.changed();
              replicationProgress.signal();
              ReplicationCoordinator.this.notifyAll();
            }
          }
        }
      };

  /** Moves the majority read view to the commit point. Holds the monitor. */
  private void advanceMajorityView() {
    if (topology != null) {
      majorityView.advance(topology.commitPoint(), topology.myLastApplied());
    }
  }

  /**
   * Runs {@code read} with readConcern "majority": every document it reads, now or through the
   * cursor later, is as of the majority commit point, so it can never be rolled back.
   */
  public <T> T readMajority(java.util.function.Supplier<T> read) {
    return majorityView.read(read, 2_000);
  }

  // ---------------------------------------------------------------- heartbeats

  /** What the heartbeats read and do; called with the monitor held unless noted. */
  private final HeartbeatCoordinator.Replication heartbeatView =
      new HeartbeatCoordinator.Replication() {
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
        public String hostOf(int memberId) {
          return ReplicationCoordinator.this.hostOf(memberId);
        }

        @Override
        public String selfHost() {
          return ReplicationCoordinator.this.selfHost();
        }

        @Override
        public void adoptConfig(ReplSetConfig config) {
          ReplicationCoordinator.this.adoptConfig(config);
        }
      };

  /**
   * replSetHeartbeat received: updates the core, and replies with this node's view ({@link
   * HeartbeatCoordinator#onHeartbeat}).
   */
  public BsonDocument onHeartbeat(BsonDocument command) {
    failPoints.refuseIncomingReplicationTraffic();
    return heartbeats.onHeartbeat(command);
  }

  /** Installs a config learned from a peer, if it is newer. */
  private void adoptConfig(ReplSetConfig next) {
    synchronized (this) {
      ReplSetConfig current = topology.config();
      if (!next.name().equals(setName)
          || (current != null
              && ReplSetConfig.compareVersionAndTerm(
                      next.version(), next.term(), current.version(), current.term())
                  <= 0)) {
        return;
      }
      boolean first = current == null;
      local.storeConfig(next);
      if (first) {
        install(next, topology.durableState(), topology.myLastApplied());
      } else {
        handle(installAndRestart(next));
      }
      if (first
          && topology.selfId() >= 0
          && topology.memberState() != MemberState.ARBITER
          && topology.myLastApplied().isNull()) {
        followerOverride = MemberState.STARTUP2;
        topology.setFollowerState(clock.millis(), MemberState.STARTUP2);
      }
      publish();
      Log.info("replica set %s: installed config version %d from a peer", setName, next.version());
      notifyAll();
    }
  }

  /** Installs a config into the running core, keeps a data-state override, restarts heartbeats. */
  private Action installAndRestart(ReplSetConfig config) {
    Action action = topology.installConfig(clock.millis(), config);
    if (followerOverride != null) {
      topology.setFollowerState(clock.millis(), followerOverride);
    }
    heartbeats.restart();
    return action;
  }

  private String selfHost() {
    ReplSetConfig config = topology.config();
    if (config != null && topology.selfId() >= 0) {
      return config.findMemberById(topology.selfId()).get().host();
    }
    return selfHosts.get(0);
  }

  // ---------------------------------------------------------------- votes and positions

  /** replSetRequestVotes received: the core decides; the vote is durable before the reply. */
  public synchronized BsonDocument onRequestVotes(BsonDocument command) {
    failPoints.refuseIncomingReplicationTraffic();
    if (topology.config() == null) {
      throw new MongoServerException(
          ErrorCode.NOT_YET_INITIALIZED, "no replset config has been received");
    }
    VoteResult result =
        topology.processVoteRequest(clock.millis(), ReplMessages.voteRequest(command));
    persist(result.persist());
    handle(result.action());
    publish();
    return ReplMessages.voteResponse(result.response());
  }

  /**
   * replSetUpdatePosition received from a member syncing from us: records each position (a
   * primary's commit point may advance and write-concern waiters wake); a non-primary relays them
   * to its own sync source.
   */
  public synchronized void onUpdatePosition(
      List<ReplMessages.Position> positions, long senderTerm) {
    failPoints.refuseIncomingReplicationTraffic();
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
      persist(result.persist());
      handle(result.action());
      positionReporter.relay(p);
    }
    publish();
    if (!writablePrimary) {
      positionReporter.changed(); // relayed to our own sync source
    }
    replicationProgress.signal();
    notifyAll();
  }

  /** Where the position reporter sends this node's position: its sync source, if any. */
  private final PositionReporter.Upstream reportUpstream =
      new PositionReporter.Upstream() {
        @Override
        public boolean closed() {
          return closed;
        }

        @Override
        public PositionReporter.Report next(java.util.function.IntConsumer aim) {
          synchronized (ReplicationCoordinator.this) {
            int source = topology.syncSourceId();
            String host = source < 0 ? null : hostOf(source);
            if (closed || writablePrimary || host == null) {
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

  // ---------------------------------------------------------------- oplog fetching

  private final OplogFetcher.Coordinator fetchTarget =
      new OplogFetcher.Coordinator() {
        @Override
        public OplogFetcher.FetchPlan nextFetch() throws InterruptedException {
          synchronized (ReplicationCoordinator.this) {
            long now = clock.millis();
            ReplSetConfig config = topology.config();
            if (closed
                || failPoints.fires(FailPoints.STOP_REPL_PRODUCER)
                || config == null
                || topology.selfId() < 0
                || writablePrimary
                || (topology.role() == TopologyCoordinator.Role.LEADER && !topology.isCatchingUp())
                || state == MemberState.ARBITER) {
              ReplicationCoordinator.this.wait(500);
              return null;
            }
            int source = topology.syncSourceId();
            if (topology.shouldChangeSyncSource(now, source)) {
              int previous = source;
              source = topology.chooseNewSyncSource(now);
              if (source != previous) {
                Log.info(
                    "replica set %s: sync source %s -> %s",
                    setName,
                    previous < 0 ? "none" : hostOf(previous),
                    source < 0 ? "none" : hostOf(source));
              }
            }
            if (source < 0) {
              ReplicationCoordinator.this.wait(200);
              return null;
            }
            long await = oplogAwaitMillis(config);
            boolean initialSync =
                followerOverride == MemberState.STARTUP2
                    && topology.myLastApplied().isNull()
                    && !initialSyncDone;
            long giveUp = Math.max(1000, Math.min(5000, config.electionTimeoutMillis() / 2));
            return new OplogFetcher.FetchPlan(
                source, hostOf(source), topology.myLastApplied(), await, giveUp, initialSync);
          }
        }

        @Override
        public boolean keepFetching(int sourceId) {
          synchronized (ReplicationCoordinator.this) {
            return mayFetchFrom(sourceId);
          }
        }

        @Override
        public void apply(int sourceId, List<BsonDocument> entries) {
          applyDurably(sourceId, entries);
        }

        @Override
        public void batchApplied(int sourceId, BsonDocument metadata) {
          synchronized (ReplicationCoordinator.this) {
            SyncSourceMetadata md = syncSourceMetadata(metadata);
            if (md != null) {
              UpdateResult result =
                  topology.processSyncSourceMetadata(clock.millis(), sourceId, md);
              persist(result.persist());
              handle(result.action());
            }
            if ((followerOverride == MemberState.STARTUP2
                    || followerOverride == MemberState.RECOVERING)
                && !topology.myLastApplied().isBefore(minValid)) {
              Log.info(
                  "replica set %s: reached %s (minValid %s); now SECONDARY",
                  setName, topology.myLastApplied(), minValid);
              followerOverride = null;
              infoMessage = "";
              local.storeMinValid(MinValid.NONE);
              topology.setFollowerState(clock.millis(), MemberState.SECONDARY);
            }
            publish();
            // No position report here: the journal flusher syncs the batch next and reports then,
            // once for applied and durable (a majority counts durable positions only); a report
            // per applied batch as well would double the reports the primary handles.
            ReplicationCoordinator.this.notifyAll();
          }
        }

        @Override
        public void fetchFailed(int sourceId, String why) {
          Log.info("replica set %s: oplog fetch from member %d failed: %s", setName, sourceId, why);
          synchronized (ReplicationCoordinator.this) {
            topology.denylistSyncSource(sourceId, clock.millis() + 200);
            // Our source broke: it may be gone, and another member may be primary already. Refresh
            // the view of every member, not only the source, to choose the next source from it.
            heartbeats.allNow();
            try {
              ReplicationCoordinator.this.wait(100);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }

        @Override
        public void diverged(int sourceId, String host, OpTime lastApplied) {
          synchronized (ReplicationCoordinator.this) {
            if (topology.role() == TopologyCoordinator.Role.LEADER) {
              // A primary never rolls back: it keeps what it has and stops catching up.
              Log.info(
                  "replica set %s: catch-up source %s diverged from our oplog; catch-up ends",
                  setName, host);
              topology.abortCatchUp();
              topology.denylistSyncSource(sourceId, clock.millis() + 1000);
              publish();
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
    synchronized (this) {
      long now = clock.millis();
      topology.denylistSyncSource(sourceId, now + TooStale.DENYLIST_MILLIS);
      if (topology.chooseNewSyncSource(now) >= 0) {
        return;
      }
      String message = TooStale.recoveringMessage(host, lastApplied, sourceOldest);
      if (!message.equals(infoMessage)) {
        Log.warn("replica set %s: %s", setName, message);
      }
      infoMessage = message;
      followerOverride = MemberState.RECOVERING;
      topology.setFollowerState(now, MemberState.RECOVERING);
      publish();
    }
  }

  /** This member's infoMessage in replSetGetStatus ("" when there is nothing to say). */
  public String infoMessage() {
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
  private synchronized long secondaryDelayMillis() {
    ReplSetConfig config = topology.config();
    if (config == null
        || topology.selfId() < 0
        || followerOverride != null
        || topology.memberState() != MemberState.SECONDARY) {
      return 0;
    }
    return config.findMemberById(topology.selfId()).orElseThrow().secondaryDelaySecs() * 1000;
  }

  /**
   * Waits (on the monitor, so a config change or shutdown is seen) until {@code dueAtMillis} or at
   * most a second; the caller recomputes what is due. Throws when the node closes, so the fetcher
   * drops its cursor rather than skipping entries it did not apply.
   */
  private synchronized void awaitDue(long dueAtMillis) {
    long wait = Math.min(1000, dueAtMillis - clock.millis());
    if (closed) {
      throw new IllegalStateException("replication is shutting down");
    }
    if (wait > 0) {
      try {
        wait(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for secondaryDelaySecs", e);
      }
    }
  }

  /** Applies entries fetched from {@code sourceId} that are due, then syncs the WAL. */
  private void applyNow(int sourceId, List<BsonDocument> batch) {
    synchronized (this) {
      if (writablePrimary || closed) {
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
      synchronized (this) {
        applyingBatch = false;
        if (last != null) {
          // What committed of the batch, all of it or up to an entry that failed.
          recordWritten(last);
          topology.recordFetchedFrom(sourceId, last.opTime());
          // One snapshot per applied batch (nothing else writes on a secondary): a commit point
          // inside the batch reads the previous batch's snapshot, older but committed.
          takeSnapshot(last.opTime());
        }
        publish();
      }
    }
  }

  /** Keeps a snapshot of the data as of {@code opTime} for majority reads. */
  private void takeSnapshot(OpTime opTime) {
    majorityView.take(opTime);
  }

  /** Initial sync from {@code host}; STARTUP2 until the oplog is applied up to minValid. */
  private void runInitialSync(int sourceId, String host) {
    Log.info("replica set %s: initial sync from %s", setName, host);
    local.storeMinValid(new MinValid(OpTime.NULL, true));
    BsonDocument begin = new InitialSync(peers, storage, oplog).run(host);
    BsonDocument end = InitialSync.newestEntry(peers, host);
    synchronized (this) {
      if (end != null) {
        minValid = new OpTime(end.getTimestamp("ts"), end.getNumber("t").longValue());
        local.storeMinValid(new MinValid(minValid, true));
      }
      if (begin == null) {
        // The source's oplog was empty: fetch from its start.
        followerOverride = MemberState.STARTUP2;
      }
      initialSyncDone = true;
      notifyAll();
    }
  }

  /**
   * Our oplog diverged from the source's: roll back by refetch ({@link Rollback}), then stay
   * RECOVERING until the source's entries are applied up to its last entry when rollback began.
   */
  private void rollBack(int sourceId, String host, OpTime lastApplied) {
    OpTime committed;
    synchronized (this) {
      committed = topology.commitPoint();
      followerOverride = MemberState.ROLLBACK;
      topology.setFollowerState(clock.millis(), MemberState.ROLLBACK);
      publish();
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
      synchronized (this) {
        majorityView.dropPending();
        topology.setMyLastOpTimes(result.commonPoint(), result.commonPoint());
        minValid = result.minValid();
        followerOverride = MemberState.RECOVERING;
        topology.setFollowerState(clock.millis(), MemberState.RECOVERING);
        publish();
        notifyAll();
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
      synchronized (this) {
        followerOverride = MemberState.RECOVERING;
        topology.setFollowerState(clock.millis(), MemberState.RECOVERING);
        topology.denylistSyncSource(sourceId, clock.millis() + (unreachable ? 1_000 : 10_000));
        publish();
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
   * The replication metadata an oplog query reply carries ({@code $replData} and {@code
   * $oplogQueryData}), as this node sees itself now. Called once the reply's batch has been read,
   * so a batch read after dropReplicationTraffic was switched on (it may hold entries written
   * since) is refused, never sent.
   */
  public synchronized BsonDocument oplogQueryMetadata() {
    failPoints.refuseIncomingReplicationTraffic();
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
            .append("state", new BsonInt32(state.code()));
    return new BsonDocument("$replData", repl).append("$oplogQueryData", query);
  }

  /**
   * For an awaitData oplog cursor: waits up to {@code maxMillis} until an entry after {@code
   * lastSeenTs} (a timestamp's 64-bit value) exists, or the commit point moves (so secondaries
   * learn it promptly).
   */
  public void awaitOplogAfter(long lastSeenTs, long maxMillis) throws InterruptedException {
    OpTime committed;
    synchronized (this) {
      committed = topology.commitPoint();
      ReplSetConfig config = topology.config();
      if (config != null) {
        // A peer's driver replaces the fetcher's maxTimeMS with its whole call timeout (CSOT), so
        // waiting that long would make the reply race the caller's deadline; an empty batch after
        // the await is what every tailing cursor expects.
        maxMillis = Math.min(maxMillis, oplogAwaitMillis(config));
      }
    }
    long deadline = clock.millis() + maxMillis;
    while (true) {
      long seen = oplogProgress.version();
      synchronized (this) {
        if (closed
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

  /**
   * How long an oplog getMore waits for new entries before it returns an empty batch: a quarter of
   * the election timeout, between 50 ms and 1 s, well inside the fetcher's call timeout.
   */
  private static long oplogAwaitMillis(ReplSetConfig config) {
    return Math.max(50, Math.min(1000, config.electionTimeoutMillis() / 4));
  }

  // ---------------------------------------------------------------- commands

  /** replSetInitiate, with a config document or (null) the default one-member config. */
  public void initiate(BsonDocument requested) {
    reconfigs.initiate(requested);
    tick();
  }

  /**
   * Waits until this request's last write satisfies {@code writeConcern}; returns the
   * writeConcernError to put on the reply, or null.
   */
  public BsonDocument awaitWriteConcern(BsonDocument writeConcern) {
    return writeConcernWaiter.await(writeConcern);
  }

  /** What write-concern waits read; called with the monitor held. */
  private final WriteConcernWaiter.Replication writeConcernView =
      new WriteConcernWaiter.Replication() {
        @Override
        public ReplSetConfig config() {
          return topology.config();
        }

        @Override
        public OpTime lastApplied() {
          return topology.myLastApplied();
        }

        @Override
        public boolean satisfied(
            WriteConcernRequest request, WriteConcernMode mode, OpTime target) {
          return request.satisfiedBy(topology, mode, target);
        }

        @Override
        public long stateGeneration() {
          return stateGeneration;
        }

        @Override
        public boolean closed() {
          return closed;
        }

        @Override
        public String positions() {
          StringBuilder members = new StringBuilder();
          for (var m : topology.memberStatuses(clock.millis())) {
            members
                .append(' ')
                .append(m.host())
                .append(" applied ")
                .append(m.appliedOpTime())
                .append(" durable ")
                .append(m.durableOpTime());
          }
          return "commit point " + topology.commitPoint() + ";" + members;
        }
      };

  /** replSetStepDown ({@link StepDownCoordinator#stepDown}). */
  public void stepDown(long stepDownSecs, long catchUpSecs, boolean force) {
    stepDowns.stepDown(stepDownSecs, catchUpSecs, force);
  }

  /** SIGTERM on a primary: step down and hand over first. */
  public void stepDownForShutdown(long catchUpMillis) {
    stepDowns.stepDownForShutdown(catchUpMillis);
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

  /** What step-down, step-up and freeze read and do; called with the monitor held. */
  private final StepDownCoordinator.Replication stepDownView =
      new StepDownCoordinator.Replication() {
        @Override
        public TopologyCoordinator topology() {
          return topology;
        }

        @Override
        public void requireConfig() {
          ReplicationCoordinator.this.requireConfig();
        }

        @Override
        public boolean writablePrimary() {
          return writablePrimary;
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
        public void publish() {
          ReplicationCoordinator.this.publish();
        }

        @Override
        public String hostOf(int memberId) {
          return ReplicationCoordinator.this.hostOf(memberId);
        }
      };

  /** replSetReconfig ({@link ReconfigCoordinator#reconfig}). */
  public void reconfig(BsonDocument requested, boolean force, long maxTimeMillis) {
    reconfigs.reconfig(requested, force, maxTimeMillis);
  }

  /** Whether the current config is committed (replSetGetConfig's commitmentStatus). */
  public synchronized boolean isConfigCommitted() {
    return topology.config() != null && topology.isConfigCommitted();
  }

  /** What initiate and reconfig read and do; called with the monitor held. */
  private final ReconfigCoordinator.Replication reconfigView =
      new ReconfigCoordinator.Replication() {
        @Override
        public TopologyCoordinator topology() {
          return topology;
        }

        @Override
        public ReplSetConfig requireConfig() {
          return ReplicationCoordinator.this.requireConfig();
        }

        @Override
        public boolean writablePrimary() {
          return writablePrimary;
        }

        @Override
        public boolean closed() {
          return closed;
        }

        @Override
        public MemberState state() {
          return state;
        }

        @Override
        public boolean isSelf(String host) {
          return ReplicationCoordinator.this.isSelf(host);
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
      };

  /** getDefaultRWConcern's reply (without ok). */
  public BsonDocument describeDefaultRWConcern() {
    return DefaultRWConcern.describe(storage, config(), clock.millis());
  }

  /**
   * setDefaultRWConcern: on the primary, stores the defaults (replicated through the oplog) and
   * waits for a majority; returns the writeConcernError or null.
   */
  public BsonDocument setDefaultRWConcern(BsonDocument command) {
    if (!writablePrimary) {
      throw new MongoServerException(ErrorCode.NOT_WRITABLE_PRIMARY, "not primary");
    }
    DefaultRWConcern.store(storage, command, clock.millis());
    return awaitWriteConcern(new BsonDocument("w", new BsonString("majority")));
  }

  /** The write concern a write with {@code requested} waits for (the default fills in w). */
  public BsonDocument effectiveWriteConcern(BsonDocument requested) {
    if (requested.containsKey("w")) {
      return requested;
    }
    return DefaultRWConcern.effective(storage, config(), requested);
  }

  /**
   * replSetSyncFrom: the fetcher moves to {@code host} at once (the next source choice takes it),
   * and returns to the usual choice afterwards. Returns mongod's reply fields.
   */
  public BsonDocument syncFrom(String host) {
    BsonDocument reply = new BsonDocument("syncFromRequested", new BsonString(host));
    synchronized (this) {
      TopologyCoordinator.SyncFromResult result = topology.requestSyncSource(clock.millis(), host);
      if (result.targetBehind()) {
        reply.append(
            "warning",
            new BsonString(
                "requested member \""
                    + hostOf(result.targetId())
                    + "\" is more than 10 seconds"
                    + " behind us"));
      }
      if (result.previousSourceId() >= 0) {
        reply.append("prevSyncTarget", new BsonString(hostOf(result.previousSourceId())));
      }
      Log.info("replica set %s: replSetSyncFrom %s", setName, host);
      notifyAll();
    }
    return reply;
  }

  private ReplSetConfig requireConfig() {
    ReplSetConfig config = topology.config();
    if (config == null) {
      throw new MongoServerException(
          ErrorCode.NOT_YET_INITIALIZED, "no replset config has been received");
    }
    return config;
  }

  /** The replication fail points (configureFailPoint). */
  public FailPoints failPoints() {
    return failPoints;
  }

  public String setName() {
    return setName;
  }

  public MemberState state() {
    return state;
  }

  public boolean isWritablePrimary() {
    return writablePrimary;
  }

  public synchronized ReplSetConfig config() {
    return topology == null ? null : topology.config();
  }

  /** What replSetGetStatus and hello need, read consistently. */
  public synchronized ReplicationStatus snapshot() {
    ReplSetConfig config = topology.config();
    String self =
        config == null || topology.selfId() < 0
            ? null
            : config.findMemberById(topology.selfId()).get().host();
    String primary =
        config == null || topology.primaryId() < 0
            ? null
            : config.findMemberById(topology.primaryId()).map(m -> m.host()).orElse(null);
    return new ReplicationStatus(
        config,
        self,
        primary,
        topology.config() == null ? MemberState.STARTUP : topology.memberState(),
        writablePrimary,
        topology.term(),
        topology.myLastApplied(),
        topology.myLastDurable(),
        topology.commitPoint(),
        lastWriteWallMillis,
        electionOpTime,
        electionWallMillis,
        topology.memberStatuses(clock.millis()),
        topology.syncSourceId(),
        topologyVersion.current());
  }

  /** hello's topologyVersion now (also sent with state-change errors). */
  public TopologyVersion.Version topologyVersion() {
    return topologyVersion.current();
  }

  /**
   * Awaitable hello: waits up to {@code maxAwaitMillis} while the caller's topology version is the
   * current one; false if the node is shutting down.
   */
  public boolean awaitTopologyChange(ObjectId processId, long counter, long maxAwaitMillis)
      throws InterruptedException {
    return topologyVersion.awaitChange(processId, counter, maxAwaitMillis);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      heartbeats.stop();
      writeConcernWaiter.wakeAll();
      journalFlusher.wake();
      positionReporter.close();
      topologyVersion.close();
      notifyAll();
    }
    if (fetcher != null) {
      fetcher.stop();
    }
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
