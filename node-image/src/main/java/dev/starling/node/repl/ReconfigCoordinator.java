package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.ReconfigRules;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.util.Log;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.types.ObjectId;

/**
 * Changing the config: {@code replSetInitiate}, {@code replSetReconfig} (mongod 4.4+'s safe
 * reconfig, and {@code force}), and the automatic reconfig that clears a caught-up member's {@code
 * newlyAdded} mark. The core and {@link ReplSetConfig} validate; this decides what to install and
 * waits for a majority to have it, on the coordinator's monitor ({@code monitor}).
 */
final class ReconfigCoordinator {
  /** The coordinator's side; called with the monitor held. */
  interface Replication {
    TopologyCoordinator topology();

    /** The config; 94 NotYetInitialized without one. */
    ReplSetConfig requireConfig();

    boolean writablePrimary();

    boolean closed();

    MemberState state();

    /** Whether {@code host} names this node. */
    boolean isSelf(String host);

    /** Stores and installs the first config (replSetInitiate). */
    void installFirst(ReplSetConfig config);

    /** Stores and installs a newer config, restarts heartbeats, acts on it and publishes. */
    void installNext(ReplSetConfig config);

    /** Whether a cluster-wide default write concern is set (setDefaultRWConcern). */
    boolean hasClusterWideWriteConcern();
  }

  private final Object monitor;
  private final String setName;
  private final String preferredHost;
  private final Replication replication;
  private final ProgressSignal progress;
  private final Random random;
  private final Clock clock;

  /**
   * @param preferredHost the name replSetInitiate without a config gives this node
   * @param progress signalled when members' config versions change (heartbeats)
   */
  ReconfigCoordinator(
      Object monitor,
      String setName,
      String preferredHost,
      Replication replication,
      ProgressSignal progress,
      Random random,
      Clock clock) {
    this.monitor = monitor;
    this.setName = setName;
    this.preferredHost = preferredHost;
    this.replication = replication;
    this.progress = progress;
    this.random = random;
    this.clock = clock;
  }

  /** Whether the current config is committed (replSetGetConfig's commitmentStatus). */
  boolean isConfigCommitted() {
    synchronized (monitor) {
      TopologyCoordinator topology = replication.topology();
      return topology.config() != null && topology.isConfigCommitted();
    }
  }

