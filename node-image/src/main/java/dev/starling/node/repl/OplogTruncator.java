package dev.starling.node.repl;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.config.OplogSize;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.Column;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.bson.BsonTimestamp;

/**
 * Keeps the oplog within its configured size (mongod's capped oplog): a virtual thread removes the
 * oldest entries, in one range delete, while the oplog is larger than its size, as {@link
 * OplogTruncationPolicy} allows (never at or past the majority commit point, never inside the
 * minimum retention period, never the newest entry). It runs when added entries make the oplog 1%
 * larger than its size, after {@link #resize}, and every second (the commit point and the retention
 * window move on their own).
 *
 * <p>The configured size is stored in {@code local} and survives restarts; {@code --oplogSize} (or
 * the default) applies only when no size is stored yet, as mongod applies it only when it creates
 * the oplog. The minimum retention period is not stored (as in mongod): it comes from {@code
 * --oplogMinRetentionHours} at startup and {@code replSetResizeOplog} changes it until a restart.
 */
public final class OplogTruncator implements AutoCloseable {
  private static final long PERIOD_MILLIS = 1000;

  private final StorageEngine storage;
  private final OplogWriter oplog;
  private final Clock clock;
  private final Object wake = new Object();
  private final Object truncating = new Object();
  private volatile OplogTruncationPolicy policy;
  private volatile double minRetentionHours;
  private volatile Supplier<OpTime> commitPoint = () -> OpTime.NULL;
  private volatile boolean closed;
  private final AtomicLong truncateCount = new AtomicLong();
  private final AtomicLong truncatingNanos = new AtomicLong();
  private boolean poked;
  private Thread thread;

  private OplogTruncator(
      StorageEngine storage, OplogWriter oplog, Clock clock, long maxBytes, double hours) {
    this.storage = storage;
    this.oplog = oplog;
    this.clock = clock;
    this.minRetentionHours = hours;
    this.policy = OplogTruncationPolicy.of(maxBytes, hours);
  }

  /**
   * The truncator for this node's oplog: the stored size, else {@code requestedBytes} (from {@code
   * --oplogSize}), else {@code defaultBytes}, which is then stored. Counts the oplog's size.
   */
  public static OplogTruncator open(
      StorageEngine storage,
      OplogWriter oplog,
      Clock clock,
      Long requestedBytes,
      long defaultBytes,
      double minRetentionHours) {
    ReplicationLocalStore local = new ReplicationLocalStore(storage);
    Long stored = local.oplogSizeBytes();
    long maxBytes;
    if (stored != null) {
      maxBytes = stored;
      if (requestedBytes != null && requestedBytes != maxBytes) {
        Log.info(
            "the oplog keeps its size of %d bytes; --oplogSize applies only to a new oplog (use"
                + " replSetResizeOplog to change it)",
            maxBytes);
      }
    } else {
      maxBytes = requestedBytes != null ? requestedBytes : defaultBytes;
      local.storeOplogSize(maxBytes);
    }
    oplog.usage().recount(storage);
    OplogTruncator truncator =
        new OplogTruncator(storage, oplog, clock, maxBytes, minRetentionHours);
    Log.info(
        "oplog: size %d bytes (%.1f MB), %d bytes used in %d entries, minimum retention %s hours",
        maxBytes,
        maxBytes / (double) OplogSize.MB,
        oplog.usage().bytes(),
        oplog.usage().count(),
        minRetentionHours);
    return truncator;
  }

  /** Starts truncating; {@code commitPoint} is the majority commit point (the coordinator's). */
  public void start(Supplier<OpTime> commitPoint) {
    this.commitPoint = commitPoint;
    oplog.usage().onGrowth(this::checkGrowth);
    thread = Thread.ofVirtual().name("oplog-truncator").start(this::run);
  }

  /** The configured size in bytes (collStats' {@code maxSize}). */
  public long maxBytes() {
    return policy.maxBytes();
  }

  public double minRetentionHours() {
    return minRetentionHours;
  }

  public OplogUsage usage() {
    return oplog.usage();
  }

  /**
   * Changes the size (stored) and/or the minimum retention period (until a restart), then truncates
   * as far as the new settings allow before returning. Null leaves a setting as it is.
   */
  public void resize(Long maxBytes, Double hours) {
    synchronized (truncating) {
      long bytes = maxBytes != null ? maxBytes : policy.maxBytes();
      double retention = hours != null ? hours : minRetentionHours;
      if (maxBytes != null) {
        new ReplicationLocalStore(storage).storeOplogSize(bytes);
      }
      minRetentionHours = retention;
      policy = OplogTruncationPolicy.of(bytes, retention);
      Log.info(
          "replSetResizeOplog success: size %d bytes, minimum retention %s hours",
          bytes, retention);
      truncate();
    }
  }

  /**
   * Wakes the truncator once the oplog is 1% past its size, so that a busy oplog is cut in steps of
   * about 1% (few range deletes) rather than entry by entry; the pass every second and {@link
   * #resize} cut it exactly.
   */
  private void checkGrowth() {
    long max = policy.maxBytes();
    if (oplog.usage().bytes() > max + max / 100) {
      synchronized (wake) {
        poked = true;
        wake.notifyAll();
      }
    }
  }

  private void run() {
    while (!closed) {
      try {
        synchronized (wake) {
          if (!poked) {
            wake.wait(PERIOD_MILLIS);
          }
          poked = false;
        }
        if (closed) {
          return;
        }
        synchronized (truncating) {
          truncate();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!closed) {
          Log.error(e, "oplog truncation failed; retrying");
        }
      }
    }
  }

  /** One pass: removes the oldest entries the policy lets go, in one range delete. */
  private void truncate() {
    OplogTruncationPolicy p = policy;
    long used = oplog.usage().bytes();
    if (used <= p.maxBytes()) {
      return;
    }
    Iterator<byte[][]> newest = storage.scanColumn(Column.OPLOG, true);
    if (!newest.hasNext()) {
      return;
    }
    BsonTimestamp newestTs = tsOf(newest.next()[0]);
    OpTime committed = commitPoint.get();
    BsonTimestamp commitTs = committed == null || committed.isNull() ? null : committed.ts();
    long now = clock.millis();
    long bytes = 0;
    long entries = 0;
    BsonTimestamp last = null;
    for (Iterator<byte[][]> it = storage.scanColumn(Column.OPLOG, false); it.hasNext(); ) {
      byte[][] kv = it.next();
      BsonTimestamp ts = tsOf(kv[0]);
      long wall = BsonCodec.decode(kv[1]).getDateTime("wall").getValue();
      if (!p.mayRemove(used - bytes, ts, wall, commitTs, newestTs, now)) {
        break;
      }
      bytes += kv[1].length;
      entries++;
      last = ts;
    }
    if (last != null) {
      long started = System.nanoTime();
      oplog.removeThrough(storage, last, bytes, entries);
      truncatingNanos.addAndGet(System.nanoTime() - started);
      truncateCount.incrementAndGet();
    }
  }

  /** How many truncations removed entries (serverStatus {@code oplogTruncation.truncateCount}). */
  public long truncateCount() {
    return truncateCount.get();
  }

  public long totalTimeTruncatingMicros() {
    return truncatingNanos.get() / 1000;
  }

  private static BsonTimestamp tsOf(byte[] key) {
    return new BsonTimestamp(ByteBuffer.wrap(key).getLong());
  }

  @Override
  public void close() {
    closed = true;
    synchronized (wake) {
      wake.notifyAll();
    }
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
