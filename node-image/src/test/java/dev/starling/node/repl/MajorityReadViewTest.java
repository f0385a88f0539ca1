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
import org.bson.BsonTimestamp;
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

  private static BsonTimestamp ts(int seconds, int increment) {
    return new BsonTimestamp(seconds, increment);
  }

  /** x read at {@code atClusterTime} (null: the view), with the time it read at. */
  private java.util.Map.Entry<BsonTimestamp, Integer> readXAt(
      BsonTimestamp atClusterTime, BsonTimestamp entryAfterAny) {
    return view.readAt(
        atClusterTime,
        1_000,
        () ->
            engine
                .findById(engine.collection("test", "c"), new BsonInt32(1))
                .getInt32("x")
                .getValue(),
        after -> entryAfterAny);
  }

  @Test
  void snapshotReadsReadTheViewOrATimeTheyNamedBefore() {
    write(1);
    view.take(OpTime.of(10, 1, 1));
    view.advance(OpTime.of(10, 1, 1), OpTime.of(10, 1, 1));
    // No atClusterTime: the view, named by its time (a snapshot session's first read).
    assertThat(readXAt(null, null)).isEqualTo(java.util.Map.entry(ts(10, 1), 1));
    write(2);
    view.take(OpTime.of(10, 2, 1));
    write(3);
    view.take(OpTime.of(10, 3, 1));
    view.advance(OpTime.of(10, 3, 1), OpTime.of(10, 3, 1));

    // The view moved on; the time it named stays readable, exactly.
    assertThat(readXAt(ts(10, 1), ts(10, 2))).isEqualTo(java.util.Map.entry(ts(10, 1), 1));
    // A time nobody was given, with a write between it and the named one: not kept.
    assertThatThrownBy(() -> readXAt(ts(10, 2), ts(10, 2)))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> assertThat(e.error()).isEqualTo(ErrorCode.SNAPSHOT_UNAVAILABLE));
    // Older than every named time.
    assertThatThrownBy(() -> readXAt(ts(9, 1), ts(10, 1)))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> assertThat(e.error()).isEqualTo(ErrorCode.SNAPSHOT_TOO_OLD));
    // The current view's time reads the view.
    assertThat(readXAt(ts(10, 3), null)).isEqualTo(java.util.Map.entry(ts(10, 3), 3));
  }

  @Test
  void aTimeWithNoWriteSinceANamedOneReadsThatOne() {
    write(1);
    view.take(OpTime.of(10, 1, 1));
    view.advance(OpTime.of(10, 1, 1), OpTime.of(10, 1, 1));
    assertThat(readXAt(null, null).getKey()).isEqualTo(ts(10, 1));
    write(2);
    view.take(OpTime.of(20, 1, 1));
    view.advance(OpTime.of(20, 1, 1), OpTime.of(20, 1, 1));

    // The oplog's next entry after 10/1 is 20/1: nothing changed up to 15/0.
    assertThat(readXAt(ts(15, 0), ts(20, 1))).isEqualTo(java.util.Map.entry(ts(15, 0), 1));
  }

  @Test
  void aSnapshotReadAheadOfTheCommitPointWaitsForIt() throws Exception {
    write(1);
    view.take(OpTime.of(10, 1, 1));
    view.advance(OpTime.of(10, 1, 1), OpTime.of(10, 1, 1));
    write(2);
    view.take(OpTime.of(10, 2, 1));

    CompletableFuture<java.util.Map.Entry<BsonTimestamp, Integer>> waiting =
        CompletableFuture.supplyAsync(
            () ->
                view.readAt(
                    ts(10, 2),
                    10_000,
                    () ->
                        engine
                            .findById(engine.collection("test", "c"), new BsonInt32(1))
                            .getInt32("x")
                            .getValue(),
                    after -> null));
    org.awaitility.Awaitility.await()
        .during(java.time.Duration.ofMillis(200))
        .atMost(java.time.Duration.ofSeconds(2))
        .until(() -> !waiting.isDone());
    view.advance(OpTime.of(10, 2, 1), OpTime.of(10, 2, 1));
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(java.util.Map.entry(ts(10, 2), 2));
  }

  @Test
  void aViewNamedToAClientStaysReadableWhileManyMoreEntriesPass() {
    write(1);
    view.take(OpTime.of(10, 1, 1));
    view.advance(OpTime.of(10, 1, 1), OpTime.of(10, 1, 1));
    // A snapshot session's first read names the view's time.
    assertThat(readXAt(null, null)).isEqualTo(java.util.Map.entry(ts(10, 1), 1));
    write(2);
    for (int i = 2; i <= 1_500; i++) {
      view.take(OpTime.of(10, i, 1));
      view.advance(OpTime.of(10, i, 1), OpTime.of(10, i, 1));
    }
    // Far more entries than the per-entry history keeps; the named time still reads exactly.
    assertThat(readXAt(ts(10, 1), ts(10, 2))).isEqualTo(java.util.Map.entry(ts(10, 1), 1));
    // An unnamed time that old is gone: the nearest kept snapshot is the named 10/1, and the entry
    // after it (10/2) lies between.
    assertThatThrownBy(() -> readXAt(ts(10, 3), ts(10, 2)))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> assertThat(e.error()).isEqualTo(ErrorCode.SNAPSHOT_UNAVAILABLE));
  }
}
