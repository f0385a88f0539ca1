package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.CollectionWriter;
import dev.starling.node.storage.Durability;
import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.WriteObserver;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MajorityReadViewTest {
  @TempDir Path dir;
  RocksStorageEngine engine;
  MajorityReadView view;

  @BeforeEach
  void open() {
    engine = RocksStorageEngine.open(dir, WriteObserver.NONE);
    view = new MajorityReadView(engine);
  }

  @AfterEach
  void close() {
    view.close();
    engine.close();
  }

  private void write(int x) {
    BsonDocument after = new BsonDocument("_id", new BsonInt32(1)).append("x", new BsonInt32(x));
    try (CollectionWriter w =
        engine.writer(engine.collectionForWrite("test", "c"), Durability.WRITTEN)) {
      BsonDocument current = engine.findById(w.collection(), new BsonInt32(1));
      if (current == null) {
        w.insert(after);
      } else {
        w.replace(current, after);
      }
    }
  }

  private int readX() {
    return view.read(
        () ->
            engine
                .findById(engine.collection("test", "c"), new BsonInt32(1))
                .getInt32("x")
                .getValue(),
        1_000);
  }

  @Test
  void readsSeeTheDataAsOfTheCommitPointNotWhatCameAfter() {
    write(1);
    view.take(OpTime.of(10, 1, 1));
    write(2);
    view.take(OpTime.of(10, 2, 1));
    write(3); // not committed, no snapshot yet

    view.advance(OpTime.of(10, 1, 1), OpTime.of(10, 3, 1));
    assertThat(readX()).isEqualTo(1);
    // A commit point between two snapshots reads the older one: committed, if not the newest.
    view.advance(OpTime.of(10, 2, 0), OpTime.of(10, 3, 1));
    assertThat(readX()).isEqualTo(1);
    view.advance(OpTime.of(10, 2, 1), OpTime.of(10, 3, 1));
    assertThat(readX()).isEqualTo(2);
  }

  @Test
  void withNoViewYetAReadWaitsForOneAndFailsWith134AfterItsTimeout() throws Exception {
    write(1);
    assertThatThrownBy(() -> view.read(() -> 0, 50))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e ->
                assertThat(e.error()).isEqualTo(ErrorCode.READ_CONCERN_MAJORITY_NOT_AVAILABLE_YET));

    CompletableFuture<Integer> waiting =
        CompletableFuture.supplyAsync(() -> view.read(() -> 7, 10_000));
    view.take(OpTime.of(10, 1, 1));
    view.advance(OpTime.of(10, 1, 1), OpTime.of(10, 1, 1));
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(7);
  }

  @Test
  void afterARestartEverythingAppliedAndCommittedIsTheView() {
    write(5);
    view.advance(OpTime.of(10, 1, 1), OpTime.of(10, 1, 1));
    assertThat(readX()).isEqualTo(5);
  }
}
