package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.repl.core.HeartbeatResponse;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.WriteObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data path's decisions with a real core; the fetcher itself is not started. */
class BackgroundSyncTest {
  private static final ReplSetConfig CONFIG = FakeCoordinator.THREE;

  @TempDir Path dir;
  private RocksStorageEngine storage;
  private PeerClients peers;
  private final Clock clock = Clock.systemUTC();
  private final FakeReplication replication = new FakeReplication();
  private final List<List<BsonDocument>> applied = new CopyOnWriteArrayList<>();
  private BackgroundSync sync;

  /** What the applier "writes" for each batch: its last entry, as the oplog writer reports it. */
  private OpTime batchEnd = OpTime.of(12, 1, 1);

  @BeforeEach
  void open() {
    storage = RocksStorageEngine.open(dir, WriteObserver.NONE);
    peers = new PeerClients(() -> false);
    sync =
        new BackgroundSync(
            replication,
            "rs0",
            replication,
            new FailPoints(),
            peers,
            storage,
            new OplogWriter(clock),
            new ReplicationLocalStore(storage),
            batch -> {
              applied.add(batch);
              sync.absorb(new OplogWriter.OplogEntryWritten(batchEnd, clock.millis()));
            },
            dir,
            clock);
    TopologyCoordinator tc = replication.topology;
    tc.installConfig(clock.millis(), CONFIG);
    tc.setMyLastOpTimes(OpTime.of(10, 1, 1), OpTime.of(10, 1, 1));
    tc.processHeartbeatResponse(clock.millis(), 1, member(MemberState.PRIMARY, 10), 1);
    tc.processHeartbeatResponse(clock.millis(), 2, member(MemberState.SECONDARY, 10), 5);
  }

  @AfterEach
  void close() {
    peers.close();
    storage.close();
  }

  private static HeartbeatResponse member(MemberState state, int appliedSecs) {
    OpTime applied = OpTime.of(appliedSecs, 1, 1);
    return new HeartbeatResponse(
        "rs0",
        state,
        1,
        1,
        0,
        applied,
        applied,
        OpTime.NULL,
        state == MemberState.PRIMARY ? 1 : -1,
        -1,
        0);
  }

  @Test
  void aSecondaryFetchesFromThePrimaryFromItsLastEntry() throws Exception {
    OplogFetcher.FetchPlan plan = sync.fetchTarget.nextFetch();

    assertThat(plan.sourceId()).isEqualTo(1);
    assertThat(plan.host()).isEqualTo("b:1");
    assertThat(plan.lastApplied()).isEqualTo(OpTime.of(10, 1, 1));
    assertThat(plan.initialSync()).isFalse();
    assertThat(plan.awaitMillis()).isEqualTo(BackgroundSync.oplogAwaitMillis(CONFIG));
  }

  @Test
  void anAppliedBatchIsOursAndHeldByItsSourceBeforeAnythingElseLooks() throws Exception {
    sync.fetchTarget.nextFetch();
    BsonDocument entry = BsonDocument.parse("{op: 'n'}");

    sync.fetchTarget.apply(1, List.of(entry));

    assertThat(applied).containsExactly(List.of(entry));
    assertThat(replication.written).containsExactly(batchEnd);
    synchronized (replication) {
      replication.topology.setMyLastOpTimes(batchEnd, batchEnd);
      assertThat(replication.topology.shouldChangeSyncSource(clock.millis(), 1))
          .as("the source sent the batch, so it is not behind us")
          .isFalse();
      assertThat(sync.applyingBatch()).isFalse();
    }
  }

  @Test
  void syncFromMovesTheNextFetchToTheRequestedMember() throws Exception {
    sync.fetchTarget.nextFetch();

    BsonDocument reply = sync.syncFrom("c:1");

    assertThat(reply)
        .isEqualTo(BsonDocument.parse("{syncFromRequested: 'c:1', prevSyncTarget: 'b:1'}"));
    assertThat(sync.fetchTarget.nextFetch().host()).isEqualTo("c:1");
  }

  @Test
  void aWritablePrimaryAppliesNothingItFetched() {
    replication.writablePrimary = true;
    sync.fetchTarget.apply(1, List.of(BsonDocument.parse("{op: 'n'}")));
    assertThat(applied).isEmpty();
    assertThat(replication.written).isEmpty();
  }

  @Test
  void aRecoveringMemberBecomesSecondaryOnceItReachesMinValid() {
    synchronized (replication) {
      sync.recoveringUntil(OpTime.of(11, 1, 1));
    }
    assertThat(replication.topology.memberState()).isEqualTo(MemberState.RECOVERING);
    new ReplicationLocalStore(storage).storeMinValid(new MinValid(OpTime.of(11, 1, 1), false));

    sync.fetchTarget.batchApplied(1, new BsonDocument());
    assertThat(replication.topology.memberState())
        .as("not there yet")
        .isEqualTo(MemberState.RECOVERING);

    replication.topology.setMyLastOpTimes(OpTime.of(11, 1, 1), OpTime.of(11, 1, 1));
    sync.fetchTarget.batchApplied(1, new BsonDocument());
    assertThat(replication.topology.memberState()).isEqualTo(MemberState.SECONDARY);
    assertThat(new ReplicationLocalStore(storage).minValid()).isEqualTo(MinValid.NONE);
  }

  /** The coordinator's side around a real core. */
  private static final class FakeReplication extends FakeCoordinator
      implements BackgroundSync.Replication {
    volatile boolean writablePrimary;
    final List<OpTime> written = new CopyOnWriteArrayList<>();

    @Override
    public boolean writablePrimary() {
      return writablePrimary;
    }

    @Override
    public void batchWritten(OplogWriter.OplogEntryWritten last) {
      written.add(last.opTime());
    }

    @Override
    public void rolledBack() {}
  }
}
