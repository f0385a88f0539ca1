package dev.starling.node.repl;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The documents of a find run on a peer, fetched batch by batch with getMore as they are read. Used
 * by initial sync (cloning collections) and rollback (reading the source's oplog backwards).
 */
final class RemoteCursor implements Iterator<BsonDocument>, AutoCloseable {
  /** Per call: a source that stops answering fails the copy or rollback, which then starts over. */
  private static final long TIMEOUT_MILLIS = 10_000;

  private final PeerClients peers;
  private final String host;
  private final String db;
  private final String collection;
  private final Deque<BsonDocument> buffer = new ArrayDeque<>();
  private final BsonDocument firstReply;
  private long cursorId;

  /**
   * Runs {@code find} (a find, listCollections or listIndexes command) on {@code host}'s {@code
   * db}.
   */
  RemoteCursor(PeerClients peers, String host, String db, BsonDocument find) {
    this.peers = peers;
    this.host = host;
    this.db = db;
    this.firstReply = peers.read(host, db, find, TIMEOUT_MILLIS);
    BsonDocument cursor = firstReply.getDocument("cursor");
    // getMore names the cursor's collection: "coll", or "$cmd.listCollections" and the like.
    String ns = cursor.getString("ns").getValue();
    this.collection = ns.substring(ns.indexOf('.') + 1);
    take(cursor, "firstBatch");
  }

  /**
   * A find on {@code host}'s {@code local.oplog.rs} with {@code options} (filter, sort, projection,
   * limit, batchSize).
   */
  static RemoteCursor oplog(PeerClients peers, String host, BsonDocument options) {
    BsonDocument find = new BsonDocument("find", new BsonString("oplog.rs"));
    find.putAll(options);
    return new RemoteCursor(peers, host, "local", find);
  }

  /** The reply to the find itself (with any metadata the peer added). */
  BsonDocument firstReply() {
    return firstReply;
  }

  private void take(BsonDocument cursor, String field) {
    cursorId = cursor.getInt64("id").getValue();
    for (BsonValue v : cursor.getArray(field)) {
      buffer.add(v.asDocument());
    }
  }

  @Override
  public boolean hasNext() {
    while (buffer.isEmpty() && cursorId != 0) {
      BsonDocument reply =
          peers.read(
              host,
              db,
              new BsonDocument("getMore", new BsonInt64(cursorId))
                  .append("collection", new BsonString(collection)),
              TIMEOUT_MILLIS);
      take(reply.getDocument("cursor"), "nextBatch");
    }
    return !buffer.isEmpty();
  }

  @Override
  public BsonDocument next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return buffer.poll();
  }

  @Override
  public void close() {
    if (cursorId == 0) {
      return;
    }
    try {
      peers.read(
          host,
          db,
          new BsonDocument("killCursors", new BsonString(collection))
              .append("cursors", new BsonArray(java.util.List.of(new BsonInt64(cursorId)))),
          TIMEOUT_MILLIS);
    } catch (RuntimeException e) {
      // the peer reaps idle cursors
    }
    cursorId = 0;
  }
}
