package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.StepDownAttempt;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.util.Log;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

  /** How often the handoff looks again for a caught-up secondary that has not refused. */
  private static final long HANDOFF_RECHECK_MILLIS = 20;

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
   * election timeout. Runs on its own thread for up to one election timeout: a secondary a few
   * entries behind at the moment of the step-down is asked once it has caught up, and one that
   * refuses because it is itself frozen by an earlier step-down (83) is passed over for the next.
   * Ends as soon as any member is primary.
   */
  private void handOff() {
    long deadline;
    synchronized (monitor) {
      deadline = clock.millis() + replication.requireConfig().electionTimeoutMillis();
    }
    Thread.ofVirtual().name("repl-election-handoff").start(() -> handOffUntil(deadline));
  }

  private void handOffUntil(long deadline) {
    Set<Integer> refused = new HashSet<>();
    boolean justTried = false;
    while (true) {
      List<Integer> candidates = List.of();
      synchronized (monitor) {
        while (true) {
          TopologyCoordinator topology = replication.topology();
          if (topology.primaryId() >= 0 || clock.millis() >= deadline) {
            return;
          }
          if (!justTried) {
            candidates =
                topology.handoffCandidates().stream().filter(id -> !refused.contains(id)).toList();
            if (!candidates.isEmpty()) {
              break;
            }
          }
          justTried = false;
          try {
            monitor.wait(HANDOFF_RECHECK_MILLIS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
      for (int id : candidates) {
        if (askToStepUp(id, refused)) {
          return;
        }
      }
      justTried = true;
      // A candidate that failed for another reason (it lost the election) may be asked again.
    }
  }

  /**
   * Sends replSetStepUp to member {@code id}; whether it was elected. Remembers in {@code refused}
   * a member that may not run now (83: frozen, or not a secondary).
   */
  private boolean askToStepUp(int id, Set<Integer> refused) {
    String host;
    synchronized (monitor) {
      host = replication.hostOf(id);
    }
    if (host == null) {
      refused.add(id);
      return false;
    }
    try {
      peers.call(host, "admin", new BsonDocument("replSetStepUp", new BsonInt32(1)), 5_000);
      Log.info("replica set %s: handed the primary to %s", setName, host);
      return true;
    } catch (com.mongodb.MongoCommandException e) {
      if (e.getErrorCode() == ErrorCode.NODE_NOT_ELECTABLE.code()) {
        refused.add(id);
      }
      Log.info(
          "replica set %s: election handoff to %s failed: %s", setName, host, e.getErrorMessage());
    } catch (RuntimeException e) {
      Log.info("replica set %s: election handoff to %s failed: %s", setName, host, e);
    }
    return false;
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
