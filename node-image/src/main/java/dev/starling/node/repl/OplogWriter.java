package dev.starling.node.repl;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.Column;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.storage.WriteObserver;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * Adds each document write's and catalog change's oplog entry to the change's own batch, keyed by
 * its 8-byte big-endian timestamp in {@link Column#OPLOG}.
 *
 * <p>Ordering: the timestamp is allocated and the batch committed under one lock, so commits of
 * document writes (to any collection) are serialised in timestamp order and an entry with a smaller
 * timestamp can never become visible after one with a larger timestamp. Readers of the oplog
 * therefore never see a hole that is filled later. The price is that the RocksDB write (not the
 * index checks or the WAL sync) of all collections is serialised while replication is on.
 *
 * <p>Writes to the {@code local} database are not logged, as in mongod.
 *
 * <p>On a secondary, {@link #applying} makes the one write a received entry causes commit that
 * entry (same timestamp, term, wall time and fields) instead of a new one, and {@link #unlogged}
 * runs writes that log nothing (a collection a replayed insert needs, an initial sync's cloner).
 */
public final class OplogWriter implements WriteObserver {
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile LongSupplier term = () -> -1;
  private volatile java.util.function.BooleanSupplier writable = () -> true;
  private volatile Consumer<OplogEntryWritten> listener = e -> {};
  private final ThreadLocal<Applying> applying = new ThreadLocal<>();
  private volatile RetryableWrites sessions;
  private final OplogUsage usage = new OplogUsage();
  private int lastSeconds;
  private int lastIncrement;

  /**
   * What this thread's writes log instead of new entries: a received entry, once, or (null entry)
   * nothing.
   */
  private static final class Applying {
    final BsonDocument entry;
    boolean written;

    Applying(BsonDocument entry) {
      this.entry = entry;
    }
  }

  /** Builds an entry once its timestamp, term and wall-clock time are known. */
  private interface EntryBuilder {
    BsonDocument build(BsonTimestamp ts, long term, long wallMillis);
  }

  /** A committed entry: its OpTime and wall-clock time. */
  public record OplogEntryWritten(OpTime opTime, long wallMillis) {}

  public OplogWriter(Clock clock) {
    this.clock = clock;
  }

  /**
   * While {@code writable} is false, client writes (not applied entries, not unlogged writes) fail
   * with 11602 InterruptedDueToReplStateChange instead of committing: a write that began on a
   * primary which has since stepped down.
   */
  public void acceptWritesWhile(java.util.function.BooleanSupplier writable) {
    this.writable = writable;
  }

  /** Where entry terms come from (the coordinator's current term). */
  public void termSource(LongSupplier term) {
    this.term = term;
  }

  /** Called, under the oplog lock and in timestamp order, after each entry commits. */
  public void onCommitted(Consumer<OplogEntryWritten> listener) {
    this.listener = listener;
  }

  /**
   * Where the records of retryable writes go: each entry that carries a session adds its record to
   * its own batch (see {@link RetryableWrites}).
   */
  public void sessionRecords(RetryableWrites sessions) {
    this.sessions = sessions;
  }

  /** The oplog's running size, kept up to date by every put and delete here. */
  public OplogUsage usage() {
    return usage;
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
    RetryableWrites.Statement statement = RetryableWrites.statement();
    log(
        write.collection().db(),
        write,
        statement,
        batch,
        commit,
        (ts, t, wall) -> {
          BsonDocument entry = entry(ts, t, wall, write);
          return statement == null ? entry : statement.tag(entry);
        });
  }

  @Override
  public void commitCatalog(CatalogWrite write, Batch batch, Runnable commit) {
    log(write.db(), null, null, batch, commit, (ts, t, wall) -> catalogEntry(ts, t, wall, write));
  }

  /**
   * @param write the document write, or null for a catalog change
   * @param statement the retryable statement making the write, or null
   */
  private void log(
      String db,
      DocumentWrite write,
      RetryableWrites.Statement statement,
      Batch batch,
      Runnable commit,
      EntryBuilder builder) {
    Applying received = applying.get();
    if (db.equals("local") || (received != null && received.entry == null)) {
      commit.run();
      return;
    }
    lock.lock();
    try {
      if (received != null) {
        commitReceived(received, write, batch, commit);
        return;
      }
      if (!writable.getAsBoolean()) {
        // The node stepped down after the write began: it must not log in a term it has left.
        throw new MongoServerException(
            ErrorCode.INTERRUPTED_DUE_TO_REPL_STATE_CHANGE,
            "operation was interrupted because the node stepped down");
      }
      BsonTimestamp ts = nextTimestamp();
      long wall = clock.millis();
      long t = term.getAsLong();
      BsonDocument entry = builder.build(ts, t, wall);
      byte[] bytes = BsonCodec.encode(entry);
      batch.put(Column.OPLOG, key(ts), bytes);
      addSessionRecords(entry, write, batch);
      commit.run();
      usage.added(bytes.length);
      if (statement != null) {
        statement.written(new OpTime(ts, t));
      }
      listener.accept(new OplogEntryWritten(new OpTime(ts, t), wall));
    } finally {
      lock.unlock();
    }
  }

  private void addSessionRecords(BsonDocument entry, DocumentWrite write, Batch batch) {
    RetryableWrites records = sessions;
    if (records != null && write != null) {
      records.addRecords(entry, write, batch);
    }
  }

  private void commitReceived(
      Applying received, DocumentWrite write, Batch batch, Runnable commit) {
    if (received.written) {
      throw new IllegalStateException(
          "a second logged write while applying " + received.entry.toJson());
    }
    BsonTimestamp ts = received.entry.getTimestamp("ts");
    byte[] bytes = BsonCodec.encode(received.entry);
    batch.put(Column.OPLOG, key(ts), bytes);
    addSessionRecords(received.entry, write, batch);
    commit.run();
    usage.added(bytes.length);
    received.written = true;
    written(received.entry);
  }

  /** After a received entry commits: allocate after it, and tell the listener. Under the lock. */
  private void written(BsonDocument entry) {
    BsonTimestamp ts = entry.getTimestamp("ts");
    if (ts.compareTo(new BsonTimestamp(lastSeconds, lastIncrement)) > 0) {
      resumeAfter(ts);
    }
    listener.accept(
        new OplogEntryWritten(
            new OpTime(ts, entry.getNumber("t").longValue()),
            entry.getDateTime("wall").getValue()));
  }

  /**
   * Runs {@code work}, which makes at most one logged write, so that the write commits {@code
   * entry} (a primary's, as received) in its own batch instead of a new entry; if {@code work}
   * writes nothing (the change was already there), commits the entry alone. Either way the oplog
   * then allocates after the entry's timestamp and the listener hears of it. If {@code work} throws
   * before its write, nothing is recorded.
   *
   * @return whether the entry committed with a write of {@code work} (false: alone)
   */
  public boolean applying(StorageEngine storage, BsonDocument entry, Runnable work) {
    Applying received = new Applying(entry);
    within(received, work);
    if (received.written) {
      return true;
    }
    lock.lock();
    try {
      byte[] bytes = BsonCodec.encode(entry);
      RetryableWrites records = sessions;
      storage.commitBatch(
          batch -> {
            batch.put(Column.OPLOG, key(entry.getTimestamp("ts")), bytes);
            if (records != null) {
              records.addRecords(entry, null, batch);
            }
          });
      usage.added(bytes.length);
      written(entry);
    } finally {
      lock.unlock();
    }
    return false;
  }

  /**
   * Stores {@code entries}, in timestamp order and all older than anything this oplog holds, as
   * history: not applied, and without the session records {@link #applying} adds (the records
   * copied with the data are newer). An initial sync's copy of the part of its source's oplog that
   * the copied retryable-write records point into.
   */
  public void storeHistory(StorageEngine storage, List<BsonDocument> entries) {
    if (entries.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      List<byte[]> encoded = new ArrayList<>(entries.size());
      for (BsonDocument entry : entries) {
        encoded.add(BsonCodec.encode(entry));
      }
      storage.commitBatch(
          batch -> {
            for (int i = 0; i < entries.size(); i++) {
              batch.put(Column.OPLOG, key(entries.get(i).getTimestamp("ts")), encoded.get(i));
            }
          });
      for (byte[] b : encoded) {
        usage.added(b.length);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code work} on this thread with none of its writes logged. */
  public void unlogged(Runnable work) {
    within(new Applying(null), work);
  }

  private void within(Applying mode, Runnable work) {
    Applying previous = applying.get();
    applying.set(mode);
    try {
      work.run();
    } finally {
      if (previous == null) {
        applying.remove();
      } else {
        applying.set(previous);
      }
    }
  }

  /** Writes a no-op entry ({@code op: "n"}) such as the new primary's, synced. */
  public OpTime appendNoop(StorageEngine storage, BsonDocument o) {
    lock.lock();
    try {
      return noop(storage, o, true);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes a no-op entry as a client's write is written: only while this node takes writes (checked
   * under the oplog lock, as for a write's entry; null when it does not), and not synced (the
   * journal flusher makes it durable along with other writes).
   */
  public OpTime appendNoopIfWritable(StorageEngine storage, BsonDocument o) {
    lock.lock();
    try {
      return writable.getAsBoolean() ? noop(storage, o, false) : null;
    } finally {
      lock.unlock();
    }
  }

  /** Writes a no-op entry, synced or not. Holds the lock. */
  private OpTime noop(StorageEngine storage, BsonDocument o, boolean sync) {
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
    byte[] bytes = BsonCodec.encode(entry);
    storage.put(Column.OPLOG, key(ts), bytes, sync);
    usage.added(bytes.length);
    OpTime opTime = new OpTime(ts, t);
    listener.accept(new OplogEntryWritten(opTime, wall));
    return opTime;
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

  /** A catalog change's entry: {@code op: "c"} on {@code <db>.$cmd}, fields in mongod's order. */
  public static BsonDocument catalogEntry(
      BsonTimestamp ts, long term, long wallMillis, CatalogWrite w) {
    BsonDocument entry =
        new BsonDocument("op", new BsonString("c")).append("ns", new BsonString(w.db() + ".$cmd"));
    if (w.uuid() != null) {
      entry.append("ui", new BsonBinary(w.uuid(), UuidRepresentation.STANDARD));
    }
    return entry
        .append("o", w.command())
        .append("ts", ts)
        .append("t", new BsonInt64(term))
        .append("v", new BsonInt64(2))
        .append("wall", new BsonDateTime(wallMillis));
  }

  /** The oplog's entries, decoded, ascending or (reverse) descending by timestamp. */
  public static Iterator<BsonDocument> read(StorageEngine storage, boolean reverse) {
    return decoded(storage.scanColumn(Column.OPLOG, reverse));
  }

  /** The entries from {@code from} (inclusive) on, ascending, found by seeking. */
  public static Iterator<BsonDocument> readFrom(StorageEngine storage, BsonTimestamp from) {
    return decoded(storage.scanColumnFrom(Column.OPLOG, key(from), false));
  }

  /** Whether the oplog holds an entry with this timestamp. */
  public static boolean contains(StorageEngine storage, BsonTimestamp ts) {
    return storage.get(Column.OPLOG, key(ts)) != null;
  }

  /**
   * Deletes every entry after {@code ts} (for rollback). Allocation is unchanged: call {@link
   * #resumeAfter} if new entries should follow {@code ts}.
   */
  public void truncateAfter(StorageEngine storage, BsonTimestamp ts) {
    if (ts.getValue() == -1L) {
      return;
    }
    byte[] from = key(new BsonTimestamp(ts.getValue() + 1));
    long bytes = 0;
    long entries = 0;
    for (Iterator<byte[][]> it = storage.scanColumnFrom(Column.OPLOG, from, false);
        it.hasNext(); ) {
      bytes += it.next()[1].length;
      entries++;
    }
    storage.deleteColumnRange(Column.OPLOG, from, null);
    usage.removed(bytes, entries);
  }

  /**
   * Deletes the oldest entries, up to and including {@code last}, which hold {@code bytes} bytes in
   * {@code entries} entries (the oplog's truncation; one range delete).
   */
  void removeThrough(StorageEngine storage, BsonTimestamp last, long bytes, long entries) {
    storage.deleteColumnRange(
        Column.OPLOG, key(new BsonTimestamp(0)), key(new BsonTimestamp(last.getValue() + 1)));
    usage.removed(bytes, entries);
  }

  private static Iterator<BsonDocument> decoded(Iterator<byte[][]> raw) {
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
