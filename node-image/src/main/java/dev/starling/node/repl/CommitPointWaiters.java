package dev.starling.node.repl;

import dev.starling.node.repl.core.OpTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The threads waiting for the commit point to reach their entry (w:"majority"). When the commit
 * point moves, only the waiters it reached wake, instead of every thread waiting for any
 * replication progress: with many concurrent majority writes, waking them all on each position
 * report, heartbeat and journal sync costs more CPU than the writes do. A state change (step-down,
 * shutdown) wakes them all, to fail them.
 */
final class CommitPointWaiters {
  /** One waiting thread. */
  static final class Waiter {
    private final OpTime target;
    private boolean woken; // guarded by this

    private Waiter(OpTime target) {
      this.target = target;
    }

    /** Waits up to {@code millis} to be woken; returns at once if it was already. */
    synchronized void await(long millis) throws InterruptedException {
      if (!woken && millis > 0) {
        wait(millis);
      }
    }

    private synchronized void wake() {
      woken = true;
      notifyAll();
    }

    synchronized boolean woken() {
      return woken;
    }
  }

  private final TreeMap<OpTime, ArrayDeque<Waiter>> byTarget = new TreeMap<>();

  /**
   * A new waiter for {@code target}. Register under the same lock that orders commit point changes
   * with the check of the commit point, so that no advance is missed in between.
   */
  synchronized Waiter register(OpTime target) {
    Waiter waiter = new Waiter(target);
    byTarget.computeIfAbsent(target, t -> new ArrayDeque<>()).add(waiter);
    return waiter;
  }

  /** Forgets {@code waiter} (it is done, woken or not). */
  synchronized void remove(Waiter waiter) {
    ArrayDeque<Waiter> waiters = byTarget.get(waiter.target);
    if (waiters != null && waiters.remove(waiter) && waiters.isEmpty()) {
      byTarget.remove(waiter.target);
    }
  }

  /** The commit point is now {@code commitPoint}: wakes the waiters it reached. */
  void advance(OpTime commitPoint) {
    List<Waiter> reached = new ArrayList<>();
    synchronized (this) {
      Map<OpTime, ArrayDeque<Waiter>> head = byTarget.headMap(commitPoint, true);
      head.values().forEach(reached::addAll);
      head.clear();
    }
    reached.forEach(Waiter::wake);
  }

  /** Wakes every waiter (the node's state changed: they re-check and most likely fail). */
  void wakeAll() {
    List<Waiter> all = new ArrayList<>();
    synchronized (this) {
      byTarget.values().forEach(all::addAll);
      byTarget.clear();
    }
    all.forEach(Waiter::wake);
  }

  /** How many threads wait. */
  synchronized int size() {
    return byTarget.values().stream().mapToInt(ArrayDeque::size).sum();
  }
}
