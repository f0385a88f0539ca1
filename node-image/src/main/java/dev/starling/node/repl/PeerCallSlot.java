package dev.starling.node.repl;

import java.util.function.Supplier;

/**
 * The calls one thread makes to one peer at a time, which another thread can cut short. A call to a
 * peer that died or stopped answering can block until its timeout (the driver keeps waiting for a
 * server it cannot reach); once the coordinator has moved on to another member, such a call only
 * delays what comes next, so the coordinator cancels it: the call in flight is interrupted (the
 * driver closes its connection) and no further call to that peer is made until the slot is aimed
 * again.
 */
final class PeerCallSlot {
  /** Thrown by {@link #call} once the slot's peer was cancelled. */
  static final class CancelledException extends RuntimeException {
    CancelledException() {
      super("call to a peer cancelled", null, false, false);
    }
  }

  private int memberId = -1; // guarded by this
  private boolean cancelled; // guarded by this
  private Thread caller; // guarded by this: set only while a call is in flight

  /** Aims the slot at {@code memberId}: the calls that follow go to it. */
  synchronized void aim(int memberId) {
    this.memberId = memberId;
    cancelled = false;
  }

  /** The slot is idle: no member's calls are in progress. */
  synchronized void clear() {
    memberId = -1;
    cancelled = false;
  }

  /** The member the slot is aimed at, or -1. */
  synchronized int memberId() {
    return memberId;
  }

  /** Cancels the calls to {@code memberId} if the slot is aimed at it. */
  synchronized void cancel(int memberId) {
    if (this.memberId == memberId && memberId >= 0 && !cancelled) {
      cancelled = true;
      if (caller != null) {
        caller.interrupt();
      }
    }
  }

  /** Runs one call to the slot's member on this thread; {@link CancelledException} if cancelled. */
  <T> T call(Supplier<T> call) {
    synchronized (this) {
      if (cancelled) {
        throw new CancelledException();
      }
      caller = Thread.currentThread();
    }
    try {
      return call.get();
    } catch (RuntimeException e) {
      synchronized (this) {
        if (cancelled) {
          throw new CancelledException();
        }
      }
      throw e;
    } finally {
      synchronized (this) {
        caller = null;
        // An interrupt meant for the call must not outlive it.
        Thread.interrupted();
      }
    }
  }
}
