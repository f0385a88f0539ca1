package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.StorageEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JournalFlusherTest {
  private final AtomicInteger syncs = new AtomicInteger();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final FakePositions positions = new FakePositions();

  private final StorageEngine storage = FakeCoordinator.syncOnlyStorage(syncs, failuresLeft);

  private final JournalFlusher flusher = new JournalFlusher(positions, storage, Clock.systemUTC());

  @AfterEach
  void stop() {
    positions.closed = true;
    flusher.wake();
  }

  @Test
  void everythingWrittenSinceTheLastSyncIsMadeDurableByOneSyncThenReported() {
    flusher.start();
    positions.written(OpTime.of(10, 1, 1));
    flusher.wake();

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(positions.durable).containsExactly(OpTime.of(10, 1, 1)));
    assertThat(syncs.get()).isEqualTo(1);

    positions.written(OpTime.of(12, 1, 1));
    flusher.wake();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(positions.durable)
                    .containsExactly(OpTime.of(10, 1, 1), OpTime.of(12, 1, 1)));
    assertThat(syncs.get()).isEqualTo(2);
  }

  @Test
  void aFailedSyncIsRetriedAndNothingIsDurableUntilOneSucceeds() {
    failuresLeft.set(1);
    flusher.start();
    positions.written(OpTime.of(10, 1, 1));
    flusher.wake();

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(positions.durable).containsExactly(OpTime.of(10, 1, 1)));
    assertThat(syncs.get()).isEqualTo(2);
  }

  /** The coordinator's positions: what was written, and what the flusher reported durable. */
  private static final class FakePositions implements JournalFlusher.Positions {
    volatile boolean closed;
    private OpTime applied = OpTime.NULL;
    private OpTime durableThrough = OpTime.NULL;
    final List<OpTime> durable = new CopyOnWriteArrayList<>();

    synchronized void written(OpTime opTime) {
      applied = opTime;
    }

    @Override
    public boolean closed() {
      return closed;
    }

    @Override
    public synchronized OpTime notYetDurable() {
      return applied.isAfter(durableThrough) ? applied : null;
    }

    @Override
    public synchronized void durableThrough(OpTime opTime) {
      durableThrough = opTime;
      durable.add(opTime);
    }
  }
}
