package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import dev.starling.node.storage.Column;
import dev.starling.node.storage.Durability;
import dev.starling.node.storage.IndexMeta;
import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.StorageEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonTimestamp;
import org.bson.UuidRepresentation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OplogApplierTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);

  @TempDir Path dirA;
  @TempDir Path dirB;
  @TempDir Path dirC;
  final OplogWriter oplogA = new OplogWriter(CLOCK);
  final OplogWriter oplogB = new OplogWriter(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
  RocksStorageEngine primary;
  RocksStorageEngine secondary;
  RocksStorageEngine clone;

  @BeforeEach
  void open() {
    primary = RocksStorageEngine.open(dirA, oplogA);
    oplogA.termSource(() -> 1);
    secondary = RocksStorageEngine.open(dirB, oplogB);
  }

  @AfterEach
  void close() {
    primary.close();
    secondary.close();
    if (clone != null) {
      clone.close();
    }
  }

  @Test
  void aSecondaryThatAppliesThePrimarysOplogHoldsTheSameDataIndexesAndOplog() {
    firstHalf(primary);
    secondHalf(primary);

    assertThat(entries(primary))
        .filteredOn(e -> e.getString("op").getValue().equals("c"))
        .extracting(e -> e.getDocument("o").getFirstKey())
        .contains(
            "create", "drop", "createIndexes", "dropIndexes", "renameCollection", "dropDatabase");

    OplogApplier applier = new OplogApplier(secondary, oplogB);
    applier.apply(entries(primary));

    assertSameData(primary, secondary);
    assertSameOplog(primary, secondary);
    assertThat(applier.duplicateKeysIgnored()).isZero();
  }

  @Test
  void reapplyingTheWholeOplogSkipsEveryEntryAndChangesNothing() {
    firstHalf(primary);
    secondHalf(primary);
    OplogApplier applier = new OplogApplier(secondary, oplogB);
    applier.apply(entries(primary));

    for (BsonDocument entry : entries(primary)) {
      assertThat(applier.apply(entry)).isFalse();
    }

    assertSameData(primary, secondary);
    assertSameOplog(primary, secondary);
  }

  @Test
  void replayingTheWholeOplogOverTheFinalDataConvergesToTheSameState() {
    firstHalf(primary);
    secondHalf(primary);
    OplogApplier applier = new OplogApplier(secondary, oplogB);
    applier.apply(entries(primary));
    // Forget the oplog but keep the data: every entry is applied again, over newer data.
    oplogB.truncateAfter(secondary, new BsonTimestamp(0, 0));
    assertThat(OplogWriter.read(secondary, false).hasNext()).isFalse();

    applier.apply(entries(primary));

    assertSameData(primary, secondary);
    assertSameOplog(primary, secondary);
    // {_id: 1}'s first image collides with {_id: 4} on the unique index until a later entry.
    assertThat(applier.duplicateKeysIgnored()).isPositive();
  }

  @Test
  void applyingTheWholeOplogOverAMidpointCloneConvergesToThePrimary() {
    firstHalf(primary);
    OplogWriter oplogC = new OplogWriter(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    clone = RocksStorageEngine.open(dirC, oplogC);
    oplogC.unlogged(() -> copy(primary, clone));
    secondHalf(primary);

    new OplogApplier(clone, oplogC).apply(entries(primary));

    assertSameData(primary, clone);
    assertSameOplog(primary, clone);
  }

  @Test
  void anEntryAlreadyInTheOplogIsSkippedAndADifferentOneAtItsTimestampIsADivergence() {
    OplogApplier applier = new OplogApplier(secondary, oplogB);
    UUID ui = UUID.randomUUID();
    assertThat(applier.apply(insert(ui, 1, "{_id: 1, v: 'first'}"))).isTrue();

    assertThat(applier.apply(insert(ui, 1, "{_id: 1, v: 'first'}"))).isFalse();
    assertThatThrownBy(() -> applier.apply(insert(ui, 1, "{_id: 1, v: 'other'}")))
        .isInstanceOf(OplogDivergedException.class);
    assertThatThrownBy(() -> applier.apply(insert(ui, 1, "{_id: 2}")))
        .isInstanceOf(OplogDivergedException.class);

    CollectionMeta c = secondary.collection(ui);
    assertThat(secondary.findById(c, new BsonInt32(1))).isEqualTo(json("{_id: 1, v: 'first'}"));
    assertThat(secondary.count(c)).isEqualTo(1);
    assertThat(entries(secondary)).containsExactly(insert(ui, 1, "{_id: 1, v: 'first'}"));
  }

  @Test
  void anInsertIntoAMissingCollectionCreatesItWithTheEntrysUuidAndLogsOnlyTheInsert() {
    OplogApplier applier = new OplogApplier(secondary, oplogB);
    UUID ui = UUID.randomUUID();

    applier.apply(insert(ui, 1, "{_id: 1}"));

    CollectionMeta c = secondary.collection("test", "c");
    assertThat(c.uuid()).isEqualTo(ui);
    assertThat(secondary.findById(c, new BsonInt32(1))).isEqualTo(json("{_id: 1}"));
    assertThat(entries(secondary)).containsExactly(insert(ui, 1, "{_id: 1}"));
  }

  @Test
  void updatesUpsertAndDeletesOfMissingDocumentsOnlyRecordTheEntry() {
    OplogApplier applier = new OplogApplier(secondary, oplogB);
    UUID ui = UUID.randomUUID();
    BsonDocument update = entry("u", ui, 2, "{_id: 5, x: 1}").append("o2", json("{_id: 5}"));
    BsonDocument delete = entry("d", ui, 3, "{_id: 6}");

    applier.apply(update);
    applier.apply(delete);

    CollectionMeta c = secondary.collection(ui);
    assertThat(secondary.findById(c, new BsonInt32(5))).isEqualTo(json("{_id: 5, x: 1}"));
    assertThat(secondary.count(c)).isEqualTo(1);
    assertThat(entries(secondary)).containsExactly(update, delete);
  }

  @Test
  void aDuplicateKeySkipsTheDataChangeButRecordsTheEntry() {
    OplogApplier applier = new OplogApplier(secondary, oplogB);
    UUID ui = UUID.randomUUID();
    applier.apply(insert(ui, 1, "{_id: 1, x: 1}"));
    applier.apply(
        command(ui, 2, "{createIndexes: 'c', v: 2, key: {x: 1}, name: 'x_1', unique: true}"));

    applier.apply(insert(ui, 3, "{_id: 2, x: 1}"));

    assertThat(secondary.count(secondary.collection(ui))).isEqualTo(1);
    assertThat(applier.duplicateKeysIgnored()).isEqualTo(1);
    assertThat(OplogWriter.contains(secondary, new BsonTimestamp(1_800_000_000, 3))).isTrue();
  }

  @Test
  void anEntryThatCannotBeAppliedThrowsAndRecordsNothing() {
    OplogApplier applier = new OplogApplier(secondary, oplogB);

    assertThatThrownBy(() -> applier.apply(command(null, 1, "{collMod: 'c'}")))
        .isInstanceOf(MongoServerException.class);
    assertThatThrownBy(() -> applier.apply(entry("x", UUID.randomUUID(), 2, "{}")))
        .isInstanceOf(MongoServerException.class);
    BsonDocument modifier =
        entry("u", UUID.randomUUID(), 3, "{$v: 2, diff: {u: {x: 1}}}")
            .append("o2", json("{_id: 1}"));
    assertThatThrownBy(() -> applier.apply(modifier)).isInstanceOf(MongoServerException.class);

    assertThat(OplogWriter.read(secondary, false).hasNext()).isFalse();
  }

  @Test
  void documentEntriesForAUuidWhoseNamespaceAnotherCollectionHoldsAreSkipped() {
    OplogApplier applier = new OplogApplier(secondary, oplogB);
    UUID now = UUID.randomUUID();
    applier.apply(insert(now, 1, "{_id: 1}"));

    // An older collection of the same name, dropped before the current one was created.
    applier.apply(insert(UUID.randomUUID(), 2, "{_id: 2}"));

    assertThat(secondary.count(secondary.collection(now))).isEqualTo(1);
    assertThat(secondary.collections("test")).hasSize(1);
  }

  // ---------------------------------------------------------------- workload

  /** Documents, indexes and every kind of catalog change, up to the clone's midpoint. */
  private static void firstHalf(StorageEngine e) {
    insert(e, "test", "c", "{_id: 1, x: 1, tags: ['a', 'b']}", "{_id: 2, x: 2}", "{_id: 3, x: 3}");
    CollectionMeta c = e.createIndex(e.collection("test", "c"), "x_1", json("{x: 1}"), true, false);
    e.createIndex(c, "tags_1", json("{tags: 1}"), false, false);
    replace(e, "test", "c", "{_id: 1, x: 10, tags: ['a', 'b']}");
    insert(e, "test", "c", "{_id: 4, x: 1}");
    delete(e, "test", "c", 2);
    e.createCollection("test", "e", json("{validationLevel: 'off'}"));
    insert(e, "test", "e", "{_id: 'a', n: 1}", "{_id: 'b', n: 2}");
    insert(e, "test", "tmp", "{_id: 1}");
    e.dropCollection(e.collection("test", "tmp"));
    insert(e, "test", "r", "{_id: 1, gen: 1}");
    e.dropCollection(e.collection("test", "r"));
    insert(e, "test", "r", "{_id: 2, gen: 2}");
    insert(e, "other", "o", "{_id: 1, s: 1}", "{_id: 2}");
    e.createIndex(e.collection("other", "o"), "s_1", json("{s: 1}"), true, true);
    insert(e, "gone", "a", "{_id: 1}");
    insert(e, "gone", "b", "{_id: 1}");
    e.dropDatabase("gone");
    insert(e, "local", "startup_log", "{_id: 1}");
  }

  /** Renames (within and across databases, over a target), index drops and more writes. */
  private static void secondHalf(StorageEngine e) {
    e.renameCollection(e.collection("test", "c"), "test", "d", false);
    insert(e, "test", "d", "{_id: 5, x: 5}");
    replace(e, "test", "d", "{_id: 3, x: 30}");
    e.dropIndex(e.collection("test", "d"), "tags_1");
    e.renameCollection(e.collection("test", "e"), "other", "e", false);
    insert(e, "test", "f", "{_id: 'from f'}");
    insert(e, "test", "g", "{_id: 'from g'}");
    e.renameCollection(e.collection("test", "f"), "test", "g", true);
    replace(e, "other", "o", "{_id: 2, s: 2}");
    insert(e, "test", "c", "{_id: 1, new: true}");
    insert(e, "gone", "again", "{_id: 1}");
    e.dropCollection(e.collection("gone", "again"));
  }

  /** What an initial sync's cloner does: collections with their UUIDs, indexes, documents. */
  private static void copy(StorageEngine from, StorageEngine to) {
    for (String db : from.databaseNames()) {
      if (db.equals("local")) {
        continue;
      }
      for (CollectionMeta source : from.collections(db)) {
        CollectionMeta target =
            to.createCollection(db, source.name(), source.options(), source.uuid());
        for (IndexMeta index : source.indexes()) {
          target =
              to.createIndex(target, index.name(), index.key(), index.unique(), index.sparse());
        }
        try (CollectionWriter w = to.writer(target, Durability.WRITTEN)) {
          from.scan(source).forEachRemaining(w::insert);
        }
      }
    }
  }

  // ---------------------------------------------------------------- assertions

  private static void assertSameData(StorageEngine expected, StorageEngine actual) {
    Set<String> dbs = new TreeSet<>(expected.databaseNames());
    dbs.addAll(actual.databaseNames());
    dbs.remove("local");
    assertThat(dbs).contains("test", "other").doesNotContain("gone");
    for (String db : dbs) {
      DbHash want = DbHash.of(expected, db, Set.of());
      DbHash got = DbHash.of(actual, db, Set.of());
      assertThat(got.collections()).as("collection hashes of %s", db).isEqualTo(want.collections());
      assertThat(got.uuids()).as("uuids of %s", db).isEqualTo(want.uuids());
      assertThat(got.md5()).isEqualTo(want.md5());
      assertThat(indexes(actual, db)).as("indexes of %s", db).isEqualTo(indexes(expected, db));
      assertThat(options(actual, db)).isEqualTo(options(expected, db));
    }
  }

  private static List<String> indexes(StorageEngine e, String db) {
    List<String> out = new ArrayList<>();
    for (CollectionMeta c : e.collections(db)) {
      for (IndexMeta i : c.indexes()) {
        out.add(c.name() + " " + i.toListEntry().toJson() + " multikey=" + i.multikey());
      }
    }
    return out;
  }

  private static List<String> options(StorageEngine e, String db) {
    return e.collections(db).stream().map(c -> c.name() + " " + c.options().toJson()).toList();
  }

  private static void assertSameOplog(StorageEngine expected, StorageEngine actual) {
    List<byte[][]> want = raw(expected);
    List<byte[][]> got = raw(actual);
    assertThat(got).hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) {
      assertThat(got.get(i)[0]).as("key %d", i).isEqualTo(want.get(i)[0]);
      assertThat(got.get(i)[1]).as("entry %d", i).isEqualTo(want.get(i)[1]);
    }
  }

  private static List<byte[][]> raw(StorageEngine e) {
    List<byte[][]> out = new ArrayList<>();
    e.scanColumn(Column.OPLOG, false).forEachRemaining(out::add);
    return out;
  }

  // ---------------------------------------------------------------- helpers

  private static List<BsonDocument> entries(StorageEngine e) {
    List<BsonDocument> out = new ArrayList<>();
    Iterator<BsonDocument> it = OplogWriter.read(e, false);
    it.forEachRemaining(out::add);
    return out;
  }

  private static BsonDocument insert(UUID ui, int inc, String doc) {
    return entry("i", ui, inc, doc);
  }

  private static BsonDocument command(UUID ui, int inc, String o) {
    BsonDocument entry = entry("c", ui, inc, o);
    entry.put("ns", new org.bson.BsonString("test.$cmd"));
    if (ui == null) {
      entry.remove("ui");
    }
    return entry;
  }

  private static BsonDocument entry(String op, UUID ui, int inc, String o) {
    return new BsonDocument("op", new org.bson.BsonString(op))
        .append("ns", new org.bson.BsonString("test.c"))
        .append("ui", new BsonBinary(ui == null ? new UUID(0, 0) : ui, UuidRepresentation.STANDARD))
        .append("o", json(o))
        .append("ts", new BsonTimestamp(1_800_000_000, inc))
        .append("t", new org.bson.BsonInt64(4))
        .append("v", new org.bson.BsonInt64(2))
        .append("wall", new org.bson.BsonDateTime(1_800_000_000_000L + inc));
  }

  private static void insert(StorageEngine e, String db, String name, String... docs) {
    try (CollectionWriter w = e.writer(e.collectionForWrite(db, name), Durability.WRITTEN)) {
      for (String doc : docs) {
        w.insert(json(doc));
      }
    }
  }

  private static void replace(StorageEngine e, String db, String name, String after) {
    BsonDocument doc = json(after);
    CollectionMeta c = e.collection(db, name);
    try (CollectionWriter w = e.writer(c, Durability.WRITTEN)) {
      w.replace(e.findById(c, doc.get("_id")), doc);
    }
  }

  private static void delete(StorageEngine e, String db, String name, int id) {
    CollectionMeta c = e.collection(db, name);
    try (CollectionWriter w = e.writer(c, Durability.WRITTEN)) {
      w.delete(e.findById(c, new BsonInt32(id)));
    }
  }

  private static BsonDocument json(String s) {
    return BsonDocument.parse(s);
  }
}
