package dev.starling.node.repl;

import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * Initial sync of an empty member (it stays STARTUP2 meanwhile): note the sync source's newest
 * oplog entry (the begin point), copy every database from it, then record the begin entry as this
 * node's last applied. The oplog fetcher then applies everything from the begin point on; entries
 * the copy already reflects apply again harmlessly, because entries are idempotent.
 */
final class InitialSync {
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
    oplog.applying(storage, begin, () -> {});
    Log.info(
        "initial sync from %s: copied the data in %d ms; applying the oplog from %s",
        host, (System.nanoTime() - started) / 1_000_000, begin.get("ts"));
    return begin;
  }

  /** The newest entry of {@code host}'s oplog, or null if it is empty. */
  static BsonDocument newestEntry(PeerClients peers, String host) {
    return edgeEntry(peers, host, -1);
  }

  private static BsonDocument edgeEntry(PeerClients peers, String host, int direction) {
    try (RemoteCursor cursor =
        new RemoteCursor(
            peers,
            host,
            "local",
            new BsonDocument("find", new BsonString("oplog.rs"))
                .append("sort", new BsonDocument("$natural", new BsonInt32(direction)))
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
