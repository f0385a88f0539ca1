package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.LastVote;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.RocksStorageEngine;
import java.nio.file.Path;
import java.time.Clock;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationRecoveryTest {
  @TempDir Path dir;
  final OplogWriter oplog = new OplogWriter(Clock.systemUTC());
  RocksStorageEngine storage;
  ReplicationLocalStore local;

  private void open() {
    storage = RocksStorageEngine.open(dir, oplog);
    oplog.termSource(() -> 2);
    local = new ReplicationLocalStore(storage);
  }

  @AfterEach
  void close() {
    storage.close();
  }

  private ReplicationRecovery.Recovered recover() {
    return ReplicationRecovery.recover("rs0", storage, oplog, local);
  }

  @Test
  void aNewMemberRecoversNothing() {
    open();
    assertThat(recover())
        .isEqualTo(
            new ReplicationRecovery.Recovered(
                DurableState.INITIAL, null, MinValid.NONE, OpTime.NULL, 0));
  }

  @Test
  void aRestartedMemberResumesAfterItsNewestEntryWithItsStoredState() {
    open();
    oplog.appendNoop(storage, new BsonDocument());
    OpTime newest = oplog.appendNoop(storage, new BsonDocument());
    DurableState durable = new DurableState(2, new LastVote(2, 1));
    local.storeDurableState(durable);
    local.storeConfig(FakeCoordinator.THREE);
    storage.close();
    open();

    ReplicationRecovery.Recovered r = recover();

    assertThat(r.lastApplied()).isEqualTo(newest);
    assertThat(r.lastWallMillis()).isPositive();
    assertThat(r.durable()).isEqualTo(durable);
    assertThat(r.config().toBsonDocument()).isEqualTo(FakeCoordinator.THREE.toBsonDocument());
    assertThat(oplog.appendNoop(storage, new BsonDocument()).ts()).isGreaterThan(newest.ts());
  }

  @Test
  void anInterruptedInitialSyncStartsOverWithAnEmptyOplog() {
    open();
    oplog.appendNoop(storage, new BsonDocument());
    local.storeConfig(FakeCoordinator.THREE);
    local.storeMinValid(new MinValid(OpTime.NULL, true));

    ReplicationRecovery.Recovered r = recover();

    assertThat(r.lastApplied()).isEqualTo(OpTime.NULL);
    assertThat(r.lastWallMillis()).isZero();
    assertThat(r.minValid().initialSync()).isTrue();
    assertThat(OplogWriter.read(storage, false).hasNext()).isFalse();
  }
}
