package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.MemberStatus;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.storage.StorageEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Members' positions with a real core, a storage that only syncs, and no peer ever called. */
class PositionCoordinatorTest {
  private static final ReplSetConfig CONFIG = FakeCoordinator.THREE;

  private final FakeReplication replication = new FakeReplication();
  private final AtomicInteger syncs = new AtomicInteger();
  private final StorageEngine storage = FakeCoordinator.syncOnlyStorage(syncs, new AtomicInteger());
  private final PositionCoordinator positions =
      new PositionCoordinator(
          replication,
          replication,
          (host, db, command, timeout) -> {
            throw new AssertionError("no source, no report: " + host);
          },
          storage,
          Clock.systemUTC());

  @AfterEach
  void close() {
    synchronized (replication) {
      replication.closed = true;
      positions.close();
    }
  }

  private MemberStatus member(int id) {
    synchronized (replication) {
      return replication.topology.memberStatuses(Clock.systemUTC().millis()).stream()
          .filter(m -> m.id() == id)
          .findFirst()
          .orElseThrow();
    }
  }

  @Test
  void aMemberWithoutAConfigRefusesPositions() {
    assertThatThrownBy(() -> positions.onUpdatePosition(List.of(), 1))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> assertThat(e.error()).isEqualTo(ErrorCode.NOT_YET_INITIALIZED));
  }

  @Test
  void reportedPositionsReachTheCoreButNeverOurOwn() {
    replication.topology.installConfig(0, CONFIG);
    OpTime at = OpTime.of(20, 1, 0);
    positions.onUpdatePosition(
        List.of(
            new ReplMessages.Position(2, 1, at, at),
            new ReplMessages.Position(0, 1, OpTime.of(99, 1, 0), OpTime.of(99, 1, 0))),
        0);

    assertThat(member(2).appliedOpTime()).isEqualTo(at);
    assertThat(replication.topology.myLastApplied()).isEqualTo(OpTime.NULL);
    assertThat(replication.progress.get()).isEqualTo(1);
  }

  @Test
  void theDurablePositionFollowsEachSyncOfWhatIsApplied() {
    replication.topology.installConfig(0, CONFIG);
    synchronized (replication) {
      replication.topology.setMyLastOpTimes(OpTime.of(10, 1, 0), OpTime.NULL);
    }
    positions.start();
    positions.written();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              synchronized (replication) {
                return replication.topology.myLastDurable().equals(OpTime.of(10, 1, 0));
              }
            });
    assertThat(syncs.get()).isPositive();
  }

  /** The coordinator's side around a real core. */
  private static final class FakeReplication extends FakeCoordinator
      implements PositionCoordinator.Replication {
    final AtomicInteger progress = new AtomicInteger();

    @Override
    public boolean writablePrimary() {
      return false;
    }

    @Override
    public void progress() {
      progress.incrementAndGet();
    }
  }
}
