package dev.starling.node.repl;

import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * Initial sync of an empty member (it stays STARTUP2 meanwhile): note the sync source's newest
 * oplog entry (the begin point), copy every database from it, then record the begin entry as this
 * node's last applied. The oplog fetcher then applies everything from the begin point on; entries
 * the copy already reflects apply again harmlessly, because entries are idempotent.
 *
 * <p>The copy includes {@code config.transactions}, whose records point into the source's oplog at
 * the statements a retried write is answered from. So that this member, once primary, answers a
 * retry of a write made before its sync as the source would (instead of 217
 * IncompleteTransactionHistory, which is what mongod's initial sync leaves), the sync also copies
 * the source's oplog from the first entry of the oldest such record's chain up to the begin point,
 * as history that is stored but not applied. Only records of sessions that can still be live count
 * (written within the source's {@code logicalSessionTimeoutMinutes} before the begin point), so the
 * extra copy is at most that much oplog.
 */
final class InitialSync {
  /** Entries of copied history per write batch. */
  private static final int HISTORY_BATCH = 1000;

  private final PeerClients peers;
  private final StorageEngine storage;
  private final OplogWriter oplog;

  InitialSync(PeerClients peers, StorageEngine storage, OplogWriter oplog) {
    this.peers = peers;
    this.storage = storage;
    this.oplog = oplog;
  }

  /** Copies {@code host}'s data; returns the begin entry now in the local oplog, or null. */
  BsonDocument run(String host) {
    long started = System.nanoTime();
    BsonDocument begin = newestEntry(peers, host);
    dropUserData();
    if (begin == null) {
      return null;
    }
    CollectionCloner cloner = new CollectionCloner(peers, host, storage, oplog);
    cloner.cloneAll();
    int history = copyRetryableHistory(host, begin);
    oplog.applying(storage, begin, () -> {});
    Log.info(
        "initial sync from %s: copied the data in %d ms and %d entries of retryable-write history;"
            + " applying the oplog from %s",
        host, (System.nanoTime() - started) / 1_000_000, history, begin.get("ts"));
    return begin;
  }

  /**
   * Copies the source's oplog entries before {@code begin} that the copied retryable-write records
   * need (see the class comment); returns how many.
   */
  private int copyRetryableHistory(String host, BsonDocument begin) {
    CollectionMeta transactions =
        storage.collection(RetryableWrites.DB, RetryableWrites.TRANSACTIONS);
    if (transactions == null) {
      return 0;
    }
    Map<BsonDocument, Long> records = new HashMap<>();
    for (Iterator<BsonDocument> it = storage.scan(transactions); it.hasNext(); ) {
      BsonDocument record = it.next();
      records.put(record.getDocument("_id"), record.getNumber("txnNum").longValue());
    }
    if (records.isEmpty()) {
      return 0;
    }
    BsonTimestamp beginTs = begin.getTimestamp("ts");
    long window = sessionTimeoutMinutes(host) * 60L;
    BsonTimestamp windowStart = new BsonTimestamp((int) Math.max(0, beginTs.getTime() - window), 0);
    BsonTimestamp from = null;
    // The first statement of a transaction number has a null prevOpTime; the oldest one of a
    // copied record's transaction number is where the history must start.
    try (RemoteCursor firsts =
        RemoteCursor.oplog(
            peers,
            host,
            new BsonDocument(
                    "filter",
                    new BsonDocument(
                            "ts", new BsonDocument("$gte", windowStart).append("$lt", beginTs))
                        .append("prevOpTime.ts", new BsonTimestamp(0)))
                .append(
                    "projection",
                    new BsonDocument("ts", new BsonInt32(1))
                        .append("lsid", new BsonInt32(1))
                        .append("txnNumber", new BsonInt32(1))))) {
      while (from == null && firsts.hasNext()) {
        BsonDocument first = firsts.next();
        Long recorded = records.get(first.getDocument("lsid", null));
        if (recorded != null
            && first.get("txnNumber") instanceof BsonValue n
            && n.isNumber()
            && n.asNumber().longValue() == recorded) {
          from = first.getTimestamp("ts");
        }
      }
    }
    if (from == null) {
      return 0;
    }
    int copied = 0;
    List<BsonDocument> batch = new ArrayList<>();
    try (RemoteCursor entries =
        RemoteCursor.oplog(
            peers,
            host,
            new BsonDocument(
                "filter",
                new BsonDocument("ts", new BsonDocument("$gte", from).append("$lt", beginTs))))) {
      while (entries.hasNext()) {
        batch.add(entries.next());
        if (batch.size() == HISTORY_BATCH) {
          oplog.storeHistory(storage, batch);
          copied += batch.size();
          batch.clear();
        }
      }
    }
    oplog.storeHistory(storage, batch);
    return copied + batch.size();
  }

  /** The source's {@code logicalSessionTimeoutMinutes}, from its hello (30, mongod's default). */
  private int sessionTimeoutMinutes(String host) {
    BsonDocument hello =
        peers.call(host, "admin", new BsonDocument("hello", new BsonInt32(1)), 10_000);
    BsonValue minutes = hello.get("logicalSessionTimeoutMinutes");
    return minutes != null && minutes.isNumber() ? minutes.asNumber().intValue() : 30;
  }

  /** The newest entry of {@code host}'s oplog, or null if it is empty. */
  static BsonDocument newestEntry(PeerClients peers, String host) {
    return edgeEntry(peers, host, -1);
  }

  private static BsonDocument edgeEntry(PeerClients peers, String host, int direction) {
    try (RemoteCursor cursor =
        RemoteCursor.oplog(
            peers,
            host,
            new BsonDocument("sort", new BsonDocument("$natural", new BsonInt32(direction)))
                .append("limit", new BsonInt32(1)))) {
      return cursor.hasNext() ? cursor.next() : null;
    }
  }

  /** An initial sync starts from nothing: user databases left over are dropped, unlogged. */
  private void dropUserData() {
    for (String db : storage.databaseNames()) {
      if (db.equals("local")) {
        continue;
      }
      for (CollectionMeta collection : storage.collections(db)) {
        oplog.unlogged(() -> storage.dropCollection(collection));
      }
    }
  }
}
