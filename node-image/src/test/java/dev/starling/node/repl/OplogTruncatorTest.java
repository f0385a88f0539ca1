package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.config.OplogSize;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.RocksStorageEngine;
import dev.starling.node.storage.WriteObserver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The truncator on a real RocksDB oplog: entries of about 1 KB written by {@link
 * OplogWriter#appendNoop}, a clock the test moves, a commit point the test sets.
 */
class OplogTruncatorTest {
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
  final AtomicReference<OpTime> commitPoint = new AtomicReference<>(OpTime.NULL);
  OplogWriter oplog;
  RocksStorageEngine engine;
  OplogTruncator truncator;

  @AfterEach
  void close() {
    if (truncator != null) {
      truncator.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  private void open(Long requestedBytes) {
    oplog = new OplogWriter(clock);
    engine = RocksStorageEngine.open(dir, WriteObserver.NONE);
    oplog.termSource(() -> 1);
    truncator = OplogTruncator.open(engine, oplog, clock, requestedBytes, 990 * OplogSize.MB, 0);
  }

  private void reopen(Long requestedBytes) {
    truncator.close();
    engine.close();
    open(requestedBytes);
  }

  /** Appends {@code n} entries of about 1 KB, one per second, and commits them all. */
  private List<OpTime> append(int n) {
    List<OpTime> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      millis.addAndGet(1000);
      out.add(oplog.appendNoop(engine, new BsonDocument("msg", new BsonString("x".repeat(1000)))));
    }
    commitPoint.set(out.get(out.size() - 1));
    return out;
  }

  private List<BsonTimestamp> timestamps() {
    List<BsonTimestamp> out = new ArrayList<>();
    for (Iterator<BsonDocument> it = OplogWriter.read(engine, false); it.hasNext(); ) {
      out.add(it.next().getTimestamp("ts"));
    }
    return out;
  }

  private long storedBytes() {
    long bytes = 0;
    for (Iterator<byte[][]> it = engine.scanColumn(dev.starling.node.storage.Column.OPLOG, false);
        it.hasNext(); ) {
      bytes += it.next()[1].length;
    }
    return bytes;
  }

  @Test
  void theRequestedSizeIsStoredAndAppliesOnlyToANewOplog() {
    open(5 * OplogSize.MB);
    assertThat(truncator.maxBytes()).isEqualTo(5 * OplogSize.MB);
    reopen(7 * OplogSize.MB);
    assertThat(truncator.maxBytes()).isEqualTo(5 * OplogSize.MB);
    truncator.resize(3 * OplogSize.MB, null);
    reopen(null);
    assertThat(truncator.maxBytes()).isEqualTo(3 * OplogSize.MB);
  }

  @Test
  void withoutARequestTheDefaultApplies() {
    open(null);
    assertThat(truncator.maxBytes()).isEqualTo(990 * OplogSize.MB);
  }

  @Test
  void usageCountsEveryEntryAndIsRecountedAtStartup() {
    open(null);
    append(20);
    assertThat(oplog.usage().count()).isEqualTo(20);
    assertThat(oplog.usage().bytes()).isEqualTo(storedBytes());
    reopen(null);
    assertThat(oplog.usage().count()).isEqualTo(20);
    assertThat(oplog.usage().bytes()).isEqualTo(storedBytes());
  }

  @Test
  void aShrinkTruncatesTheOldestEntriesDownToTheNewSize() {
    open(null);
    List<OpTime> entries = append(20);
    long entryBytes = storedBytes() / 20;
    truncator.start(commitPoint::get);
    truncator.resize(5 * entryBytes, null);
    assertThat(oplog.usage().bytes()).isLessThanOrEqualTo(5 * entryBytes);
    assertThat(oplog.usage().bytes()).isEqualTo(storedBytes());
    assertThat(oplog.usage().count()).isEqualTo(timestamps().size());
    assertThat(timestamps())
        .containsExactlyElementsOf(
            entries.subList(20 - timestamps().size(), 20).stream().map(OpTime::ts).toList());
    assertThat(timestamps().size()).isBetween(4, 5);
  }

  @Test
  void neverTruncatesAtOrPastTheMajorityCommitPoint() {
    open(null);
    List<OpTime> entries = append(20);
    commitPoint.set(entries.get(9));
    truncator.start(commitPoint::get);
    truncator.resize(1L, null);
    assertThat(timestamps().get(0)).isEqualTo(entries.get(9).ts());
    assertThat(timestamps()).hasSize(11);
  }

  @Test
  void entriesInsideTheRetentionPeriodSurviveAShrink() {
    open(null);
    append(10);
    millis.addAndGet(2 * 3_600_000L);
    List<OpTime> recent = append(10);
    truncator.start(commitPoint::get);
    truncator.resize(1L, 1.0);
    assertThat(timestamps()).containsExactlyElementsOf(recent.stream().map(OpTime::ts).toList());
    assertThat(truncator.minRetentionHours()).isEqualTo(1.0);
    truncator.resize(null, 0.0);
    assertThat(timestamps()).containsExactly(recent.get(9).ts());
  }

  @Test
  void theTruncatorKeepsUpWithWritesInTheBackground() {
    open(null);
    append(5);
    long entryBytes = storedBytes() / 5;
    truncator.start(commitPoint::get);
    truncator.resize(10 * entryBytes, null);
    append(100);
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> oplog.usage().bytes() <= 10 * entryBytes);
    assertThat(oplog.usage().bytes()).isEqualTo(storedBytes());
  }

  @Test
  void aTailWhosePositionWasTruncatedFailsWithCappedPositionLost() {
    open(null);
    List<OpTime> entries = append(10);
    OplogTail tail = new OplogTail(engine, entries.get(0).ts(), true);
    for (int i = 0; i < 10; i++) {
      tail.next();
    }
    append(1);
    truncator.start(commitPoint::get);
    truncator.resize(1L, null);
    assertThatThrownBy(tail::hasNext)
        .isInstanceOf(MongoServerException.class)
        .hasMessageContaining("CollectionScan died due to position in capped collection");
  }

  @Test
  void aTailStillInsideTheOplogReadsOn() {
    open(null);
    List<OpTime> entries = append(10);
    OplogTail tail = new OplogTail(engine, entries.get(0).ts(), true);
    for (int i = 0; i < 10; i++) {
      tail.next();
    }
    List<OpTime> more = append(3);
    truncator.start(commitPoint::get);
    truncator.resize(storedBytes() / 2, null);
    assertThat(tail.hasNext()).isTrue();
    assertThat(tail.next().getTimestamp("ts")).isEqualTo(more.get(0).ts());
  }
}
