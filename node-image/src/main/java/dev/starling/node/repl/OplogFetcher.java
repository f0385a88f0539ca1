package dev.starling.node.repl;

import dev.starling.node.repl.core.OpTime;
import dev.starling.node.server.Log;
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
  private final PeerClients peers;
  private final Applier applier;
  private volatile boolean stopped;

  /** Applies a batch of fetched entries (data and entry in one write each) and syncs the WAL. */
  public interface Applier {
    void apply(List<BsonDocument> entries);
  }

  OplogFetcher(Coordinator coordinator, PeerClients peers, Applier applier) {
    this.coordinator = coordinator;
    this.peers = peers;
    this.applier = applier;
  }

  void start() {
    Thread.ofVirtual().name("repl-oplog-fetcher").start(this);
  }

  void stop() {
    stopped = true;
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
      try {
        fetch(plan);
      } catch (OplogDivergedException e) {
        Log.info("oplog fetch from %s: %s", plan.host(), e.getMessage());
        coordinator.diverged(plan.sourceId(), plan.host(), plan.lastApplied());
      } catch (RuntimeException e) {
        if (!stopped) {
          coordinator.fetchFailed(plan.sourceId(), e.toString());
        }
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
    BsonDocument reply = peers.call(plan.host(), "local", find, callTimeout);
    BsonDocument cursor = reply.getDocument("cursor");
    List<BsonDocument> batch = documents(cursor.getArray("firstBatch"));
    if (!plan.lastApplied().isNull()) {
      if (batch.isEmpty() || !sameEntry(batch.get(0), plan.lastApplied())) {
        killQuietly(plan, cursor);
        // Truncated past our last entry (too stale), or never had it (we diverged: roll back).
        BsonDocument oldest = InitialSync.oldestEntry(peers, plan.host());
        if (oldest != null && oldest.getTimestamp("ts").compareTo(plan.lastApplied().ts()) > 0) {
          coordinator.tooStale(plan.sourceId(), plan.host(), plan.lastApplied(), oldest);
        } else {
          coordinator.diverged(plan.sourceId(), plan.host(), plan.lastApplied());
        }
        return;
      }
      batch = batch.subList(1, batch.size());
    }
    long cursorId = cursor.getInt64("id").getValue();
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
      reply = peers.call(plan.host(), "local", getMore, callTimeout);
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
    if (cursorId != 0) {
      killQuietly(plan, new BsonDocument("id", new BsonInt64(cursorId)));
    }
  }

  private void apply(FetchPlan plan, List<BsonDocument> batch, BsonDocument reply) {
    if (!batch.isEmpty()) {
      long start = System.nanoTime();
      applier.apply(batch);
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

  private static boolean sameEntry(BsonDocument entry, OpTime opTime) {
    BsonValue ts = entry.get("ts");
    BsonValue t = entry.get("t");
    return ts != null
        && ts.equals(opTime.ts())
        && t != null
        && t.isNumber()
        && t.asNumber().longValue() == opTime.term();
  }

  private void killQuietly(FetchPlan plan, BsonDocument cursor) {
    long id = cursor.getInt64("id", new BsonInt64(0)).getValue();
    if (id == 0) {
      return;
    }
    try {
      peers.call(
          plan.host(),
          "local",
          new BsonDocument("killCursors", new BsonString("oplog.rs"))
              .append("cursors", new BsonArray(List.of(new BsonInt64(id)))),
          5_000);
    } catch (RuntimeException e) {
      Log.info("could not kill oplog cursor %d on %s: %s", id, plan.host(), e);
    }
  }

  private static List<BsonDocument> documents(BsonArray array) {
    List<BsonDocument> out = new ArrayList<>(array.size());
    for (BsonValue v : array) {
      out.add(v.asDocument());
    }
    return out;
  }
}
