package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import dev.starling.node.storage.Durability;
import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.StorageEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonTimestamp;
import org.bson.UuidRepresentation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retryable writes on real storage: the session's fields on each entry, the chain through
 * prevOpTime, config.transactions and config.image_collection in the entry's own batch, on the
 * primary and on a member that applies the entries, and what a retry finds after a new term.
 */
class RetryableWritesTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
  private static final BsonDocument LSID =
      new BsonDocument("id", new BsonBinary(UUID.randomUUID(), UuidRepresentation.STANDARD));

  @TempDir Path dirA;
  @TempDir Path dirB;
  final OplogWriter oplogA = new OplogWriter(CLOCK);
  final OplogWriter oplogB = new OplogWriter(CLOCK);
  final AtomicLong term = new AtomicLong(1);
  RocksStorageEngine primary;
  RocksStorageEngine secondary;
  RetryableWrites writes;

  @BeforeEach
  void open() {
    primary = RocksStorageEngine.open(dirA, oplogA);
    oplogA.termSource(term::get);
    writes = new RetryableWrites(primary, term::get);
    oplogA.sessionRecords(writes);
    writes.ensureCollections();
    secondary = RocksStorageEngine.open(dirB, oplogB);
    oplogB.sessionRecords(new RetryableWrites(secondary, () -> 1));
  }

  @AfterEach
  void close() {
    primary.close();
    secondary.close();
  }

  private CollectionMeta docs(StorageEngine storage) {
    return storage.collectionForWrite("app", "docs");
  }

  private void insert(RetryableWrites.Checkout checkout, int stmtId, int id) {
    try (CollectionWriter w = primary.writer(docs(primary), Durability.WRITTEN)) {
      checkout.run(stmtId, null, () -> w.insert(new BsonDocument("_id", new BsonInt32(id))));
    }
  }

  private static List<BsonDocument> oplog(StorageEngine storage) {
    List<BsonDocument> all = new ArrayList<>();
    for (Iterator<BsonDocument> it = OplogWriter.read(storage, false); it.hasNext(); ) {
      all.add(it.next());
    }
    return all;
  }

  private static List<BsonDocument> sessionEntries(StorageEngine storage) {
    return oplog(storage).stream().filter(e -> e.containsKey("lsid")).toList();
  }

  private static BsonDocument record(StorageEngine storage, String collection) {
    return storage.findById(storage.collection("config", collection), LSID);
  }

  @Test
  void eachStatementsEntryCarriesTheSessionAndChainsToThePreviousOne() {
    docs(primary);
    try (RetryableWrites.Checkout c = writes.checkOut(LSID, 7)) {
      insert(c, 0, 1);
      insert(c, 1, 2);
    }
    List<BsonDocument> entries = sessionEntries(primary);
    assertThat(entries).hasSize(2);
    BsonDocument first = entries.get(0);
    BsonDocument second = entries.get(1);
    assertThat(first.getDocument("lsid")).isEqualTo(LSID);
    assertThat(first.getInt64("txnNumber").getValue()).isEqualTo(7);
    assertThat(first.getInt32("stmtId").getValue()).isZero();
    assertThat(first.getDocument("prevOpTime").getTimestamp("ts").getValue()).isZero();
    assertThat(second.getInt32("stmtId").getValue()).isOne();
    assertThat(second.getDocument("prevOpTime").getTimestamp("ts"))
        .isEqualTo(first.getTimestamp("ts"));

    BsonDocument record = record(primary, RetryableWrites.TRANSACTIONS);
    assertThat(record.getInt64("txnNum").getValue()).isEqualTo(7);
    assertThat(record.getDocument("lastWriteOpTime").getTimestamp("ts"))
        .isEqualTo(second.getTimestamp("ts"));
    assertThat(primary.count(primary.collection("config", RetryableWrites.TRANSACTIONS))).isOne();
  }

  @Test
  void aRetryFindsTheExecutedStatementsAfterANewTermAndRefusesAnOlderTransactionNumber() {
    docs(primary);
    try (RetryableWrites.Checkout c = writes.checkOut(LSID, 3)) {
      insert(c, 0, 1);
      insert(c, 1, 2);
    }
    term.set(2); // a new term: the session is loaded again from config.transactions and the oplog
    try (RetryableWrites.Checkout c = writes.checkOut(LSID, 3)) {
      assertThat(c.executed(0).getDocument("o"))
          .isEqualTo(new BsonDocument("_id", new BsonInt32(1)));
      assertThat(c.executed(1).getDocument("o"))
          .isEqualTo(new BsonDocument("_id", new BsonInt32(2)));
      assertThat(c.executed(2)).isNull();
    }
    // A fresh instance (a restarted node) loads the same.
    RetryableWrites restarted = new RetryableWrites(primary, term::get);
    try (RetryableWrites.Checkout c = restarted.checkOut(LSID, 3)) {
      assertThat(c.executed(1)).isNotNull();
    }
    assertThatThrownBy(() -> writes.checkOut(LSID, 2))
        .isInstanceOfSatisfying(
            MongoServerException.class,
            e -> assertThat(e.error()).isEqualTo(ErrorCode.TRANSACTION_TOO_OLD));
    try (RetryableWrites.Checkout c = writes.checkOut(LSID, 4)) {
      assertThat(c.executed(0)).as("a new transaction number starts afresh").isNull();
    }
  }

  @Test
  void aMemberThatAppliesTheEntriesKeepsTheSameRecordsAndAnswersRetries() {
    CollectionMeta docs = docs(primary);
    primary.writer(docs, Durability.WRITTEN).close();
    try (CollectionWriter w = primary.writer(docs, Durability.WRITTEN)) {
      w.insert(new BsonDocument("_id", new BsonInt32(5)).append("v", new BsonInt32(1)));
    }
    try (RetryableWrites.Checkout c = writes.checkOut(LSID, 1)) {
      try (CollectionWriter w = primary.writer(docs, Durability.WRITTEN)) {
        BsonDocument before = primary.findById(docs, new BsonInt32(5));
        c.run(
            0,
            "preImage",
            () ->
                w.replace(
                    before,
                    new BsonDocument("_id", new BsonInt32(5)).append("v", new BsonInt32(2))));
      }
    }
    new OplogApplier(secondary, oplogB).apply(oplog(primary));

    assertThat(record(secondary, RetryableWrites.TRANSACTIONS))
        .isEqualTo(record(primary, RetryableWrites.TRANSACTIONS));
    BsonDocument image = record(secondary, RetryableWrites.IMAGES);
    assertThat(image).isEqualTo(record(primary, RetryableWrites.IMAGES));
    assertThat(image.getDocument("image").getInt32("v").getValue()).isOne();

    RetryableWrites onNewPrimary = new RetryableWrites(secondary, () -> 2);
    try (RetryableWrites.Checkout c = onNewPrimary.checkOut(LSID, 1)) {
      BsonDocument entry = c.executed(0);
      assertThat(entry.getString("op").getValue()).isEqualTo("u");
      assertThat(c.image(entry.getTimestamp("ts")).getInt32("v").getValue()).isOne();
    }
  }

  @Test
  void historyCutFromTheOplogIsReportedAsIncomplete() {
    docs(primary);
    try (RetryableWrites.Checkout c = writes.checkOut(LSID, 9)) {
      insert(c, 0, 1);
      insert(c, 1, 2);
    }
    BsonTimestamp second = sessionEntries(primary).get(1).getTimestamp("ts");
    // Truncation removed everything up to the second write: the first is gone.
    oplogA.removeThrough(primary, new BsonTimestamp(second.getValue() - 1), 0, 0);
    term.set(2);
    try (RetryableWrites.Checkout c = writes.checkOut(LSID, 9)) {
      assertThat(c.executed(1)).isNotNull();
      assertThatThrownBy(() -> c.executed(0))
          .isInstanceOfSatisfying(
              MongoServerException.class,
              e -> assertThat(e.error()).isEqualTo(ErrorCode.INCOMPLETE_TRANSACTION_HISTORY));
    }
  }

  @Test
  void aSessionIsUsedByOneCommandAtATime() throws Exception {
    RetryableWrites.Checkout held = writes.checkOut(LSID, 1);
    Thread other = Thread.ofVirtual().start(() -> writes.checkOut(LSID, 1).close());
    other.join(200);
    assertThat(other.isAlive()).as("waits for the session").isTrue();
    held.close();
    other.join(10_000);
    assertThat(other.isAlive()).isFalse();
  }
}
