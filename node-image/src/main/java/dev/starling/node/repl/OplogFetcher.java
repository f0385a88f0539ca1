package dev.starling.node.repl;

import dev.starling.node.repl.core.OpTime;
import dev.starling.node.util.Log;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * A secondary's oplog fetcher: tails its sync source's {@code local.oplog.rs} with a tailable
 * awaitData cursor, applies each batch, and tells the coordinator (which reports the new position
 * upstream). It runs on its own virtual thread for the life of the node and asks the coordinator
 * before every fetch what to do: nothing (primary, arbiter, no config), initial sync, rollback, or
 * fetch from a source.
 */
public final class OplogFetcher implements Runnable {
  /** What the fetcher needs from the coordinator. */
  interface Coordinator {
    /** The next thing to do; waits a little when there is nothing to do. */
    FetchPlan nextFetch() throws InterruptedException;

    /** Whether fetching from {@code sourceId} should go on. */
    boolean keepFetching(int sourceId);

    /**
     * Applies a batch fetched from {@code sourceId} (data and entry in one write each) and syncs
     * the WAL.
     */
    void apply(int sourceId, List<BsonDocument> entries);

    /**
     * A batch from {@code sourceId} was applied; {@code metadata} is the reply's replication data.
     */
    void batchApplied(int sourceId, BsonDocument metadata);

    /** Fetching from {@code sourceId} failed. */
    void fetchFailed(int sourceId, String why);

    /** Our last entry is not in the source's oplog: this node's log diverged from it. */
    void diverged(int sourceId, String host, OpTime lastApplied);

    /**
     * Our last entry is gone from the source's oplog, whose oldest entry ({@code sourceOldest}) is
     * newer: this member is too stale to sync from it.
     */
    void tooStale(int sourceId, String host, OpTime lastApplied, BsonDocument sourceOldest);

    /** This member is empty: copy the source's data before fetching. */
    void initialSync(int sourceId, String host);
  }

  /** One fetch: from which member, starting at our last applied entry. */
  record FetchPlan(
      int sourceId,
      String host,
      OpTime lastApplied,
      long awaitMillis,
      long giveUpMillis,
      boolean initialSync) {}

  /** Applies and getMores slower than this (beyond the await) are logged. */
  private static final long SLOW_MILLIS = 500;

  private final Coordinator coordinator;
  private final PeerCaller peers;
  private volatile boolean stopped;

  // The fetch in progress, so the coordinator can abandon it.
  private final PeerCallSlot slot = new PeerCallSlot();

  /**
   * Applies a batch of fetched entries, data and entry in one write each ({@link OplogApplier}).
   */
  public interface Applier {
    void apply(List<BsonDocument> entries);
  }

  OplogFetcher(Coordinator coordinator, PeerCaller peers) {
    this.coordinator = coordinator;
    this.peers = peers;
  }

  void start() {
    Thread.ofVirtual().name("repl-oplog-fetcher").start(this);
  }

  void stop() {
    stopped = true;
  }

  /** The member the fetcher is fetching from now, or -1. */
  int activeSource() {
    return slot.memberId();
  }

  /**
   * Ends the fetch from {@code sourceId}, if that is the one in progress: a call in flight is
   * interrupted, and no further call to it is made. What was applied stays applied; a batch in
   * flight is dropped and fetched again from the next source.
   */
  void abandon(int sourceId) {
    slot.cancel(sourceId);
  }

  /**
   * The slot the fetch's calls go through: work on the fetch's source beyond the fetch itself (a
   * rollback) goes through it too, so that {@link #abandon} cuts its calls short.
   */
  PeerCallSlot callSlot() {
    return slot;
  }

  /** A call to the source of the fetch in progress, which {@link #abandon} can cut short. */
  private BsonDocument call(FetchPlan plan, BsonDocument command, long timeoutMillis) {
    return slot.call(() -> peers.call(plan.host(), "local", command, timeoutMillis));
  }

  @Override
  public void run() {
    while (!stopped) {
      FetchPlan plan;
      try {
        plan = coordinator.nextFetch();
      } catch (InterruptedException e) {
        return;
      }
      if (plan == null) {
        continue;
      }
      slot.aim(plan.sourceId());
      try {
        fetch(plan);
      } catch (OplogDivergedException e) {
        Log.info("oplog fetch from %s: %s", plan.host(), e.getMessage());
        coordinator.diverged(plan.sourceId(), plan.host(), plan.lastApplied());
      } catch (PeerCallSlot.CancelledException e) {
        // The coordinator moved on; the next plan says what to do.
      } catch (RuntimeException e) {
        if (!stopped) {
          coordinator.fetchFailed(plan.sourceId(), e.toString());
        }
      } finally {
        slot.clear();
      }
    }
  }

