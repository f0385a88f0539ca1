package dev.starling.node.wire;

import java.util.concurrent.atomic.AtomicLong;

/** Connection counters for serverStatus and /metrics. */
public final class ConnectionStats {
  private final AtomicLong current = new AtomicLong();
  private final AtomicLong totalCreated = new AtomicLong();
  private final AtomicLong active = new AtomicLong();

  long opened() {
    current.incrementAndGet();
    return totalCreated.incrementAndGet();
  }

  void closed() {
    current.decrementAndGet();
  }

  void requestStarted() {
    active.incrementAndGet();
  }

  void requestFinished() {
    active.decrementAndGet();
  }

  public long current() {
    return current.get();
  }

  public long totalCreated() {
    return totalCreated.get();
  }

  public long active() {
    return active.get();
  }
}
