package dev.starling.node.repl;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.ElectionStep;
import dev.starling.node.repl.core.LastVote;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.server.Log;
import dev.starling.node.storage.Column;
import dev.starling.node.storage.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.ObjectId;

/**
 * The I/O around the pure {@link TopologyCoordinator}: persists the config, term and last vote in
 * {@link Column#LOCAL} before acting on them, restores them at startup, drives the core's timers
 * from a scheduled thread, and writes the new primary's no-op oplog entry.
 *
 * <p>Only single-member sets are supported: there are no heartbeats and no oplog fetching yet, so
 * replSetInitiate refuses configs with more than one member.
 *
 * <p>Lock order: the oplog lock (held while an entry commits and its listener runs) may be taken
 * before this object's monitor, never after it; so nothing here writes the oplog while holding the
 * monitor.
 */
public final class ReplicationCoordinator implements AutoCloseable {
  static final byte[] CONFIG_KEY = "config".getBytes(StandardCharsets.UTF_8);
  static final byte[] ELECTION_KEY = "election".getBytes(StandardCharsets.UTF_8);
  private static final long TICK_MILLIS = 100;

  private final String setName;
  private final List<String> selfHosts;
  private final StorageEngine storage;
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
  private long lastWriteWallMillis;
  private OpTime electionOpTime = OpTime.NULL;
  private long electionWallMillis;

