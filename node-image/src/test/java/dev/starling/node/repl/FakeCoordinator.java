package dev.starling.node.repl;

import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.HeartbeatResponse;
import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.storage.StorageEngine;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The coordinator's side that the replication pieces' unit tests give them: a real core for member
 * a:1, what is read off it as the coordinator reads it ({@link CoreView}), and the other common
 * methods of the pieces' {@code Replication} views (each test's fake extends this and implements
 * its piece's view). Also the fixtures those tests share.
 */
abstract class FakeCoordinator extends CoreView {
  /** Members a:1 (this node), b:1 and c:1. */
  static final ReplSetConfig THREE =
      ReplSetConfig.builder("rs0")
          .member(MemberConfig.of(0, "a:1"))
          .member(MemberConfig.of(1, "b:1"))
          .member(MemberConfig.of(2, "c:1"))
          .build();

  final TopologyCoordinator topology = new TopologyCoordinator("a:1", new Random(7));
  volatile boolean closed;

  FakeCoordinator() {
    super(Clock.systemUTC());
  }

  @Override
  public TopologyCoordinator topology() {
    return topology;
  }

  public boolean closed() {
    return closed;
  }

  public boolean writablePrimary() {
    return topology.isWritablePrimary();
  }

  public MemberState state() {
    return topology.memberState();
  }

  public void act(DurableState persist, Action action) {}

  public void publish() {}

  public void progress() {}

  public void heartbeatAllNow() {}

  /** A heartbeat reply from a member of rs0 in {@code state} holding {@code applied}. */
  static HeartbeatResponse reply(MemberState state, long term, OpTime applied) {
    return new HeartbeatResponse(
        "rs0", state, term, 1, 0, applied, applied, OpTime.NULL, -1, -1, 0);
  }

  /**
   * A storage engine that only counts {@link StorageEngine#waitUntilDurable} calls, failing while
   * {@code failuresLeft} is positive; every other call is unsupported.
   */
  static StorageEngine syncOnlyStorage(AtomicInteger syncs, AtomicInteger failuresLeft) {
    return (StorageEngine)
        Proxy.newProxyInstance(
            StorageEngine.class.getClassLoader(),
            new Class<?>[] {StorageEngine.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("waitUntilDurable")) {
                throw new UnsupportedOperationException(method.getName());
              }
              syncs.incrementAndGet();
              if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("disk full");
              }
              return null;
            });
  }
}
