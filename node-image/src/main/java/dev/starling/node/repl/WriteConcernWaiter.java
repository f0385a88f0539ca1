package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.WriteConcernMode;
import dev.starling.node.util.Log;
import java.time.Clock;
import org.bson.BsonDocument;

/**
 * Write-concern waiting (mongod's {@code awaitReplication}): a write waits until the members its
 * concern asks for hold its entry, until its {@code wtimeout}, or until the member steps down. A
 * {@code w: "majority"} wait is woken only when the commit point reaches its entry; the others wake
 * on any replication progress and check again.
 */
final class WriteConcernWaiter {
  /** Waits over this are logged with every member's position, so a stall can be traced. */
  static final long SLOW_WAIT_MILLIS = 500;

  /** What the waits read of replication; called with the coordinator's monitor held. */
  interface Replication {
    /** The config, or null before there is one. */
    ReplSetConfig config();

    /** This member's last applied entry: what a request that wrote nothing waits for. */
    OpTime lastApplied();

    /**
     * Whether the members that {@code request} (with its {@code mode}) asks for hold {@code
     * target}.
     */
    boolean satisfied(WriteConcernRequest request, WriteConcernMode mode, OpTime target);

    /** Moves whenever this member stops being primary: the waits begun before it fail. */
    long stateGeneration();

    boolean closed();

    /** The commit point and every member's applied and durable positions, for the slow log. */
    String positions();
  }

  private static final ThreadLocal<OpTime> LAST_OP = new ThreadLocal<>();

  private final Object monitor;
  private final Replication replication;
  private final ProgressSignal progress;
  private final Clock clock;
  private final CommitPointWaiters majorityWaiters = new CommitPointWaiters();

  /**
   * @param monitor the lock {@link Replication} is read under, which also orders the commit point's
   *     moves with the registration of majority waiters
   * @param progress signalled on any replication progress (a position, the commit point, a state)
   */
  WriteConcernWaiter(
      Object monitor, Replication replication, ProgressSignal progress, Clock clock) {
    this.monitor = monitor;
    this.replication = replication;
    this.progress = progress;
    this.clock = clock;
  }

  /** This thread wrote {@code opTime}: its next wait is for that entry. */
  void wrote(OpTime opTime) {
    LAST_OP.set(opTime);
  }

  /**
   * The commit point moved to {@code committed}: wakes the majority waits it reached. Holds the
   * monitor.
   */
  void commitPointMoved(OpTime committed) {
    majorityWaiters.advance(committed);
  }

  /** The state changed (stepped down, closed): wakes every majority wait, to fail it. */
  void wakeAll() {
    majorityWaiters.wakeAll();
  }

  /**
   * Waits until this thread's last write satisfies {@code writeConcern}; returns the
   * writeConcernError to put on the reply, or null. A request that wrote nothing waits for the
   * node's last applied entry, as mongod waits for the client's last OpTime.
   */
  BsonDocument await(BsonDocument writeConcern) {
    OpTime mine = LAST_OP.get();
    LAST_OP.remove();
    WriteConcernRequest request = WriteConcernRequest.parse(writeConcern);
    long waitStart = clock.millis();
    long deadline =
        request.wtimeoutMillis() > 0 ? waitStart + request.wtimeoutMillis() : Long.MAX_VALUE;
    OpTime target;
    long generation;
    WriteConcernMode mode;
    synchronized (monitor) {
      ReplSetConfig config = replication.config();
      BsonDocument unsatisfiable = request.unsatisfiable(config);
      if (unsatisfiable != null || config == null || request.satisfiedLocally()) {
        return unsatisfiable;
      }
      mode = request.mode(config);
      target = mine != null ? mine : replication.lastApplied();
      generation = replication.stateGeneration();
    }
    return waitFor(request, mode, target, generation, waitStart, deadline, false);
  }

  /** The concern of {@link #awaitCommitted}. */
  private static final WriteConcernRequest MAJORITY =
      WriteConcernRequest.parse(new BsonDocument("w", new org.bson.BsonString("majority")));

  /**
   * Waits until the commit point reaches {@code target}, an entry this member wrote as primary
   * while its state generation was {@code generation} (a linearizable read's no-op); returns null
   * then, 64 WriteConcernFailed after {@code maxMillis} (0: no limit), 11602 once the member
   * stepped down. Unlike a write's wait, a step-down fails it even when the commit point has passed
   * the target meanwhile: a commit point learned from a new primary says nothing of an entry the
   * new primary may not have (mongod's awaitReplication fails on a step-down or new term first
   * too).
   */
  BsonDocument awaitCommitted(OpTime target, long generation, long maxMillis) {
    long waitStart = clock.millis();
    long deadline = maxMillis > 0 ? waitStart + maxMillis : Long.MAX_VALUE;
    return waitFor(MAJORITY, null, target, generation, waitStart, deadline, true);
  }

  /**
   * The wait of {@link #await} and {@link #awaitCommitted}: until {@code request} is satisfied for
   * {@code target}, the deadline passes or the state generation moves on from {@code generation};
   * {@code stateFirst} looks at the state before the positions.
   */
  private BsonDocument waitFor(
      WriteConcernRequest request,
      WriteConcernMode mode,
      OpTime target,
      long generation,
      long waitStart,
      long deadline,
      boolean stateFirst) {
    CommitPointWaiters.Waiter waiter = null;
    try {
      while (true) {
        // Read the signal's version before the check, so a change in between is not missed.
        long seen = progress.version();
        synchronized (monitor) {
          boolean stateChanged =
              generation != replication.stateGeneration() || replication.closed();
          if (!(stateFirst && stateChanged) && replication.satisfied(request, mode, target)) {
            logSlowWait(waitStart, target);
            return null;
          }
          if (stateChanged) {
            return WriteConcernRequest.error(
                ErrorCode.INTERRUPTED_DUE_TO_REPL_STATE_CHANGE,
                "operation was interrupted because the node stepped down while waiting for"
                    + " replication",
                null);
          }
          if (request.majority() && (waiter == null || waiter.woken())) {
            if (waiter != null) {
              majorityWaiters.remove(waiter);
            }
            // Under the monitor, as the commit point's moves are: no advance is missed.
            waiter = majorityWaiters.register(target);
          }
        }
        long wait = deadline - clock.millis();
        if (wait <= 0) {
          return request.timedOut();
        }
        try {
          if (waiter != null) {
            waiter.await(Math.min(wait, 1000));
          } else {
            progress.await(seen, Math.min(wait, 1000));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return WriteConcernRequest.error(
              ErrorCode.INTERRUPTED_DUE_TO_REPL_STATE_CHANGE, "interrupted", null);
        }
      }
    } finally {
      if (waiter != null) {
        majorityWaiters.remove(waiter);
      }
    }
  }

  /**
   * Like mongod's slow operation log: a wait over {@link #SLOW_WAIT_MILLIS} is logged with where
   * every member stood when it ended. Holds the monitor.
   */
  private void logSlowWait(long waitStart, OpTime target) {
    long waited = clock.millis() - waitStart;
    if (waited >= SLOW_WAIT_MILLIS) {
      Log.info(
          "slow write concern wait: %d ms for %s; %s", waited, target, replication.positions());
    }
  }
}
