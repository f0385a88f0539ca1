package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.ElectionStep;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.repl.core.VoteResult;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * Elections around the core (mongod's {@code replication_coordinator_impl_elect_v1}): carries out
 * each step of an election the core decides (dry run, real votes through {@link VoteRequester}, won
 * or lost), answers {@code replSetRequestVotes}, and once a new primary may take writes, stamps the
 * config with its term and writes the term's first oplog entry.
 */
final class ElectionDriver {
  /** The coordinator's side; called with the monitor held. */
  interface Replication {
    TopologyCoordinator topology();

    boolean closed();

    /** The host of member {@code memberId}, or null. */
    String hostOf(int memberId);

    /** Persists {@code persist} (if any), then carries out {@code action}. */
    void act(DurableState persist, Action action);

    void publish();

    /** Refreshes the view of every member now (a heartbeat to each). */
    void heartbeatAllNow();

    /** Signals replication progress (write-concern and reconfig waits check again). */
    void progress();

    /** The idle primary's no-op clock starts again now. */
    void wroteNow();
  }

  private final Object monitor;
  private final String setName;
  private final Replication replication;
  private final VoteRequester voteRequester;
  private final ReplicationLocalStore local;
  private final OplogWriter oplog;
  private final StorageEngine storage;
  private final Clock clock;

  /** The new primary's first entry of its term, and when it was written (replSetGetStatus). */
  private OpTime electionOpTime = OpTime.NULL; // guarded by monitor

  private long electionWallMillis; // guarded by monitor

  ElectionDriver(
      Object monitor,
      String setName,
      Replication replication,
      VoteRequester voteRequester,
      ReplicationLocalStore local,
      OplogWriter oplog,
      StorageEngine storage,
      Clock clock) {
    this.monitor = monitor;
    this.setName = setName;
    this.replication = replication;
    this.voteRequester = voteRequester;
    this.local = local;
    this.oplog = oplog;
    this.storage = storage;
    this.clock = clock;
  }

  /**
   * Carries out one step of an election: persist, send, or act on the outcome. Holds the monitor.
   */
  void handleStep(ElectionStep step) {
    replication.act(step.persist(), Action.NONE);
    switch (step.outcome()) {
      case SEND_REQUESTS -> sendVoteRequests(step);
      case WON -> {
        Log.info("replica set %s: elected primary in term %d", setName, step.term());
        if (replication.topology().isCatchingUp()) {
          Log.info(
              "replica set %s: catching up before taking writes; asking every member for its"
                  + " position",
              setName);
          replication.heartbeatAllNow();
        }
        replication.publish();
      }
      case LOST ->
          Log.info(
              "replica set %s: election in term %d lost: %s", setName, step.term(), step.reason());
      default -> {}
    }
  }

  private void sendVoteRequests(ElectionStep step) {
    Map<Integer, String> hosts = new LinkedHashMap<>();
    for (int target : step.targets()) {
      String host = replication.hostOf(target);
      if (host != null) {
        hosts.put(target, host);
      }
    }
    voteRequester.request(
        step.term(),
        step.request(),
        hosts,
        replication.topology().config().electionTimeoutMillis(),
        (voterId, response) -> {
          synchronized (monitor) {
            if (replication.closed()) {
              return;
            }
            handleStep(
                replication.topology().processVoteResponse(clock.millis(), voterId, response));
            replication.publish();
          }
          synchronized (monitor) {
            replication.progress();
            monitor.notifyAll();
          }
        });
  }

  /** replSetRequestVotes received: the core decides; the vote is durable before the reply. */
  BsonDocument onRequestVotes(BsonDocument command) {
    synchronized (monitor) {
      TopologyCoordinator topology = replication.topology();
      if (topology.config() == null) {
        throw new MongoServerException(
            ErrorCode.NOT_YET_INITIALIZED, "no replset config has been received");
      }
      VoteResult result =
          topology.processVoteRequest(clock.millis(), ReplMessages.voteRequest(command));
      replication.act(result.persist(), result.action());
      replication.publish();
      return ReplMessages.voteResponse(result.response());
    }
  }

  /**
   * The primary finished catching up (or needed none) and no fetched batch is still being applied:
   * it writes the new term's first entry and takes writes. Holds the monitor.
   */
  void becameWritable() {
    TopologyCoordinator topology = replication.topology();
    Log.info(
        "replica set %s: primary in term %d takes writes after %s",
        setName, topology.term(), topology.myLastApplied());
    stampConfigWithTerm();
    replication.wroteNow();
    Thread.ofVirtual().name("repl-new-primary").start(this::writeNewPrimaryEntry);
  }

  /**
   * A new primary stamps the config with its term (same version), as mongod does on step-up, so
   * that members tell its config from one a deposed primary may still send. A config forced in term
   * -1 keeps it. Peers see the newer config in our heartbeats and fetch it. Holds the monitor.
   */
  private void stampConfigWithTerm() {
    TopologyCoordinator topology = replication.topology();
    ReplSetConfig config = topology.config();
    if (config == null || config.term() == -1 || config.term() >= topology.term()) {
      return;
    }
    ReplSetConfig stamped = config.withTerm(topology.term());
    local.storeConfig(stamped);
    replication.act(null, topology.installConfig(clock.millis(), stamped));
    replication.heartbeatAllNow();
  }

  private void writeNewPrimaryEntry() {
    try {
      OpTime opTime =
          oplog.appendNoop(storage, new BsonDocument("msg", new BsonString("new primary")));
      synchronized (monitor) {
        electionOpTime = opTime;
        electionWallMillis = clock.millis();
      }
    } catch (RuntimeException e) {
      Log.error(e, "could not write the new primary's oplog entry");
    }
  }

  /** The new primary's first entry. Holds the monitor. */
  OpTime electionOpTime() {
    return electionOpTime;
  }

  /** When the new primary's first entry was written. Holds the monitor. */
  long electionWallMillis() {
    return electionWallMillis;
  }
}