  private void fetch(FetchPlan plan) {
    if (plan.initialSync()) {
      coordinator.initialSync(plan.sourceId(), plan.host());
      return;
    }
    // A source that stops answering (paused, partitioned) is given up after this, so the member
    // moves on to another source instead of hanging on a dead connection.
    long callTimeout = plan.awaitMillis() + plan.giveUpMillis();
    BsonDocument find =
        new BsonDocument("find", new BsonString("oplog.rs"))
            .append(
                "filter", new BsonDocument("ts", new BsonDocument("$gte", plan.lastApplied().ts())))
            .append("tailable", BsonBoolean.TRUE)
            .append("awaitData", BsonBoolean.TRUE)
            .append("batchSize", new BsonInt32(1000))
            .append("$replData", new BsonInt32(1))
            .append("$oplogQueryData", new BsonInt32(1));
    BsonDocument reply = call(plan, find, callTimeout);
    BsonDocument cursor = reply.getDocument("cursor");
    long cursorId = cursor.getInt64("id").getValue();
    try {
      List<BsonDocument> batch = documents(cursor.getArray("firstBatch"));
      if (!plan.lastApplied().isNull()) {
        if (batch.isEmpty() || !sameEntry(batch.get(0), plan.lastApplied())) {
          killInBackground(plan, cursorId);
          cursorId = 0;
          // Truncated past our last entry (too stale), or never had it (we diverged: roll back).
          BsonDocument oldest = oldestEntry(plan, callTimeout);
          if (oldest != null && oldest.getTimestamp("ts").compareTo(plan.lastApplied().ts()) > 0) {
            coordinator.tooStale(plan.sourceId(), plan.host(), plan.lastApplied(), oldest);
          } else {
            coordinator.diverged(plan.sourceId(), plan.host(), plan.lastApplied());
          }
          return;
        }
        batch = batch.subList(1, batch.size());
      }
      apply(plan, batch, reply);
      while (!stopped && cursorId != 0 && coordinator.keepFetching(plan.sourceId())) {
        BsonDocument getMore =
            new BsonDocument("getMore", new BsonInt64(cursorId))
                .append("collection", new BsonString("oplog.rs"))
                .append("batchSize", new BsonInt32(1000))
                .append("maxTimeMS", new BsonInt64(plan.awaitMillis()))
                .append("$replData", new BsonInt32(1))
                .append("$oplogQueryData", new BsonInt32(1));
        long start = System.nanoTime();
        reply = call(plan, getMore, callTimeout);
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (millis >= plan.awaitMillis() + SLOW_MILLIS) {
          Log.info("slow oplog getMore: %s answered after %d ms", plan.host(), millis);
        }
        cursor = reply.getDocument("cursor");
        cursorId = cursor.getInt64("id").getValue();
        if (!coordinator.keepFetching(plan.sourceId())) {
          // Told to stop while the getMore waited (a fail point, a new source, this node became
          // primary): the batch is dropped; the next fetch starts after what was applied.
          break;
        }
        apply(plan, documents(cursor.getArray("nextBatch")), reply);
      }
    } finally {
      // However the fetch ends (told to stop, abandoned, failed, the node closing), a cursor left
      // open would hold its place on the source until the source's idle timeout: kill it now.
      killInBackground(plan, cursorId);
    }
  }

  private void apply(FetchPlan plan, List<BsonDocument> batch, BsonDocument reply) {
    if (!batch.isEmpty()) {
      long start = System.nanoTime();
      coordinator.apply(plan.sourceId(), batch);
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (millis >= SLOW_MILLIS) {
        Log.info(
            "slow oplog apply: %d entries from %s took %d ms", batch.size(), plan.host(), millis);
      }
    }
    BsonDocument metadata = new BsonDocument();
    if (reply.get("$replData") instanceof BsonDocument d) {
      metadata.append("$replData", d);
    }
    if (reply.get("$oplogQueryData") instanceof BsonDocument d) {
      metadata.append("$oplogQueryData", d);
    }
    coordinator.batchApplied(plan.sourceId(), metadata);
  }

  /** The oldest entry of the source's oplog (it is capped), or null if it is empty. */
  private BsonDocument oldestEntry(FetchPlan plan, long timeoutMillis) {
    BsonDocument find =
        new BsonDocument("find", new BsonString("oplog.rs"))
            .append("sort", new BsonDocument("$natural", new BsonInt32(1)))
            .append("limit", new BsonInt32(1))
            .append("singleBatch", BsonBoolean.TRUE);
    BsonArray first = call(plan, find, timeoutMillis).getDocument("cursor").getArray("firstBatch");
    return first.isEmpty() ? null : first.get(0).asDocument();
  }

  private static boolean sameEntry(BsonDocument entry, OpTime opTime) {
    BsonValue ts = entry.get("ts");
    BsonValue t = entry.get("t");
    return ts != null
        && ts.equals(opTime.ts())
        && t != null
        && t.isNumber()
        && t.asNumber().longValue() == opTime.term();
  }

  /**
   * Kills a cursor we leave on the source, in the background and not through the slot (a cancelled
   * fetch must still kill its cursor): a source we leave may be paused or gone, and waiting for it
   * would delay the next fetch (the source's own idle timeout reaps the cursor otherwise).
   */
  private void killInBackground(FetchPlan plan, long id) {
    if (id == 0) {
      return;
    }
    BsonDocument kill =
        new BsonDocument("killCursors", new BsonString("oplog.rs"))
            .append("cursors", new BsonArray(List.of(new BsonInt64(id))));
    Thread.ofVirtual()
        .name("repl-kill-oplog-cursor")
        .start(
            () -> {
              try {
                peers.call(plan.host(), "local", kill, 5_000);
              } catch (RuntimeException e) {
                if (!stopped) {
                  Log.info("could not kill oplog cursor %d on %s: %s", id, plan.host(), e);
                }
              }
            });
  }

  private static List<BsonDocument> documents(BsonArray array) {
    List<BsonDocument> out = new ArrayList<>(array.size());
    for (BsonValue v : array) {
      out.add(v.asDocument());
    }
    return out;
  }
}