  /** replSetInitiate, with a config document or (null) the default one-member config. */
  void initiate(BsonDocument requested) {
    synchronized (monitor) {
      TopologyCoordinator topology = replication.topology();
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
                                  .append("host", new BsonString(preferredHost)))));
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
      if (config.members().stream().noneMatch(m -> replication.isSelf(m.host()))) {
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
      replication.installFirst(config);
      Log.info("replica set %s: initiated with %s", setName, config);
    }
  }

  /**
   * replSetReconfig, as mongod 4.4+ does it. A safe (non-force) reconfig runs only on the primary
   * and only once the current config is committed (a majority of its voters have it and an entry of
   * this term is majority committed; 308 otherwise); the new config is checked (93 for a bad
   * member, 103 for a bad set or an unsafe change), new voting members are marked {@code
   * newlyAdded}, the config is stamped with this term, stored and installed, and the call returns
   * once a majority of the new config's voters have it (50 after {@code maxTimeMillis}, when
   * given). {@code force} skips the commitment and one-voter rules and the wait, not validation.
   */
  void reconfig(BsonDocument requested, boolean force, long maxTimeMillis) {
    long deadline = maxTimeMillis > 0 ? clock.millis() + maxTimeMillis : Long.MAX_VALUE;
    ReplSetConfig next;
    synchronized (monitor) {
      TopologyCoordinator topology = replication.topology();
      ReplSetConfig current = replication.requireConfig();
      if (!force && !replication.writablePrimary()) {
        throw new MongoServerException(
            ErrorCode.NOT_WRITABLE_PRIMARY,
            "replSetReconfig should only be run on a writable PRIMARY. Current state "
                + replication.state().stateStr()
                + ";");
      }
      if (!force) {
        ReconfigRules.requireCommitted(current, topology);
      }
      BsonDocument doc = requested.clone();
      doc.remove("term");
      if (force) {
        doc.put("version", new BsonInt32(current.version() + 10_000 + random.nextInt(90_000)));
      }
      next = ReplSetConfig.parseForReconfig(doc);
      if (next.replicaSetId().isEmpty() && current.replicaSetId().isPresent()) {
        next = next.withReplicaSetId(current.replicaSetId().get());
      }
      if (!force) {
        next = next.withNewlyAddedMarks(current);
      }
      next = next.withTerm(force ? -1 : topology.term());
      ReplSetConfig.validateReconfig(current, next, force);
      ReconfigRules.requireSameImplicitWriteConcern(
          current, next, replication.hasClusterWideWriteConcern());
      requireSelfIn(next);
      installReconfig(next);
    }
    if (!force) {
      awaitConfigReplicated(next, deadline);
    }
  }

  private void requireSelfIn(ReplSetConfig next) {
    if (next.members().stream().noneMatch(m -> replication.isSelf(m.host()))) {
      throw new MongoServerException(
          ErrorCode.INCOMPATIBLE_CONFIG,
          "No host described in new configuration with {version: "
              + next.version()
              + ", term: "
              + next.term()
              + "} for replica set "
              + setName
              + " maps to this node");
    }
  }

  /** Stores and installs a config this node decided on. Holds the monitor. */
  private void installReconfig(ReplSetConfig next) {
    replication.installNext(next);
    Log.info("replica set %s: reconfigured to %s", setName, next);
    progress.signal();
    monitor.notifyAll();
  }

  /**
   * Waits until a majority of {@code next}'s voters report having it (their heartbeats carry their
   * config version and term). A newer config installed meanwhile ends the wait; losing the primary
   * role fails it (189 PrimarySteppedDown); the deadline fails it with 50 MaxTimeMSExpired.
   */
  private void awaitConfigReplicated(ReplSetConfig next, long deadline) {
    while (true) {
      long seen = progress.version();
      synchronized (monitor) {
        TopologyCoordinator topology = replication.topology();
        if (topology.config() != next || topology.isConfigReplicatedToMajority()) {
          return;
        }
        if (!replication.writablePrimary() || replication.closed()) {
          throw new MongoServerException(
              ErrorCode.PRIMARY_STEPPED_DOWN,
              "Primary stepped down while waiting for the new config to replicate to a majority");
        }
      }
      long wait = deadline - clock.millis();
      if (wait <= 0) {
        throw new MongoServerException(
            ErrorCode.MAX_TIME_MS_EXPIRED,
            "operation exceeded time limit while waiting for a majority of voting members to"
                + " install config version "
                + next.version());
      }
      try {
        progress.await(seen, Math.min(wait, 500));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MongoServerException(
            ErrorCode.INTERRUPTED_DUE_TO_REPL_STATE_CHANGE, "interrupted");
      }
    }
  }

  private boolean clearingNewlyAdded; // guarded by monitor

  /**
   * The core saw a newlyAdded member caught up: clear its mark with an automatic reconfig (version
   * + 1) on a thread of its own, one at a time, as mongod's primary does. Holds the monitor.
   */
  void clearNewlyAdded(int memberId) {
    if (clearingNewlyAdded) {
      return;
    }
    clearingNewlyAdded = true;
    Thread.ofVirtual()
        .name("repl-clear-newly-added")
        .start(
            () -> {
              try {
                ReplSetConfig next;
                synchronized (monitor) {
                  TopologyCoordinator topology = replication.topology();
                  ReplSetConfig current = topology.config();
                  if (!replication.writablePrimary()
                      || current == null
                      || !current.findMemberById(memberId).map(m -> m.newlyAdded()).orElse(false)
                      || !topology.isConfigCommitted()) {
                    return;
                  }
                  next = current.withNewlyAddedCleared(memberId).withTerm(topology.term());
                  ReplSetConfig.validateReconfig(current, next, false);
                  installReconfig(next);
                  Log.info(
                      "replica set %s: member %d caught up; it votes from config version %d",
                      setName, memberId, next.version());
                }
                awaitConfigReplicated(next, clock.millis() + 60_000);
              } catch (RuntimeException e) {
                Log.info(
                    "replica set %s: clearing newlyAdded of member %d failed: %s",
                    setName, memberId, e.getMessage());
              } finally {
                synchronized (monitor) {
                  clearingNewlyAdded = false;
                }
              }
            });
  }
}
