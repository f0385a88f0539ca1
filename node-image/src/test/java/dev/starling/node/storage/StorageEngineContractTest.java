package dev.starling.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link StorageEngine} must do, whatever it stores in: an implementation's test extends
 * this class and says how to open one on a directory (as {@code RocksStorageEngineTest} does), and
 * passes every test here before the node may run on it.
 */
public abstract class StorageEngineContractTest {
  @TempDir protected Path dir;
  protected StorageEngine engine;

  /** Opens the engine under test on {@code dir} (again, for the tests that reopen it). */
  protected abstract StorageEngine open(Path dir, WriteObserver observer);

  @BeforeEach
  void openEngine() {
    engine = open(dir, WriteObserver.NONE);
  }

  @AfterEach
  void closeEngine() {
    engine.close();
  }

  @Test
  void insertedDocumentsAreFoundByIdAndScannedInIdOrder() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    insert(c, "{_id: 3, x: 'c'}", "{_id: 1, x: 'a'}", "{_id: 2, x: 'b'}");
    assertThat(engine.findById(c, new BsonInt32(2))).isEqualTo(json("{_id: 2, x: 'b'}"));
    assertThat(ids(engine.scan(c))).containsExactly(1, 2, 3);
    assertThat(engine.count(c)).isEqualTo(3);
    assertThat(engine.dataSize(c)).isPositive();
  }

  @Test
  void aReadWhoseCollectionIsReplacedUnderItEndsWith175InsteadOfSeeingNothing() {
    CollectionMeta old = engine.collectionForWrite("test", "dst");
    String[] docs = new String[600];
    for (int i = 0; i < docs.length; i++) {
      docs[i] = "{_id: " + i + "}";
    }
    insert(old, docs);
    CollectionMeta replacement = engine.collectionForWrite("test", "tmp");
    insert(replacement, "{_id: 'new'}");
    Iterator<BsonDocument> scanning = engine.scan(old);
    assertThat(scanning.next()).isEqualTo(json("{_id: 0}"));

    // $out's replacement: the new contents renamed over the old collection, which is dropped.
    engine.renameCollection(replacement, "test", "dst", true);

    // The scan's next page, the count and a point read of the old collection would read nothing:
    // each says its collection is gone rather than answer as if it were empty.
    java.util.function.Consumer<org.assertj.core.api.ThrowableAssert.ThrowingCallable> gone =
        read ->
            assertThatThrownBy(read)
                .isInstanceOfSatisfying(
                    MongoServerException.class,
                    e -> assertThat(e.error()).isEqualTo(ErrorCode.QUERY_PLAN_KILLED));
    gone.accept(
        () -> {
          while (scanning.hasNext()) {
            scanning.next();
          }
        });
    gone.accept(() -> engine.count(old));
    gone.accept(() -> engine.findById(old, new BsonInt32(1)));
    CollectionMeta now = engine.collection("test", "dst");
    List<BsonDocument> contents = new ArrayList<>();
    engine.scan(now).forEachRemaining(contents::add);
    assertThat(contents).containsExactly(json("{_id: 'new'}"));
    assertThat(engine.count(now)).isEqualTo(1);
    assertThat(engine.findById(now, new BsonInt32(1))).isNull();
  }

  @Test
  void duplicateIdIsRejectedWithKeyValue() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    insert(c, "{_id: 1}");
    assertThatThrownBy(() -> insert(c, "{_id: 1.0}"))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> {
              assertThat(e.error()).isEqualTo(ErrorCode.DUPLICATE_KEY);
              assertThat(e.extra().getDocument("keyValue")).isEqualTo(json("{_id: 1.0}"));
            });
    assertThat(engine.count(c)).isEqualTo(1);
  }

  @Test
  void uniqueIndexRejectsDuplicatesAndLeavesNothingBehind() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    c = engine.createIndex(c, "email_1", json("{email: 1}"), true, false);
    insert(c, "{_id: 1, email: 'a@x'}");
    CollectionMeta current = c;
    assertThatThrownBy(() -> insert(current, "{_id: 2, email: 'a@x'}"))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> {
              assertThat(e.code()).isEqualTo(11000);
              assertThat(e.extra().getDocument("keyPattern")).isEqualTo(json("{email: 1}"));
              assertThat(e.extra().getDocument("keyValue")).isEqualTo(json("{email: 'a@x'}"));
            });
    assertThat(engine.findById(c, new BsonInt32(2))).isNull();
    assertThat(engine.count(c)).isEqualTo(1);
  }

  @Test
  void buildingAUniqueIndexOverDuplicatesFails() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    insert(c, "{_id: 1, a: 5}", "{_id: 2, a: 5}");
    assertThatThrownBy(() -> engine.createIndex(c, "a_1", json("{a: 1}"), true, false))
        .isInstanceOfSatisfying(
            MongoServerException.class, e -> assertThat(e.code()).isEqualTo(11000));
    assertThat(engine.collection("test", "c").indexes()).isEmpty();
  }

  @Test
  void indexScanReturnsDocumentsInKeyOrderWithinBounds() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    c = engine.createIndex(c, "n_1", json("{n: 1}"), false, false);
    insert(
        c,
        "{_id: 1, n: 30}",
        "{_id: 2, n: 10}",
        "{_id: 3, n: 20}",
        "{_id: 4, n: 'str'}",
        "{_id: 5}");
    IndexMeta index = c.index("n_1");
    byte[] from = KeyEncoding.encode(new BsonInt32(10));
    byte[] to = KeyEncoding.encode(new BsonInt32(30));
    assertThat(ids(engine.scanIndex(c, index, from, to))).containsExactly(2, 3);
    assertThat(ids(engine.scanIndex(c, index, null, null))).containsExactly(5, 2, 3, 1, 4);
  }

  @Test
  void arrayValuesMakeAnIndexMultikeyAndEachDocumentIsReturnedOnce() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    c = engine.createIndex(c, "tags_1", json("{tags: 1}"), false, false);
    insert(c, "{_id: 1, tags: ['a', 'b', 'c']}", "{_id: 2, tags: 'b'}");
    CollectionMeta updated = engine.collection("test", "c");
    assertThat(updated.index("tags_1").multikey()).isTrue();
    assertThat(ids(engine.scanIndex(updated, updated.index("tags_1"), null, null)))
        .containsExactly(1, 2);
  }

  @Test
  void replaceAndDeleteMaintainIndexEntries() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    c = engine.createIndex(c, "n_1", json("{n: 1}"), true, false);
    insert(c, "{_id: 1, n: 1}");
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      w.replace(json("{_id: 1, n: 1}"), json("{_id: 1, n: 2}"));
    }
    insert(c, "{_id: 2, n: 1}"); // the old key was released
    try (CollectionWriter w = engine.writer(c, Durability.SYNCED)) {
      w.delete(json("{_id: 2, n: 1}"));
    }
    assertThat(ids(engine.scanIndex(c, c.index("n_1"), null, null))).containsExactly(1);
    assertThat(engine.count(c)).isEqualTo(1);
  }

  @Test
  void everythingSurvivesReopening() {
    CollectionMeta c = engine.collectionForWrite("db1", "c");
    c = engine.createIndex(c, "n_1", json("{n: 1}"), true, false);
    insert(c, "{_id: 1, n: 1}", "{_id: 2, n: 2}");
    engine.close();
    engine = open(dir, WriteObserver.NONE);
    CollectionMeta reopened = engine.collection("db1", "c");
    assertThat(reopened.uuid()).isEqualTo(c.uuid());
    assertThat(reopened.index("n_1").unique()).isTrue();
    assertThat(ids(engine.scan(reopened))).containsExactly(1, 2);
    assertThat(engine.count(reopened)).isEqualTo(2);
    assertThatThrownBy(() -> insert(reopened, "{_id: 3, n: 1}"))
        .isInstanceOf(MongoServerException.class);
  }

  @Test
  void dropRemovesDocumentsAndRenameKeepsThem() {
    CollectionMeta a = engine.collectionForWrite("test", "a");
    insert(a, "{_id: 1}");
    CollectionMeta b = engine.renameCollection(a, "other", "b", false);
    assertThat(engine.collection("test", "a")).isNull();
    assertThat(ids(engine.scan(b))).containsExactly(1);
    engine.dropCollection(b);
    assertThat(engine.databaseNames()).isEmpty();
    CollectionMeta again = engine.collectionForWrite("other", "b");
    assertThat(ids(engine.scan(again))).isEmpty();
    assertThat(engine.count(again)).isZero();
  }

  @Test
  void observerAddsToTheSameBatch() {
    engine.close();
    List<String> seen = new ArrayList<>();
    engine =
        open(
            dir,
            (write, batch) -> {
              seen.add(write.op() + " " + write.collection().ns());
              batch.put(Column.OPLOG, new byte[] {(byte) seen.size()}, new byte[] {1});
            });
    CollectionMeta c = engine.collectionForWrite("test", "c");
    insert(c, "{_id: 1}");
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      w.delete(json("{_id: 1}"));
    }
    assertThat(seen).containsExactly("INSERT test.c", "DELETE test.c");
  }

  @Test
  void aFailedWriteLeavesNoMultikeyFlagBehindAndALaterOnePersistsIt() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    c = engine.createIndex(c, "a_1", json("{a: 1}"), false, false);
    c = engine.createIndex(c, "b_1", json("{b: 1}"), true, false);
    insert(c, "{_id: 1, b: 1}");
    CollectionMeta current = c;
    assertThatThrownBy(() -> insert(current, "{_id: 2, a: [1, 2], b: 1}"))
        .isInstanceOf(MongoServerException.class);
    assertThat(engine.collection("test", "c").index("a_1").multikey()).isFalse();
    insert(engine.collection("test", "c"), "{_id: 3, a: [1, 10], b: 2}");
    engine.close();
    engine = open(dir, WriteObserver.NONE);
    assertThat(engine.collection("test", "c").index("a_1").multikey()).isTrue();
  }

  @Test
  void renameIntoAnExistingTargetWithDropTargetReplacesIt() {
    CollectionMeta a = engine.collectionForWrite("test", "a");
    CollectionMeta b = engine.collectionForWrite("test", "b");
    insert(a, "{_id: 1}");
    insert(b, "{_id: 2}");
    assertThatThrownBy(() -> engine.renameCollection(a, "test", "b", false))
        .isInstanceOfSatisfying(
            MongoServerException.class, e -> assertThat(e.code()).isEqualTo(48));
    CollectionMeta renamed = engine.renameCollection(a, "test", "b", true);
    assertThat(ids(engine.scan(renamed))).containsExactly(1);
    assertThat(engine.collections("test")).extracting(CollectionMeta::name).containsExactly("b");
  }

  @Test
  void sparseUniqueIndexSkipsMissingFieldsButHoldsExplicitNulls() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    c = engine.createIndex(c, "s_1", json("{s: 1}"), true, true);
    insert(c, "{_id: 1}", "{_id: 2}", "{_id: 3, s: null}");
    CollectionMeta current = c;
    assertThatThrownBy(() -> insert(current, "{_id: 4, s: null}"))
        .isInstanceOfSatisfying(
            MongoServerException.class, e -> assertThat(e.code()).isEqualTo(11000));
    assertThat(ids(engine.scanIndex(c, c.index("s_1"), null, null))).containsExactly(3);
  }

  @Test
  void catalogChangesReachTheObserverAsCommandsCommittedInTheirOwnBatch() {
    engine.close();
    List<WriteObserver.CatalogWrite> seen = new ArrayList<>();
    engine = open(dir, recordingCatalog(seen));
    CollectionMeta a = engine.createCollection("test", "a", json("{validationLevel: 'off'}"));
    a = engine.createIndex(a, "x_1", json("{x: 1}"), true, false);
    a = engine.dropIndex(a, "x_1");
    engine.collectionForWrite("test", "b");
    a = engine.renameCollection(a, "test", "b", true);
    engine.dropCollection(a);
    engine.collectionForWrite("test", "c");
    engine.dropDatabase("test");
    assertThat(seen)
        .extracting(w -> w.command().toJson())
        .containsExactly(
            json("{create: 'a', validationLevel: 'off'}").toJson(),
            json("{createIndexes: 'a', v: 2, key: {x: 1}, name: 'x_1', unique: true}").toJson(),
            json("{dropIndexes: 'a', index: 'x_1'}").toJson(),
            json("{create: 'b'}").toJson(),
            json("{renameCollection: 'test.a', to: 'test.b', dropTarget: true}").toJson(),
            json("{drop: 'b'}").toJson(),
            json("{create: 'c'}").toJson(),
            json("{drop: 'c'}").toJson(),
            json("{dropDatabase: 1}").toJson());
    assertThat(seen.get(4).uuid()).isEqualTo(a.uuid());
    assertThat(seen.get(8).uuid()).isNull();
    // Each change's batch carried the observer's marker.
    for (int i = 0; i < seen.size(); i++) {
      assertThat(engine.get(Column.LOCAL, new byte[] {(byte) i})).isNotNull();
    }
  }

  @Test
  void aCatalogChangeWhoseCommitFailsLeavesNoTrace() {
    engine.close();
    engine =
        open(
            dir,
            new WriteObserver() {
              @Override
              public void onWrite(DocumentWrite write, Batch batch) {}

              @Override
              public void commitCatalog(CatalogWrite write, Batch batch, Runnable commit) {
                throw new IllegalStateException("no");
              }
            });
    assertThatThrownBy(() -> engine.createCollection("test", "a", new BsonDocument()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(engine.collection("test", "a")).isNull();
    engine.close();
    engine = open(dir, WriteObserver.NONE);
    assertThat(engine.collection("test", "a")).isNull();
  }

  @Test
  void collectionsCanBeCreatedWithAGivenUuidAndFoundByIt() {
    java.util.UUID uuid = java.util.UUID.randomUUID();
    engine.createCollection("test", "a", new BsonDocument(), uuid);
    CollectionMeta renamed = engine.renameCollection(engine.collection(uuid), "test", "b", false);
    assertThat(engine.collection(uuid)).isEqualTo(renamed);
    assertThat(engine.collection(java.util.UUID.randomUUID())).isNull();
  }

  @Test
  void dropDatabaseDropsEveryCollectionOfThatDatabaseOnly() {
    insert(engine.collectionForWrite("test", "a"), "{_id: 1}");
    insert(engine.collectionForWrite("test", "b"), "{_id: 1}");
    insert(engine.collectionForWrite("other", "a"), "{_id: 1}");
    assertThat(engine.dropDatabase("test"))
        .extracting(CollectionMeta::name)
        .containsExactly("a", "b");
    assertThat(engine.databaseNames()).containsExactly("other");
    assertThat(engine.dropDatabase("test")).isEmpty();
  }

  @Test
  void scanColumnFromSeeksAscendingAndDescending() {
    for (int k : new int[] {10, 20, 30, 40}) {
      engine.put(Column.OPLOG, new byte[] {(byte) k}, new byte[] {(byte) k}, false);
    }
    assertThat(keys(engine.scanColumnFrom(Column.OPLOG, new byte[] {20}, false)))
        .containsExactly(20, 30, 40);
    assertThat(keys(engine.scanColumnFrom(Column.OPLOG, new byte[] {25}, false)))
        .containsExactly(30, 40);
    assertThat(keys(engine.scanColumnFrom(Column.OPLOG, new byte[] {30}, true)))
        .containsExactly(30, 20, 10);
    assertThat(keys(engine.scanColumnFrom(Column.OPLOG, new byte[] {25}, true)))
        .containsExactly(20, 10);
    assertThat(keys(engine.scanColumnFrom(Column.OPLOG, new byte[] {5}, true))).isEmpty();
    assertThat(keys(engine.scanColumnFrom(Column.OPLOG, new byte[] {50}, false))).isEmpty();
  }

  @Test
  void deleteColumnRangeDeletesAHalfOpenRangeOrEverythingFromAKey() {
    for (int k : new int[] {10, 20, 30, 40, 50}) {
      engine.put(Column.OPLOG, new byte[] {(byte) k}, new byte[] {(byte) k}, false);
    }
    engine.deleteColumnRange(Column.OPLOG, new byte[] {20}, new byte[] {40});
    assertThat(keys(engine.scanColumn(Column.OPLOG, false))).containsExactly(10, 40, 50);
    engine.deleteColumnRange(Column.OPLOG, new byte[] {41}, null);
    assertThat(keys(engine.scanColumn(Column.OPLOG, false))).containsExactly(10, 40);
    engine.deleteColumnRange(Column.OPLOG, new byte[] {90}, null);
    assertThat(keys(engine.scanColumn(Column.OPLOG, false))).containsExactly(10, 40);
    engine.deleteColumnRange(Column.OPLOG, new byte[] {0}, null);
    assertThat(keys(engine.scanColumn(Column.OPLOG, false))).isEmpty();
  }

  @Test
  void creatingACollectionThatExistsFailsWithNamespaceExists() {
    engine.createCollection("test", "a", new BsonDocument());
    assertThatThrownBy(() -> engine.createCollection("test", "a", new BsonDocument()))
        .isInstanceOfSatisfying(
            MongoServerException.class, e -> assertThat(e.code()).isEqualTo(48));
    assertThat(engine.collections("test")).extracting(CollectionMeta::name).containsExactly("a");
  }

  @Test
  void countAndDataSizeFollowInsertsAndDeletes() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    insert(c, "{_id: 1, s: 'a'}", "{_id: 2, s: 'bb'}");
    long size = engine.dataSize(c);
    assertThat(engine.count(c)).isEqualTo(2);
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      w.delete(json("{_id: 2, s: 'bb'}"));
    }
    assertThat(engine.count(c)).isEqualTo(1);
    assertThat(engine.dataSize(c)).isPositive().isLessThan(size);
  }

  @Test
  void aSnapshotReadSeesTheDataAsItWasWhenTheSnapshotWasOpened() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    insert(c, "{_id: 1, v: 'old'}");
    ReadSnapshot snapshot = engine.openSnapshot();
    try {
      try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
        w.replace(json("{_id: 1, v: 'old'}"), json("{_id: 1, v: 'new'}"));
        w.insert(json("{_id: 2}"));
      }
      assertThat(engine.readAt(snapshot, () -> engine.findById(c, new BsonInt32(1))))
          .isEqualTo(json("{_id: 1, v: 'old'}"));
      assertThat(engine.readAt(snapshot, () -> ids(engine.scan(c)))).containsExactly(1);
      assertThat(engine.findById(c, new BsonInt32(1))).isEqualTo(json("{_id: 1, v: 'new'}"));
      assertThat(ids(engine.scan(c))).containsExactly(1, 2);
    } finally {
      snapshot.release();
    }
  }

  @Test
  void aSnapshotReadSeesTheCatalogAsItWasToo() {
    CollectionMeta old = engine.collectionForWrite("test", "c");
    insert(old, "{_id: 1}");
    ReadSnapshot snapshot = engine.openSnapshot();
    try {
      engine.dropCollection(old);
      engine.collectionForWrite("test", "created");
      CollectionMeta replacement = engine.collectionForWrite("test", "c");
      insert(replacement, "{_id: 2}");

      // At the snapshot, "test.c" is the collection of that moment, with its data; "created" is
      // not there yet.
      assertThat(engine.readAt(snapshot, () -> ids(engine.scan(engine.collection("test", "c")))))
          .containsExactly(1);
      assertThat(engine.readAt(snapshot, () -> engine.collection("test", "created"))).isNull();
      assertThat(ids(engine.scan(engine.collection("test", "c")))).containsExactly(2);
    } finally {
      snapshot.release();
    }
  }

  @Test
  void aSnapshotOrAnAbandonedScanReleasedAfterCloseIsHarmless() {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    insert(c, "{_id: 1}", "{_id: 2}");
    ReadSnapshot held = engine.openSnapshot();
    ReadSnapshot scanned = engine.openSnapshot();
    Iterator<BsonDocument> abandoned = engine.readAt(scanned, () -> engine.scan(c));
    assertThat(abandoned.next()).isEqualTo(json("{_id: 1}"));
    scanned.release();
    engine.close();
    // Released natively into the closed store, the last reference crashed the process (SIGSEGV in
    // releaseSnapshot): the opener's here, an abandoned scan's when the garbage collector finds it.
    held.release();
    abandoned = null;
    System.gc();
    engine = open(dir, WriteObserver.NONE);
    assertThat(ids(engine.scan(engine.collection("test", "c")))).containsExactly(1, 2);
  }

  @Test
  void rawKeysArePutReadAndScannedInBothDirections() {
    assertThat(engine.get(Column.LOCAL, new byte[] {1})).isNull();
    engine.put(Column.LOCAL, new byte[] {2}, new byte[] {20}, true);
    engine.put(Column.LOCAL, new byte[] {1}, new byte[] {10}, false);
    engine.put(Column.LOCAL, new byte[] {1}, new byte[] {11}, false);
    assertThat(engine.get(Column.LOCAL, new byte[] {1})).containsExactly(11);
    assertThat(keys(engine.scanColumn(Column.LOCAL, false))).containsExactly(1, 2);
    assertThat(keys(engine.scanColumn(Column.LOCAL, true))).containsExactly(2, 1);
    assertThat(keys(engine.scanColumn(Column.OPLOG, false))).as("columns are apart").isEmpty();
  }

  @Test
  void waitUntilDurableReturnsWithEveryEarlierWriteInPlaceAndKeptAcrossAReopen() {
    engine.waitUntilDurable(); // nothing written yet
    CollectionMeta c = engine.collectionForWrite("test", "c");
    insert(c, "{_id: 1}");
    engine.put(Column.LOCAL, new byte[] {7}, new byte[] {7}, false);
    engine.waitUntilDurable();
    assertThat(ids(engine.scan(c))).containsExactly(1);
    engine.close();
    engine = open(dir, WriteObserver.NONE);
    assertThat(ids(engine.scan(engine.collection("test", "c")))).containsExactly(1);
    assertThat(engine.get(Column.LOCAL, new byte[] {7})).containsExactly(7);
  }

  @Test
  void waitUntilDurableDoesNotHoldUpWritersOfOtherThreads() throws Exception {
    CollectionMeta c = engine.collectionForWrite("test", "c");
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread syncer =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!done.get()) {
                    engine.waitUntilDurable();
                  }
                });
    try {
      for (int i = 0; i < 200; i++) {
        insert(c, "{_id: " + i + "}");
      }
    } finally {
      done.set(true);
      syncer.join();
    }
    assertThat(engine.count(c)).isEqualTo(200);
  }

  @Test
  void aClosedEngineIsNotOpen() {
    assertThat(engine.isOpen()).isTrue();
    engine.close();
    assertThat(engine.isOpen()).isFalse();
    engine.close(); // closing twice is harmless
    engine = open(dir, WriteObserver.NONE);
    assertThat(engine.isOpen()).isTrue();
  }

  /** Records each catalog change and marks its batch with a key in LOCAL numbered in order. */
  protected static WriteObserver recordingCatalog(List<WriteObserver.CatalogWrite> seen) {
    return new WriteObserver() {
      @Override
      public void onWrite(DocumentWrite write, Batch batch) {}

      @Override
      public void commitCatalog(CatalogWrite write, Batch batch, Runnable commit) {
        batch.put(Column.LOCAL, new byte[] {(byte) seen.size()}, new byte[] {1});
        seen.add(write);
        commit.run();
      }
    };
  }

  protected static List<Integer> keys(Iterator<byte[][]> it) {
    List<Integer> keys = new ArrayList<>();
    it.forEachRemaining(entry -> keys.add(entry[0][0] & 0xFF));
    return keys;
  }

  protected void insert(CollectionMeta c, String... docs) {
    try (CollectionWriter w = engine.writer(c, Durability.WRITTEN)) {
      for (String doc : docs) {
        w.insert(json(doc));
      }
    }
  }

  protected static List<Integer> ids(Iterator<BsonDocument> it) {
    List<Integer> ids = new ArrayList<>();
    while (it.hasNext()) {
      BsonValue id = it.next().get("_id");
      ids.add(id.asNumber().intValue());
    }
    return ids;
  }

  protected static BsonDocument json(String json) {
    return BsonDocument.parse(json);
  }
}
