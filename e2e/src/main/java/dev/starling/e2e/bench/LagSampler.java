package dev.starling.e2e.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.bson.BsonTimestamp;
import org.bson.Document;

/**
 * Samples how far the secondaries are behind, as the primary sees them, at a fixed interval on its
 * own thread. For each secondary the lag is the age of the oldest oplog entry the primary has and
 * the secondary (by the optime the primary last heard from it) does not: the primary's status
 * {@code date} minus that entry's {@code wall}; 0 when the secondary has the primary's last entry.
 * It also keeps the largest difference in optime seconds, the coarse number mongosh shows.
 */
final class LagSampler implements AutoCloseable {

  /** The primary's view of the set at one moment. */
  record Optimes(long dateMillis, BsonTimestamp primary, List<Secondary> secondaries) {}

  /** One other member: its host, replSetGetStatus state, and applied optime's timestamp. */
  record Secondary(String host, int state, BsonTimestamp optime) {}

  private static final int SECONDARY = 2;

  private final MongoClient primary;
  private final long intervalMillis;
  private final Thread thread;
  private final List<Long> lagMillis = new ArrayList<>();
  private volatile boolean running = true;
  private long maxGapSeconds;
  private int samples;
  private int failedSamples;
  private int notSecondary;
  private String lastError = "";

  LagSampler(MongoClient primary, long intervalMillis) {
    this.primary = primary;
    this.intervalMillis = intervalMillis;
    this.thread = new Thread(this::loop, "lag-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    long next = System.nanoTime();
    while (running) {
      try {
        sample();
      } catch (RuntimeException e) {
        synchronized (this) {
          failedSamples++;
          lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
      }
      next += TimeUnit.MILLISECONDS.toNanos(intervalMillis);
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      } else {
        next = System.nanoTime(); // a slow sample: do not try to catch up with a burst
      }
    }
  }

  private void sample() {
    Optimes o = optimes(primary);
    List<Long> lags = new ArrayList<>();
    long gap = 0;
    int others = 0;
    for (Secondary s : o.secondaries()) {
      if (s.state() != SECONDARY) {
        others++;
        continue;
      }
      gap = Math.max(gap, o.primary().getTime() - (long) s.optime().getTime());
      if (s.optime().compareTo(o.primary()) >= 0) {
        lags.add(0L);
        continue;
      }
      Document firstMissing =
          primary
              .getDatabase("local")
              .getCollection("oplog.rs")
              .find(Filters.gt("ts", s.optime()))
              .limit(1)
              .first();
      Date wall = firstMissing == null ? null : firstMissing.getDate("wall");
      lags.add(wall == null ? 0L : Math.max(0, o.dateMillis() - wall.getTime()));
    }
    synchronized (this) {
      samples++;
      notSecondary += others;
      lagMillis.addAll(lags);
      maxGapSeconds = Math.max(maxGapSeconds, gap);
    }
  }

  /** replSetGetStatus on {@code primary}, reduced to the optimes; fails if it is not primary. */
  static Optimes optimes(MongoClient primary) {
    Document status = primary.getDatabase("admin").runCommand(new Document("replSetGetStatus", 1));
    if (status.getInteger("myState", 0) != 1) {
      throw new IllegalStateException("the sampled member is no longer primary");
    }
    BsonTimestamp self = null;
    List<Secondary> others = new ArrayList<>();
    for (Document m : status.getList("members", Document.class)) {
      BsonTimestamp ts = optimeTs(m).orElse(new BsonTimestamp(0, 0));
      if (m.getBoolean("self", false)) {
        self = ts;
      } else {
        others.add(new Secondary(m.getString("name"), m.getInteger("state", -1), ts));
      }
    }
    if (self == null) {
      throw new IllegalStateException("replSetGetStatus lists no member with self: true");
    }
    return new Optimes(status.getDate("date").getTime(), self, others);
  }

  private static Optional<BsonTimestamp> optimeTs(Document member) {
    Object optime = member.get("optime");
    if (optime instanceof Document d && d.get("ts") instanceof BsonTimestamp ts) {
      return Optional.of(ts);
    }
    return Optional.empty();
  }

  /** The lag samples so far (milliseconds, both secondaries pooled), sorted. */
  synchronized long[] sortedLagMillis() {
    return lagMillis.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  synchronized long maxGapSeconds() {
    return maxGapSeconds;
  }

  synchronized int samples() {
    return samples;
  }

  synchronized int failedSamples() {
    return failedSamples;
  }

  synchronized int notSecondary() {
    return notSecondary;
  }

  synchronized String lastError() {
    return lastError;
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