  /**
   * @param selfHosts the names this node answers to, the preferred one (as replSetInitiate without
   *     a config names it) first
   */
  public ReplicationCoordinator(
      String setName,
      List<String> selfHosts,
      StorageEngine storage,
      OplogWriter oplog,
      Clock clock) {
    this.setName = setName;
    this.selfHosts = List.copyOf(selfHosts);
    this.storage = storage;
    this.oplog = oplog;
    this.clock = clock;
    oplog.termSource(() -> term);
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
    DurableState durable = readDurableState();
    byte[] stored = storage.get(Column.LOCAL, CONFIG_KEY);
    synchronized (this) {
      lastWriteWallMillis = lastWall;
      if (stored != null) {
        ReplSetConfig config = ReplSetConfig.parse(BsonCodec.decode(stored));
        install(config, durable, last);
        Log.info(
            "replica set %s: restored config version %d, term %d, last applied %s",
            setName, config.version(), durable.term(), last);
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
  }

  private DurableState readDurableState() {
    byte[] bytes = storage.get(Column.LOCAL, ELECTION_KEY);
    if (bytes == null) {
      return DurableState.INITIAL;
    }
    BsonDocument doc = BsonCodec.decode(bytes);
    return new DurableState(
        doc.getInt64("term").getValue(),
        new LastVote(doc.getInt64("voteTerm").getValue(), doc.getInt32("candidateId").getValue()));
  }

  private void persist(DurableState durable) {
    if (durable == null) {
      return;
    }
    BsonDocument doc =
        new BsonDocument("term", new BsonInt64(durable.term()))
            .append("voteTerm", new BsonInt64(durable.lastVote().term()))
            .append("candidateId", new BsonInt32(durable.lastVote().candidateId()));
    storage.put(Column.LOCAL, ELECTION_KEY, BsonCodec.encode(doc), true);
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
    publish();
  }

  private boolean isSelf(String host) {
    return selfHosts.stream().anyMatch(h -> h.equalsIgnoreCase(host));
  }

  private void publish() {
    term = topology.term();
    state = topology.config() == null ? MemberState.STARTUP : topology.memberState();
    writablePrimary = topology.isWritablePrimary();
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      Log.error(e, "replication timer failed");
    }
  }

  /** Runs the core's timers once; on winning an election, writes the new primary's entry. */
  void tick() {
    boolean won = false;
    synchronized (this) {
      if (topology == null || topology.config() == null) {
        return;
      }
      Action action = topology.tick(clock.millis());
      if (action instanceof Action.StartElection start) {
        ElectionStep step = start.step();
        persist(step.persist());
        won = step.outcome() == ElectionStep.Outcome.WON;
        if (won) {
          Log.info(
              "replica set %s: elected primary in term %d (%s)",
              setName, step.term(), start.reason());
        }
      } else if (action instanceof Action.StepDownSelf down) {
        Log.info("replica set %s: stepped down: %s", setName, down.reason());
      }
      publish();
    }
    if (won) {
      OpTime opTime =
          oplog.appendNoop(storage, new BsonDocument("msg", new BsonString("new primary")));
      synchronized (this) {
        electionOpTime = opTime;
        electionWallMillis = clock.millis();
      }
    }
  }

  private synchronized void written(OplogWriter.OplogEntryWritten entry) {
    lastWriteWallMillis = entry.wallMillis();
    if (topology != null) {
      topology.setMyLastOpTimes(entry.opTime(), entry.opTime());
    }
  }

  // ---------------------------------------------------------------- commands

  /** replSetInitiate, with a config document or (null) the default one-member config. */
  public void initiate(BsonDocument requested) {
    synchronized (this) {
      if (topology.config() != null) {
        throw new MongoServerException(ErrorCode.ALREADY_INITIALIZED, "already initialized");
      }
      BsonDocument doc =
          requested != null
              ? requested.clone()
              : new BsonDocument("_id", new BsonString(setName))
                  .append(
                      "members",
                      new BsonArray(
                          List.of(
                              new BsonDocument("_id", new BsonInt32(0))
                                  .append("host", new BsonString(selfHosts.get(0))))));
      if (!doc.containsKey("version")) {
        doc.append("version", new BsonInt32(1));
      }
      ReplSetConfig config = ReplSetConfig.parse(doc);
      if (!config.name().equals(setName)) {
        throw new MongoServerException(
            ErrorCode.INVALID_REPLICA_SET_CONFIG,
            "Attempting to initiate a replica set with name "
                + config.name()
                + ", but command line reports "
                + setName
                + "; rejecting");
      }
      if (config.members().size() > 1) {
        throw new MongoServerException(
            ErrorCode.INVALID_REPLICA_SET_CONFIG,
            "multi-member replica sets are not supported by this build yet: it has no heartbeats"
                + " or oplog fetching; initiate with this member only");
      }
      if (config.members().stream().noneMatch(m -> isSelf(m.host()))) {
        throw new MongoServerException(
            ErrorCode.NODE_NOT_FOUND,
            "No host described in new configuration with {version: "
                + config.version()
                + ", term: "
                + config.term()
                + "} for replica set "
                + setName
                + " maps to this node");
      }
      if (config.replicaSetId().isEmpty()) {
        config = config.withReplicaSetId(new ObjectId());
      }
      if (config.term() < 0) {
        config = config.withTerm(topology.term());
      }
      storage.put(Column.LOCAL, CONFIG_KEY, BsonCodec.encode(config.toBsonDocument()), true);
      install(config, topology.durableState(), topology.myLastApplied());
      Log.info("replica set %s: initiated with %s", setName, config);
    }
    tick();
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
  public synchronized Snapshot snapshot() {
    ReplSetConfig config = topology.config();
    String self =
        config == null || topology.selfId() < 0
            ? null
            : config.findMemberById(topology.selfId()).get().host();
    String primary =
        config == null || topology.primaryId() < 0
            ? null
            : config.findMemberById(topology.primaryId()).map(m -> m.host()).orElse(null);
    return new Snapshot(
        config,
        self,
        primary,
        topology.config() == null ? MemberState.STARTUP : topology.memberState(),
        topology.term(),
        topology.myLastApplied(),
        topology.myLastDurable(),
        topology.commitPoint(),
        lastWriteWallMillis,
        electionOpTime,
        electionWallMillis);
  }

  /** A consistent view of the replication state. */
  public record Snapshot(
      ReplSetConfig config,
      String self,
      String primary,
      MemberState state,
      long term,
      OpTime applied,
      OpTime durable,
      OpTime committed,
      long lastWriteWallMillis,
      OpTime electionOpTime,
      long electionWallMillis) {

    /** mongod's electionId: the max timestamp, then the term. */
    public ObjectId electionId() {
      byte[] bytes = java.nio.ByteBuffer.allocate(12).putInt(0x7fffffff).putLong(term).array();
      return new ObjectId(bytes);
    }

    public static BsonValue ts(OpTime opTime) {
      return opTime.isNull() ? new BsonTimestamp(0, 0) : opTime.ts();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
