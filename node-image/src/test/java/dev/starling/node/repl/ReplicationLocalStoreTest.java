package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.LastVote;
import dev.starling.node.repl.core.MemberConfig;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.storage.Column;
import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.WriteObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationLocalStoreTest {
  @TempDir Path dir;
  RocksStorageEngine engine;
  ReplicationLocalStore local;

  @BeforeEach
  void open() {
    engine = RocksStorageEngine.open(dir, WriteObserver.NONE);
    local = new ReplicationLocalStore(engine);
  }

  @AfterEach
  void close() {
    engine.close();
  }

  private BsonDocument stored(String key) {
    return BsonCodec.decode(engine.get(Column.LOCAL, key.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aNewNodeHasNothingStored() {
    assertThat(local.config()).isNull();
    assertThat(local.durableState()).isEqualTo(DurableState.INITIAL);
    assertThat(local.minValid()).isEqualTo(MinValid.NONE);
    assertThat(local.oplogSizeBytes()).isNull();
  }

  @Test
  void everythingStoredIsReadBackAfterAReopen() {
    ReplSetConfig config =
        ReplSetConfig.builder("rs0").member(MemberConfig.of(0, "a:27017")).build();
    local.storeConfig(config);
    local.storeDurableState(new DurableState(7, new LastVote(6, 2)));
    local.storeMinValid(new MinValid(OpTime.of(100, 3, 6), false));
    local.storeOplogSize(5L << 30);
    engine.close();
    engine = RocksStorageEngine.open(dir, WriteObserver.NONE);
    local = new ReplicationLocalStore(engine);

    assertThat(local.config().toBsonDocument()).isEqualTo(config.toBsonDocument());
    assertThat(local.durableState()).isEqualTo(new DurableState(7, new LastVote(6, 2)));
    assertThat(local.minValid()).isEqualTo(new MinValid(OpTime.of(100, 3, 6), false));
    assertThat(local.oplogSizeBytes()).isEqualTo(5L << 30);
  }

  @Test
  void theKeysAndDocumentsAreTheOnesEarlierVersionsWrote() {
    local.storeDurableState(new DurableState(7, new LastVote(6, 2)));
    local.storeMinValid(new MinValid(OpTime.NULL, true));
    local.storeAppliedThrough(OpTime.of(100, 3, 6));
    local.storeOplogSize(1024);

    assertThat(stored("election"))
        .isEqualTo(
            BsonDocument.parse(
                "{term: {$numberLong: '7'}, voteTerm: {$numberLong: '6'}," + " candidateId: 2}"));
    assertThat(stored("minValid")).isEqualTo(BsonDocument.parse("{initialSync: true}"));
    assertThat(stored("appliedThrough")).isEqualTo(OpTime.of(100, 3, 6).toBsonDocument());
    assertThat(stored("oplogSize"))
        .isEqualTo(BsonDocument.parse("{sizeBytes: {$numberLong: '1024'}}"));
    List<String> keys = new ArrayList<>();
    engine
        .scanColumn(Column.LOCAL, false)
        .forEachRemaining(kv -> keys.add(new String(kv[0], StandardCharsets.UTF_8)));
    assertThat(keys).containsExactly("appliedThrough", "election", "minValid", "oplogSize");
  }
}
