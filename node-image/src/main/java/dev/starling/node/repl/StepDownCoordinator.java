package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.StepDownAttempt;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.util.Log;
import java.time.Clock;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

/**
 * Leaving and taking the primary role on request: {@code replSetStepDown} (and the step-down a
 * primary does on SIGTERM) with mongod's election handoff, {@code replSetStepUp}, {@code
 * replSetFreeze} and {@code replSetAbortPrimaryCatchUp}. The core decides; this waits for it on the
 * coordinator's monitor ({@code monitor}), which every change to the core notifies.
 */
final class StepDownCoordinator {
  /** The coordinator's side; called with the monitor held. */
  interface Replication {
    TopologyCoordinator topology();

    /** The config; 94 NotYetInitialized without one. */
    ReplSetConfig requireConfig();

    boolean writablePrimary();

    /** The term as last published (what errors name). */
    long term();

    /** This node stopped being primary: fails write-concern waits and publishes. */
    void steppedDown();

    /** Carries out what the core decided. */
    void handle(Action action);

    void publish();

    /** The host of member {@code memberId}, or null. */
    String hostOf(int memberId);
  }

  private final Object monitor;
  private final String setName;
  private final Replication replication;
  private final PeerCaller peers;
  private final Clock clock;

  StepDownCoordinator(
      Object monitor, String setName, Replication replication, PeerCaller peers, Clock clock) {
    this.monitor = monitor;
    this.setName = setName;
    this.replication = replication;
    this.peers = peers;
    this.clock = clock;
  }

  /**
   * replSetStepDown: waits up to {@code catchUpSecs} for an electable secondary to catch up, then
   * steps down and stays out of elections for {@code stepDownSecs}. 262 when none caught up (unless
   * {@code force}); 10107 when not primary.
   */
  void stepDown(long stepDownSecs, long catchUpSecs, boolean force) {
    TopologyCoordinator.validateStepDownArgs(stepDownSecs, catchUpSecs);
    long now = clock.millis();
    long waitUntil = now + catchUpSecs * 1000;
    long until = now + stepDownSecs * 1000;
    synchronized (monitor) {
      while (true) {
        StepDownAttempt attempt =
            replication.topology().tryStepDown(clock.millis(), force, waitUntil, until);
        if (attempt == StepDownAttempt.SUCCEEDED) {
          Log.info("replica set %s: stepped down by replSetStepDown", setName);
          replication.steppedDown();
          handOff();
          return;
        }
        try {
          monitor.wait(Math.max(1, Math.min(100, waitUntil - clock.millis())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new MongoServerException(
              ErrorCode.INTERRUPTED_DUE_TO_REPL_STATE_CHANGE, "interrupted");
        }
      }
    }
  }

  /**
   * After a step-down, asks a caught-up electable secondary to stand for election now
   * (replSetStepUp), as mongod's election handoff does, instead of everyone waiting out the
   * election timeout. Holds the monitor; the call runs on its own thread.
   */
  private void handOff() {
    List<String> hosts =
        replication.topology().handoffCandidates().stream()
            .map(replication::hostOf)
            .filter(h -> h != null)
            .toList();
    Thread.ofVirtual()
        .name("repl-election-handoff")
        .start(
            () -> {
              for (String host : hosts) {
                try {
                  peers.call(
                      host, "admin", new BsonDocument("replSetStepUp", new BsonInt32(1)), 5_000);
                  Log.info("replica set %s: handed the primary to %s", setName, host);
                  return;
                } catch (RuntimeException e) {
                  Log.info("replica set %s: election handoff to %s failed: %s", setName, host, e);
                }
              }
            });
  }

  /**
   * On shutdown a primary first steps down, waiting up to {@code catchUpMillis} for a secondary to
   * catch up, and hands over, so the set has a new primary without waiting for an election timeout.
   */
  void stepDownForShutdown(long catchUpMillis) {
    synchronized (monitor) {
      if (!replication.writablePrimary()) {
        return;
      }
    }
    try {
      long catchUpSecs = Math.max(0, catchUpMillis / 1000);
      stepDown(catchUpSecs + 60, catchUpSecs, true);
      // Give the handoff's replSetStepUp a moment to reach the heir before this node goes away.
      synchronized (monitor) {
        TopologyCoordinator topology = replication.topology();
        long deadline = clock.millis() + 2_000;
        while (topology.primaryId() < 0 || topology.primaryId() == topology.selfId()) {
          long wait = deadline - clock.millis();
          if (wait <= 0) {
            break;
          }
          monitor.wait(wait);
        }
      }
    } catch (RuntimeException e) {
      Log.info("replica set %s: step-down at shutdown failed: %s", setName, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** replSetFreeze; returns mongod's "info" text or null. */
  String freeze(long secs) {
    synchronized (monitor) {
      replication.requireConfig();
      String info = replication.topology().freeze(clock.millis(), secs);
      replication.publish();
      return info;
    }
  }

  /**
   * replSetAbortPrimaryCatchUp: a primary still catching up stops now and takes writes with what it
   * has. Anywhere else: IllegalOperation.
   */
  void abortPrimaryCatchUp() {
    synchronized (monitor) {
      replication.requireConfig();
      if (!replication.topology().abortCatchUp()) {
        throw new MongoServerException(
            ErrorCode.ILLEGAL_OPERATION, "The node is not in catch-up mode.");
      }
      Log.info("replica set %s: catch-up aborted by replSetAbortPrimaryCatchUp", setName);
      replication.publish();
    }
  }

  /** replSetStepUp: stands for election now and waits for the outcome. */
  void stepUp() {
    synchronized (monitor) {
      replication.requireConfig();
      if (replication.writablePrimary()) {
        return;
      }
      TopologyCoordinator topology = replication.topology();
      replication.handle(topology.stepUp(clock.millis()));
      replication.publish();
      long deadline = clock.millis() + topology.config().electionTimeoutMillis();
      // Returns once elected, as mongod's: the catch-up phase may still be running.
      while (topology.role() == TopologyCoordinator.Role.CANDIDATE) {
        long wait = deadline - clock.millis();
        if (wait <= 0) {
          break;
        }
        try {
          monitor.wait(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (topology.role() != TopologyCoordinator.Role.LEADER) {
        throw new MongoServerException(
            ErrorCode.COMMAND_FAILED,
            "Election failed: not enough votes in term " + replication.term());
      }
    }
  }
}
