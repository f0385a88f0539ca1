package dev.starling.node.storage;

import java.util.UUID;
import org.bson.BsonDocument;

/**
 * Sees each document write and each catalog change before it commits and may add to the same atomic
 * batch: replication adds the oplog entry here (and later the session record), so data and oplog
 * can never disagree after a crash.
 */
public interface WriteObserver {
  WriteObserver NONE = (write, batch) -> {};

  /** The kind of a document write, named as in oplog entries. */
  enum Op {
    INSERT,
    UPDATE,
    DELETE
  }

  /** One document write: for DELETE, {@code after} is null; for INSERT, {@code before} is null. */
  record DocumentWrite(Op op, CollectionMeta collection, BsonDocument before, BsonDocument after) {}

  /**
   * One catalog change (create, drop, rename, createIndexes, dropIndexes, dropDatabase), described
   * as the command document an oplog entry of {@code op: "c"} carries in {@code o}.
   *
   * @param db the database whose {@code $cmd} namespace the entry names (the source's, for a
   *     rename)
   * @param uuid the collection's UUID, or null (dropDatabase)
   */
  record CatalogWrite(String db, UUID uuid, BsonDocument command) {}

  /** Adds to the batch that commits the write. */
  interface Batch {
    void put(Column column, byte[] key, byte[] value);

    /**
     * Inserts {@code doc}, or replaces the document with its {@code _id}, in a collection the
     * observer keeps for itself (a session's last retryable write in {@code config.transactions}):
     * part of the same atomic batch, never logged, with its index entries and counters, and with no
     * unique-key checks beyond the {@code _id}.
     */
    void putDocument(CollectionMeta collection, BsonDocument doc);
  }

  void onWrite(DocumentWrite write, Batch batch);

  /**
   * Adds to the batch, then commits it by running {@code commit}. An observer that must order
   * commits (the oplog: an entry with a smaller timestamp never becomes visible after one with a
   * larger) overrides this to hold its lock across both.
   */
  default void commit(DocumentWrite write, Batch batch, Runnable commit) {
    onWrite(write, batch);
    commit.run();
  }

  /**
   * Adds to the batch of a catalog change, then commits it by running {@code commit}; by default
   * only commits. The catalog lock is held throughout.
   */
  default void commitCatalog(CatalogWrite write, Batch batch, Runnable commit) {
    commit.run();
  }
}
