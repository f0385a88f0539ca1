package dev.starling.e2e.bench;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandSucceededEvent;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.bson.Document;

/**
 * One thread inserting documents with unique increasing integer _ids through a replica-set client,
 * each insert with w:"majority", and remembering which _ids were acknowledged and by which member.
 * Every attempt gets a fresh _id, so an insert that failed (and may or may not have been applied)
 * is never confused with an acknowledged one.
 */
final class AckedWriter implements AutoCloseable {

  /** One acknowledged insert: its _id, when the driver returned (nanoTime), the member's host. */
  record Ack(int id, long nanos, String host) {}

  /** One failed attempt: when it ended (nanoTime) and the exception's class and message. */
  private record Failure(long nanos, String what) {}

  /** How many recent failures are kept for {@link #failuresSince}. */
  private static final int KEPT_FAILURES = 5000;

  /** Completes its future with the {@code count}-th acknowledgement that matches. */
  private static final class Watch {
    final Predicate<Ack> match;
    final CompletableFuture<Ack> done = new CompletableFuture<>();
    int remaining;

    Watch(Predicate<Ack> match, int count) {
      this.match = match;
      this.remaining = count;
    }
  }

  static final String DB = "bench";
  static final String COLLECTION = "failover";

  /** Pause after a failed attempt so that a down set does not make the writer spin. */
  private static final long RETRY_PAUSE_MILLIS = 5;

  private final MongoClient client;
  private final MongoCollection<Document> collection;
  private final Thread thread;
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private final BitSet acked = new BitSet();
  private final ArrayDeque<Failure> recentFailures = new ArrayDeque<>();
  private volatile boolean running = true;
  private volatile String lastInsertHost;
  private int nextId;
  private long attempts;
  private long failures;
  private String lastError = "";

  /**
   * Starts writing to {@code uri} with 1 s socket and server-selection timeouts and a 900 ms
   * wtimeout (so that a primary that cannot replicate answers before the socket gives up), so that
   * a paused primary costs an attempt, not a hang; {@code heartbeatMillis} is the driver's
   * heartbeatFrequencyMS.
   */
  AckedWriter(String uri, long heartbeatMillis) {
    CommandListener listener =
        new CommandListener() {
          @Override
          public void commandSucceeded(CommandSucceededEvent event) {
            if (event.getCommandName().equals("insert")) {
              lastInsertHost = event.getConnectionDescription().getServerAddress().toString();
            }
          }
        };
    client =
        MongoClients.create(
            MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .retryWrites(false)
                .retryReads(false)
                .writeConcern(WriteConcern.MAJORITY.withWTimeout(900, TimeUnit.MILLISECONDS))
                .addCommandListener(listener)
                .applyToClusterSettings(b -> b.serverSelectionTimeout(1, TimeUnit.SECONDS))
                .applyToServerSettings(
                    b -> b.heartbeatFrequency(heartbeatMillis, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(
                    b -> b.connectTimeout(1, TimeUnit.SECONDS).readTimeout(1, TimeUnit.SECONDS))
                .build());
    collection = client.getDatabase(DB).getCollection(COLLECTION);
    thread = new Thread(this::loop, "failover-writer");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      int id;
      synchronized (this) {
        id = nextId++;
        attempts++;
      }
      lastInsertHost = null;
      try {
        collection.insertOne(new Document("_id", id).append("v", "w"));
      } catch (RuntimeException e) {
        synchronized (this) {
          failures++;
          lastError = e.getClass().getSimpleName() + ": " + e.getMessage() + server(e);
          if (recentFailures.size() == KEPT_FAILURES) {
            recentFailures.removeFirst();
          }
          recentFailures.addLast(new Failure(System.nanoTime(), shorten(lastError)));
        }
        if (running) {
          LocalReplicaSet.sleepMillis(RETRY_PAUSE_MILLIS);
        }
        continue;
      }
      Ack ack = new Ack(id, System.nanoTime(), lastInsertHost);
      synchronized (this) {
        acked.set(id);
      }
      for (Watch w : watches) {
        if (w.done.isDone()) {
          watches.remove(w);
        } else if (w.match.test(ack) && --w.remaining == 0) {
          watches.remove(w);
          w.done.complete(ack);
        }
      }
    }
  }

  /**
   * The {@code count}-th acknowledgement from now on that matches; register it before the event it
   * should see.
   */
  CompletableFuture<Ack> watch(Predicate<Ack> match, int count) {
    Watch w = new Watch(match, count);
    watches.add(w);
    return w.done;
  }

  /** Waits for {@code count} more acknowledgements from {@code host}. */
  void awaitAcksFrom(String host, int count, Duration timeout, LocalReplicaSet set)
      throws BenchmarkException {
    CompletableFuture<Ack> f = watch(a -> host.equals(a.host()), count);
    try {
      f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      f.cancel(false);
      throw set.failure(
          "the writer got no "
              + count
              + " acknowledged w:majority inserts from the primary "
              + host
              + " within "
              + timeout.toSeconds()
              + " s (last error: "
              + lastError()
              + "); states: "
              + set.describeStates(),
          null);
    }
  }

  /**
   * The failed attempts that ended after {@code t0}, grouped by error, each with when it was first
   * seen relative to {@code t0}: what the client went through during a failover.
   */
  synchronized String failuresSince(long t0) {
    Map<String, long[]> byError = new LinkedHashMap<>();
    int total = 0;
    for (Failure f : recentFailures) {
      if (f.nanos() > t0) {
        total++;
        long[] countAndFirst = byError.computeIfAbsent(f.what(), k -> new long[] {0, f.nanos()});
        countAndFirst[0]++;
      }
    }
    if (total == 0) {
      return "no failed attempts";
    }
    StringBuilder out = new StringBuilder(total + " failed attempts: ");
    String sep = "";
    for (Map.Entry<String, long[]> e : byError.entrySet()) {
      out.append(sep)
          .append(e.getValue()[0])
          .append("x ")
          .append(e.getKey())
          .append(String.format(Locale.ROOT, " (first +%.2f s)", (e.getValue()[1] - t0) / 1e9));
      sep = "; ";
    }
    return out.toString();
  }

  /** Which member the failed attempt went to, when the exception says. */
  private static String server(RuntimeException e) {
    if (e instanceof MongoSocketException s) {
      return " (" + s.getServerAddress() + ")";
    }
    if (e instanceof MongoServerException s) {
      return " (" + s.getServerAddress() + ")";
    }
    return "";
  }

  private static String shorten(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() > 140 ? one.substring(0, 140) + "..." : one;
  }

  synchronized BitSet acked() {
    return (BitSet) acked.clone();
  }

  synchronized long attempts() {
    return attempts;
  }

  synchronized long failures() {
    return failures;
  }

  synchronized String lastError() {
    return lastError;
  }

  /** Stops the loop after its current attempt (at most a few seconds) and closes the client. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
  }
}
