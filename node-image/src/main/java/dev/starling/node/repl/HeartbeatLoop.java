package dev.starling.node.repl;

import dev.starling.node.util.Log;
import java.time.Clock;
import org.bson.BsonDocument;

/**
 * Sends replSetHeartbeat to one member, on its own virtual thread, at the times the core asks for.
 * A call that fails is followed by a TCP probe: a refused connection means the member's process is
 * gone. {@link #now()} makes the next heartbeat go at once (the oplog fetcher lost its source, or a
 * newer config was announced).
 */
final class HeartbeatLoop implements Runnable {
  /** What the loop needs from the coordinator. */
  interface Target {
    /** The request for {@code memberId}, or null when the loop should end (config changed). */
    HeartbeatCall prepare(int memberId, long generation);

    /** The reply arrived; returns when to send the next heartbeat (millis). */
    long succeeded(int memberId, long generation, BsonDocument reply, long pingMillis);

    /** The call failed; returns when to send the next heartbeat (millis). */
    long failed(int memberId, long generation, boolean refused);
  }

  /** One heartbeat to send: where, what, and its timeout. */
  record HeartbeatCall(String host, BsonDocument request, long timeoutMillis) {}

  private final int memberId;
  private final long generation;
  private final Target target;
  private final PeerCaller peers;
  private final Clock clock;
  private long nextAtMillis;
  private boolean urgent;
  private boolean stopped;

  HeartbeatLoop(int memberId, long generation, Target target, PeerCaller peers, Clock clock) {
    this.memberId = memberId;
    this.generation = generation;
    this.target = target;
    this.peers = peers;
    this.clock = clock;
  }

  void start() {
    Thread.ofVirtual().name("repl-heartbeat-" + memberId).start(this);
  }

  /** Send the next heartbeat now. */
  synchronized void now() {
    nextAtMillis = 0;
    urgent = true;
    notifyAll();
  }

  synchronized void stop() {
    stopped = true;
    notifyAll();
  }

  private synchronized boolean awaitTurn() throws InterruptedException {
    while (!stopped) {
      long wait = nextAtMillis - clock.millis();
      if (wait <= 0) {
        urgent = false;
        return true;
      }
      wait(wait);
    }
    return false;
  }

  /** Sends one heartbeat; returns when the next one is due. */
  private long beat(HeartbeatCall call) {
    // A refused TCP connect settles a dead member at once, where the driver would keep retrying
    // until the call's timeout; the probe costs one local connect per heartbeat.
    if (peers.probeRefused(call.host(), 250)) {
      return target.failed(memberId, generation, true);
    }
    long sent = clock.millis();
    try {
      BsonDocument reply = peers.call(call.host(), "admin", call.request(), call.timeoutMillis());
      return target.succeeded(memberId, generation, reply, clock.millis() - sent);
    } catch (RuntimeException e) {
      return target.failed(memberId, generation, peers.probeRefused(call.host(), 250));
    }
  }

  @Override
  public void run() {
    try {
      while (awaitTurn()) {
        HeartbeatCall call = target.prepare(memberId, generation);
        if (call == null) {
          return;
        }
        long next = beat(call);
        synchronized (this) {
          nextAtMillis = urgent ? Math.min(next, clock.millis() + 50) : next;
          urgent = false;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      Log.error(e, "heartbeat loop for member %d failed", memberId);
    }
  }
}
