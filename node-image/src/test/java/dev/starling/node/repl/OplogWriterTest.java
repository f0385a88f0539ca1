package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import dev.starling.node.storage.Durability;
import dev.starling.node.storage.RocksStorageEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.UuidRepresentation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OplogWriterTest {
  @TempDir Path dir;
  final AtomicLong millis = new AtomicLong(1_700_000_000_500L);
  final Clock clock =
      new Clock() {
        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(millis.get());
        }
      };
  final OplogWriter oplog = new OplogWriter(clock);
  RocksStorageEngine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  private void open() {
    engine = RocksStorageEngine.open(dir, oplog);
    oplog.termSource(() -> 3);
  }

  @Test
  void insertUpdateDeleteEntriesHaveMongodsIdempotentForm() {
    open();
    CollectionMeta c = setUpCollection("test", "c");
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      w.insert(json("{_id: 1, x: 1}"));
      w.replace(json("{_id: 1, x: 1}"), json("{_id: 1, x: 2}"));
      w.delete(json("{_id: 1, x: 2}"));
    }
    List<BsonDocument> entries = all(OplogWriter.read(engine, false));
    assertThat(entries).hasSize(3);
    BsonBinary ui = new BsonBinary(c.uuid(), UuidRepresentation.STANDARD);
    BsonDocument insert = entries.get(0);
    assertThat(insert.keySet()).containsExactly("op", "ns", "ui", "o", "ts", "t", "v", "wall");
    assertThat(insert.getString("op").getValue()).isEqualTo("i");
    assertThat(insert.getString("ns").getValue()).isEqualTo("test.c");
    assertThat(insert.get("ui")).isEqualTo(ui);
    assertThat(insert.getDocument("o")).isEqualTo(json("{_id: 1, x: 1}"));
    assertThat(insert.getTimestamp("ts")).isEqualTo(new BsonTimestamp(1_700_000_000, 1));
    assertThat(insert.getInt64("t").getValue()).isEqualTo(3);
    assertThat(insert.getInt64("v").getValue()).isEqualTo(2);
    assertThat(insert.getDateTime("wall").getValue()).isEqualTo(millis.get());
    BsonDocument update = entries.get(1);
    assertThat(update.getString("op").getValue()).isEqualTo("u");
    assertThat(update.getDocument("o")).isEqualTo(json("{_id: 1, x: 2}"));
    assertThat(update.getDocument("o2")).isEqualTo(json("{_id: 1}"));
    assertThat(update.getTimestamp("ts")).isEqualTo(new BsonTimestamp(1_700_000_000, 2));
    BsonDocument delete = entries.get(2);
    assertThat(delete.getString("op").getValue()).isEqualTo("d");
    assertThat(delete.getDocument("o")).isEqualTo(json("{_id: 1}"));
    assertThat(all(OplogWriter.read(engine, true)).get(0)).isEqualTo(delete);
  }

  @Test
  void timestampsIncreaseAcrossSecondsAndWhenTheClockStepsBack() {
    open();
    CollectionMeta c = setUpCollection("test", "c");
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      w.insert(json("{_id: 1}"));
      millis.addAndGet(1000);
      w.insert(json("{_id: 2}"));
      w.insert(json("{_id: 3}"));
      millis.addAndGet(-5000);
      w.insert(json("{_id: 4}"));
    }
    assertThat(timestamps(engine))
        .containsExactly(
            new BsonTimestamp(1_700_000_000, 1),
            new BsonTimestamp(1_700_000_001, 1),
            new BsonTimestamp(1_700_000_001, 2),
            new BsonTimestamp(1_700_000_001, 3));
  }

  @Test
  void localWritesAreNotLogged() {
    open();
    CollectionMeta c = engine.collectionForWrite("local", "startup_log");
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      w.insert(json("{_id: 1}"));
    }
    assertThat(OplogWriter.read(engine, false).hasNext()).isFalse();
  }

  @Test
  void concurrentWritersToDifferentCollectionsCommitInTimestampOrder() throws Exception {
    open();
    ConcurrentLinkedQueue<BsonTimestamp> committed = new ConcurrentLinkedQueue<>();
    oplog.onCommitted(e -> committed.add(e.opTime().ts()));
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      CollectionMeta c = setUpCollection("test", "c" + t);
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 200; i++) {
                      try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
                        w.insert(new BsonDocument("_id", new org.bson.BsonInt32(i)));
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    List<BsonTimestamp> inCommitOrder = new ArrayList<>(committed);
    assertThat(inCommitOrder).hasSize(800).isSorted();
    assertThat(timestamps(engine)).isEqualTo(inCommitOrder);
  }

  @Test
  void resumesAfterTheLastTimestampOnReopen() {
    open();
    CollectionMeta c = setUpCollection("test", "c");
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      w.insert(json("{_id: 1}"));
      w.insert(json("{_id: 2}"));
    }
    engine.close();
    engine = null;
    OplogWriter fresh = new OplogWriter(clock);
    engine = RocksStorageEngine.open(dir, fresh);
    BsonDocument last = OplogWriter.read(engine, true).next();
    fresh.resumeAfter(last.getTimestamp("ts"));
    try (CollectionWriter w = engine.writer(engine.collection("test", "c"), Durability.WRITTEN)) {
      w.insert(json("{_id: 3}"));
    }
    assertThat(timestamps(engine)).last().isEqualTo(new BsonTimestamp(1_700_000_000, 3));
  }

  @Test
  void catalogChangesAreLoggedAsCommandEntriesOnTheDatabasesCmdNamespace() {
    open();
    CollectionMeta a = engine.createCollection("test", "a", json("{validationLevel: 'off'}"));
    a = engine.createIndex(a, "x_1", json("{x: 1}"), true, true);
    a = engine.dropIndex(a, "x_1");
    a = engine.renameCollection(a, "test", "b", false);
    engine.dropCollection(a);
    engine.collectionForWrite("test", "c");
    engine.dropDatabase("test");
    List<BsonDocument> entries = all(OplogWriter.read(engine, false));
    assertThat(entries)
        .extracting(e -> e.getDocument("o"))
        .containsExactly(
            json("{create: 'a', validationLevel: 'off'}"),
            json(
                "{createIndexes: 'a', v: 2, key: {x: 1}, name: 'x_1', unique: true, sparse: true}"),
            json("{dropIndexes: 'a', index: 'x_1'}"),
            json("{renameCollection: 'test.a', to: 'test.b', dropTarget: false}"),
            json("{drop: 'b'}"),
            json("{create: 'c'}"),
            json("{drop: 'c'}"),
            json("{dropDatabase: 1}"));
    BsonDocument create = entries.get(0);
    assertThat(create.keySet()).containsExactly("op", "ns", "ui", "o", "ts", "t", "v", "wall");
    assertThat(create.getString("op").getValue()).isEqualTo("c");
    assertThat(create.getString("ns").getValue()).isEqualTo("test.$cmd");
    assertThat(create.get("ui")).isEqualTo(new BsonBinary(a.uuid(), UuidRepresentation.STANDARD));
    assertThat(entries.get(4).get("ui")).isEqualTo(create.get("ui"));
    assertThat(entries.get(7).keySet()).containsExactly("op", "ns", "o", "ts", "t", "v", "wall");
    assertThat(timestamps(engine)).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void anInsertIntoAMissingCollectionLogsItsCreateFirst() {
    open();
    CollectionMeta c = engine.collectionForWrite("test", "c");
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      w.insert(json("{_id: 1}"));
    }
    assertThat(all(OplogWriter.read(engine, false)))
        .extracting(e -> e.getString("op").getValue() + " " + e.getDocument("o").toJson())
        .containsExactly("c " + json("{create: 'c'}").toJson(), "i " + json("{_id: 1}").toJson());
  }

  @Test
  void catalogChangesInLocalAreNotLogged() {
    open();
    CollectionMeta c = engine.collectionForWrite("local", "x");
    engine.createIndex(c, "a_1", json("{a: 1}"), false, false);
    engine.dropDatabase("local");
    assertThat(OplogWriter.read(engine, false).hasNext()).isFalse();
  }

  @Test
  void aReceivedEntryCommitsWithItsWriteAndAllocationContinuesAfterIt() {
    open();
    CollectionMeta c = engine.collectionForWrite("test", "c");
    List<OplogWriter.OplogEntryWritten> heard = new ArrayList<>();
    oplog.onCommitted(heard::add);
    BsonDocument received =
        json(
            "{op: 'i', ns: 'test.c', o: {_id: 7}, ts: {$timestamp: {t: 1800000000, i: 5}},"
                + " t: {$numberLong: '9'}, v: {$numberLong: '2'}, wall: {$date: 1234}, extra: 1}");
    boolean withWrite =
        oplog.applying(
            engine,
            received,
            () -> {
              try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
                w.insert(json("{_id: 7}"));
              }
            });
    assertThat(withWrite).isTrue();
    assertThat(all(OplogWriter.readFrom(engine, new BsonTimestamp(1_800_000_000, 5))))
        .containsExactly(received);
    assertThat(heard)
        .containsExactly(
            new OplogWriter.OplogEntryWritten(
                new dev.starling.node.repl.core.OpTime(new BsonTimestamp(1_800_000_000, 5), 9),
                1234));
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      w.insert(json("{_id: 8}"));
    }
    assertThat(timestamps(engine)).last().isEqualTo(new BsonTimestamp(1_800_000_000, 6));
  }

  @Test
  void aReceivedEntryWithoutAWriteIsRecordedAlone() {
    open();
    BsonDocument received =
        json(
            "{op: 'n', ns: '', o: {msg: 'x'}, ts: {$timestamp: {t: 1800000000, i: 1}},"
                + " t: {$numberLong: '2'}, v: {$numberLong: '2'}, wall: {$date: 1}}");
    assertThat(oplog.applying(engine, received, () -> {})).isFalse();
    assertThat(all(OplogWriter.read(engine, false))).containsExactly(received);
    assertThat(OplogWriter.contains(engine, new BsonTimestamp(1_800_000_000, 1))).isTrue();
  }

  @Test
  void unloggedWritesLogNothing() {
    open();
    oplog.unlogged(
        () -> {
          CollectionMeta c = engine.collectionForWrite("test", "c");
          try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
            w.insert(json("{_id: 1}"));
          }
        });
    assertThat(OplogWriter.read(engine, false).hasNext()).isFalse();
    try (CollectionWriter w = engine.writer(engine.collection("test", "c"), Durability.WRITTEN)) {
      w.insert(json("{_id: 2}"));
    }
    assertThat(all(OplogWriter.read(engine, false))).hasSize(1);
  }

  @Test
  void readFromSeeksAndTruncateAfterDropsTheNewerEntries() {
    open();
    CollectionMeta c = engine.collectionForWrite("test", "c");
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      for (int i = 0; i < 5; i++) {
        w.insert(new BsonDocument("_id", new org.bson.BsonInt32(i)));
      }
    }
    // ts 1 is the create; inserts are 2..6
    assertThat(all(OplogWriter.readFrom(engine, new BsonTimestamp(1_700_000_000, 4))))
        .extracting(e -> e.getTimestamp("ts").getInc())
        .containsExactly(4, 5, 6);
    oplog.truncateAfter(engine, new BsonTimestamp(1_700_000_000, 3));
    assertThat(timestamps(engine))
        .containsExactly(
            new BsonTimestamp(1_700_000_000, 1),
            new BsonTimestamp(1_700_000_000, 2),
            new BsonTimestamp(1_700_000_000, 3));
  }

  /** A collection created without its create entry, for tests about document entries. */
  @Test
  void aClientsNoopIsWrittenOnlyWhileTheNodeTakesWrites() {
    open();
    java.util.concurrent.atomic.AtomicBoolean writable =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    oplog.acceptWritesWhile(writable::get);
    List<dev.starling.node.repl.core.OpTime> heard = new ArrayList<>();
    oplog.onCommitted(e -> heard.add(e.opTime()));

    dev.starling.node.repl.core.OpTime written =
        oplog.appendNoopIfWritable(engine, json("{msg: 'linearizable read'}"));

    assertThat(written).isNotNull();
    assertThat(written.term()).isEqualTo(3);
    assertThat(heard).containsExactly(written);
    BsonDocument entry = OplogWriter.read(engine, true).next();
    assertThat(entry.getString("op").getValue()).isEqualTo("n");
    assertThat(entry.getDocument("o")).isEqualTo(json("{msg: 'linearizable read'}"));
    assertThat(entry.getTimestamp("ts")).isEqualTo(written.ts());

    writable.set(false);
    assertThat(oplog.appendNoopIfWritable(engine, json("{msg: 'linearizable read'}"))).isNull();
    assertThat(timestamps(engine)).containsExactly(written.ts());
    assertThat(heard).containsExactly(written);
  }

  private CollectionMeta setUpCollection(String db, String name) {
    CollectionMeta[] created = new CollectionMeta[1];
    oplog.unlogged(() -> created[0] = engine.collectionForWrite(db, name));
    return created[0];
  }

  private static List<BsonTimestamp> timestamps(RocksStorageEngine engine) {
    return all(OplogWriter.read(engine, false)).stream().map(e -> e.getTimestamp("ts")).toList();
  }

  private static List<BsonDocument> all(Iterator<BsonDocument> it) {
    List<BsonDocument> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static BsonDocument json(String s) {
    return BsonDocument.parse(s);
  }
}
