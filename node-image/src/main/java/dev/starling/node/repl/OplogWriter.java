package dev.starling.node.repl;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.Column;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.storage.WriteObserver;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Iterator;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.bson.BsonBinary;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.UuidRepresentation;

/**
 * Adds each document write's oplog entry to the write's own batch, keyed by its 8-byte big-endian
 * timestamp in {@link Column#OPLOG}.
 *
 * <p>Ordering: the timestamp is allocated and the batch committed under one lock, so commits of
 * document writes (to any collection) are serialised in timestamp order and an entry with a smaller
 * timestamp can never become visible after one with a larger timestamp. Readers of the oplog
 * therefore never see a hole that is filled later. The price is that the RocksDB write (not the
 * index checks or the WAL sync) of all collections is serialised while replication is on.
 *
 * <p>Writes to the {@code local} database are not logged, as in mongod.
 */
public final class OplogWriter implements WriteObserver {
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile LongSupplier term = () -> -1;
  private volatile Consumer<OplogEntryWritten> listener = e -> {};
  private int lastSeconds;
  private int lastIncrement;

  /** A committed entry: its OpTime and wall-clock time. */
  public record OplogEntryWritten(OpTime opTime, long wallMillis) {}

  public OplogWriter(Clock clock) {
    this.clock = clock;
  }

  /** Where entry terms come from (the coordinator's current term). */
  public void termSource(LongSupplier term) {
    this.term = term;
  }

  /** Called, under the oplog lock and in timestamp order, after each entry commits. */
  public void onCommitted(Consumer<OplogEntryWritten> listener) {
    this.listener = listener;
  }

  /** Continues after the last timestamp the oplog holds (at startup). */
  public void resumeAfter(BsonTimestamp last) {
    lock.lock();
    try {
      lastSeconds = last.getTime();
      lastIncrement = last.getInc();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onWrite(DocumentWrite write, Batch batch) {
    commit(write, batch, () -> {});
  }

  @Override
  public void commit(DocumentWrite write, Batch batch, Runnable commit) {
    if (write.collection().db().equals("local")) {
      commit.run();
      return;
    }
    lock.lock();
    try {
      BsonTimestamp ts = nextTimestamp();
      long wall = clock.millis();
      long t = term.getAsLong();
      batch.put(Column.OPLOG, key(ts), BsonCodec.encode(entry(ts, t, wall, write)));
      commit.run();
      listener.accept(new OplogEntryWritten(new OpTime(ts, t), wall));
    } finally {
      lock.unlock();
    }
  }

  /** Writes a no-op entry ({@code op: "n"}) such as the new primary's, synced. */
  public OpTime appendNoop(StorageEngine storage, BsonDocument o) {
    lock.lock();
    try {
      BsonTimestamp ts = nextTimestamp();
      long wall = clock.millis();
      long t = term.getAsLong();
      BsonDocument entry =
          new BsonDocument("op", new BsonString("n"))
              .append("ns", new BsonString(""))
              .append("o", o)
              .append("ts", ts)
              .append("t", new BsonInt64(t))
              .append("v", new BsonInt64(2))
              .append("wall", new BsonDateTime(wall));
      storage.put(Column.OPLOG, key(ts), BsonCodec.encode(entry), true);
      OpTime opTime = new OpTime(ts, t);
      listener.accept(new OplogEntryWritten(opTime, wall));
      return opTime;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Seconds from the clock; the increment counts within a second (and carries on if time steps
   * back).
   */
  private BsonTimestamp nextTimestamp() {
    int seconds = (int) (clock.millis() / 1000);
    if (seconds > lastSeconds) {
      lastSeconds = seconds;
      lastIncrement = 1;
    } else {
      lastIncrement++;
    }
    return new BsonTimestamp(lastSeconds, lastIncrement);
  }

  /** The oplog key: the timestamp's 64 bits, big-endian, so key order is timestamp order. */
  public static byte[] key(BsonTimestamp ts) {
    return ByteBuffer.allocate(8).putLong(ts.getValue()).array();
  }

  /** An entry in idempotent form, fields in mongod's order. */
  public static BsonDocument entry(BsonTimestamp ts, long term, long wallMillis, DocumentWrite w) {
    BsonDocument entry =
        new BsonDocument(
                "op",
                new BsonString(
                    switch (w.op()) {
                      case INSERT -> "i";
                      case UPDATE -> "u";
                      case DELETE -> "d";
                    }))
            .append("ns", new BsonString(w.collection().ns()))
            .append("ui", new BsonBinary(w.collection().uuid(), UuidRepresentation.STANDARD));
    switch (w.op()) {
      case INSERT -> entry.append("o", w.after());
      case UPDATE ->
          entry.append("o", w.after()).append("o2", new BsonDocument("_id", w.before().get("_id")));
      case DELETE -> entry.append("o", new BsonDocument("_id", w.before().get("_id")));
    }
    return entry
        .append("ts", ts)
        .append("t", new BsonInt64(term))
        .append("v", new BsonInt64(2))
        .append("wall", new BsonDateTime(wallMillis));
  }

  /** The oplog's entries, decoded, ascending or (reverse) descending by timestamp. */
  public static Iterator<BsonDocument> read(StorageEngine storage, boolean reverse) {
    Iterator<byte[][]> raw = storage.scanColumn(Column.OPLOG, reverse);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return raw.hasNext();
      }

      @Override
      public BsonDocument next() {
        return BsonCodec.decode(raw.next()[1]);
      }
    };
  }
}
