package dev.starling.node.repl;

import org.bson.BsonDocument;

/**
 * A fetched entry has the timestamp of a different entry in this node's oplog: the logs diverged
 * there (two primaries of different terms allocated the same timestamp). The fetcher answers it
 * with a rollback, never by skipping the entry.
 */
public final class OplogDivergedException extends RuntimeException {
  public OplogDivergedException(BsonDocument local, BsonDocument fetched) {
    super("the oplog holds " + local.toJson() + " where the sync source has " + fetched.toJson());
  }
}
