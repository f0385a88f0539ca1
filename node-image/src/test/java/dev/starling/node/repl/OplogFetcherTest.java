package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.starling.node.repl.core.OpTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fetcher against a fake source: whatever ends a fetch, the tailable cursor it opened on the
 * source is killed, so the source holds only the cursors its members are really tailing.
 */
class OplogFetcherTest {
  private static final int SOURCE = 1;
  private static final String HOST = "source:27017";
  private static final long CURSOR = 42;
  private static final OpTime LAST = OpTime.of(100, 1, 1);

  private final FakeSource source = new FakeSource();
  private final FakeCoordinator coordinator = new FakeCoordinator();
  private final OplogFetcher fetcher = new OplogFetcher(coordinator, source);

  @AfterEach
  void stop() {
    fetcher.stop();
    source.release.countDown();
  }

  private static BsonDocument entry(OpTime at) {
    return new BsonDocument("ts", at.ts())
        .append("t", new BsonInt64(at.term()))
        .append("op", new BsonString("n"));
  }

  private static BsonDocument cursorReply(String batch, long id, BsonDocument... entries) {
    return new BsonDocument(
        "cursor",
        new BsonDocument(batch, new BsonArray(List.of(entries)))
            .append("id", new BsonInt64(id))
            .append("ns", new BsonString("local.oplog.rs")));
  }

  private void fetchOnce() {
    coordinator.plans.add(new OplogFetcher.FetchPlan(SOURCE, HOST, LAST, 50, 1000, false));
    fetcher.start();
  }

  private void awaitKilled() {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(source.killed).containsExactly(CURSOR));
  }

  @Test
  void aFetchAbandonedDuringItsGetMoreKillsItsCursorOnTheSource() {
    source.getMoreBlocks = true;
    fetchOnce();
    await().atMost(Duration.ofSeconds(5)).until(() -> source.getMores.get() > 0);

    fetcher.abandon(SOURCE);

    awaitKilled();
  }

  @Test
  void aFetchAbandonedWhileItAppliesABatchKillsItsCursorAndCallsTheSourceNoMore() {
    source.nextBatch = new BsonDocument[] {entry(OpTime.of(101, 1, 1))};
    coordinator.onApply = () -> fetcher.abandon(SOURCE);
    fetchOnce();

    awaitKilled();
    assertThat(coordinator.applied).hasSize(1);
    assertThat(source.getMores.get()).as("no getMore after the batch was abandoned").isEqualTo(1);
    assertThat(coordinator.failures).isEmpty();
  }

  @Test
  void aFetchWhoseGetMoreFailsKillsItsCursor() {
    source.getMoreFails = true;
    fetchOnce();

    awaitKilled();
    await().atMost(Duration.ofSeconds(5)).until(() -> !coordinator.failures.isEmpty());
  }

  @Test
  void aFetchTheCoordinatorStopsKillsItsCursor() {
    coordinator.keepFetching = false;
    fetchOnce();

    awaitKilled();
    assertThat(source.getMores.get()).isZero();
  }

  @Test
  void aSourceWhoseOplogLacksOurLastEntryHasItsCursorKilledBeforeRollback() {
    source.firstEntry = entry(OpTime.of(99, 1, 1));
    fetchOnce();

    awaitKilled();
    await().atMost(Duration.ofSeconds(5)).until(() -> coordinator.diverged.get() == 1);
  }

  /** A sync source holding our last entry; its getMores behave as each test says. */
  private static final class FakeSource implements PeerCaller {
    volatile BsonDocument firstEntry = entry(LAST);
    volatile BsonDocument[] nextBatch = {};
    volatile boolean getMoreBlocks;
    volatile boolean getMoreFails;
    final java.util.concurrent.atomic.AtomicInteger getMores =
        new java.util.concurrent.atomic.AtomicInteger();
    final List<Long> killed = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public BsonDocument call(String host, String db, BsonDocument command, long timeoutMillis) {
      assertThat(host).isEqualTo(HOST);
      assertThat(db).isEqualTo("local");
      String name = command.getFirstKey();
      switch (name) {
        case "find" -> {
          if (command.containsKey("tailable")) {
            return cursorReply("firstBatch", CURSOR, firstEntry);
          }
          return cursorReply("firstBatch", 0, entry(OpTime.of(1, 1, 1))); // the oldest entry
        }
        case "getMore" -> {
          getMores.incrementAndGet();
          if (getMoreFails) {
            throw new IllegalStateException("timed out");
          }
          if (getMoreBlocks) {
            try {
              // As the driver does: an interrupted call fails.
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              throw new IllegalStateException("interrupted", e);
            }
          }
          return cursorReply("nextBatch", CURSOR, nextBatch);
        }
        case "killCursors" -> {
          command.getArray("cursors").forEach(id -> killed.add(id.asInt64().getValue()));
          return new BsonDocument();
        }
        default -> throw new IllegalArgumentException(name);
      }
    }
  }

  /** Hands out the queued plans, then nothing; records what the fetcher reports. */
  private static final class FakeCoordinator implements OplogFetcher.Coordinator {
    final BlockingQueue<OplogFetcher.FetchPlan> plans = new LinkedBlockingQueue<>();
    volatile boolean keepFetching = true;
    volatile Runnable onApply = () -> {};
    final List<List<BsonDocument>> applied = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.AtomicInteger diverged =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public OplogFetcher.FetchPlan nextFetch() throws InterruptedException {
      return plans.poll(100, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean keepFetching(int sourceId) {
      return keepFetching;
    }

    @Override
    public void apply(int sourceId, List<BsonDocument> entries) {
      applied.add(entries);
      onApply.run();
    }

    @Override
    public void batchApplied(int sourceId, BsonDocument metadata) {}

    @Override
    public void fetchFailed(int sourceId, String why) {
      failures.add(why);
    }

    @Override
    public void diverged(int sourceId, String host, OpTime lastApplied) {
      diverged.incrementAndGet();
    }

    @Override
    public void tooStale(
        int sourceId, String host, OpTime lastApplied, BsonDocument sourceOldest) {}

    @Override
    public void initialSync(int sourceId, String host) {}
  }
}
