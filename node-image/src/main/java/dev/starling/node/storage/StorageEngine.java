package dev.starling.node.storage;

import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The node's storage: a catalog of collections and indexes, their documents, and atomic writes.
 * Every write of a document (with its index entries, counters, and whatever a {@link WriteObserver}
 * adds, such as an oplog entry) is one atomic unit.
 */
public interface StorageEngine extends AutoCloseable {

  // ---- catalog

  List<String> databaseNames();

  List<CollectionMeta> collections(String db);

  /** The collection, or null if it does not exist. */
  CollectionMeta collection(String db, String name);

  /** The collection with this UUID, whatever its name now, or null. */
  CollectionMeta collection(UUID uuid);

  /** Creates a collection; NamespaceExists (48) if it exists. */
  CollectionMeta createCollection(String db, String name, BsonDocument options);

  /** Creates a collection with a given UUID (a secondary's, the primary's); otherwise as above. */
  CollectionMeta createCollection(String db, String name, BsonDocument options, UUID uuid);

  /** The collection, created with default options if missing (as an insert does implicitly). */
  CollectionMeta collectionForWrite(String db, String name);

  void dropCollection(CollectionMeta collection);

  /** Drops every collection of the database; the collections it dropped. */
  List<CollectionMeta> dropDatabase(String db);

  /**
   * Renames (or moves between databases) a collection; the target must not exist unless dropTarget.
   */
  CollectionMeta renameCollection(
      CollectionMeta collection, String toDb, String toName, boolean dropTarget);

  /**
   * Creates and builds an index over the existing documents; 11000 if a unique index finds
   * duplicates.
   */
  CollectionMeta createIndex(
      CollectionMeta collection, String name, BsonDocument key, boolean unique, boolean sparse);

  CollectionMeta dropIndex(CollectionMeta collection, String name);

  // ---- reads

  BsonDocument findById(CollectionMeta collection, BsonValue id);

  /** Every document, in {@code _id} order, read lazily. */
  Iterator<BsonDocument> scan(CollectionMeta collection);

  /**
   * Documents whose index keys lie in {@code [lower, upper)}, bounds given as encoded keys without
   * the index prefix (null: unbounded), in index order, each document at most once.
   */
  Iterator<BsonDocument> scanIndex(
      CollectionMeta collection, IndexMeta index, byte[] lower, byte[] upper);

  long count(CollectionMeta collection);

  /**
   * A point-in-time view of everything stored now; release it when done (scans reading through it
   * keep it alive until they finish).
   */
  ReadSnapshot openSnapshot();

  /**
   * Runs {@code read} on this thread with every document read ({@link #findById}, {@link #scan},
   * {@link #scanIndex}, including iterators created inside and consumed later) at {@code snapshot}.
   * Counters and the catalog are read as they are now.
   */
  <T> T readAt(ReadSnapshot snapshot, java.util.function.Supplier<T> read);

  long dataSize(CollectionMeta collection);

  /** An estimate of the bytes on disk of everything the node stores. */
  long totalSizeOnDisk();

  // ---- writes

  /**
   * A writer for one collection, holding that collection's write lock until closed. Close it
   * promptly: a synced write's WAL sync happens on close, after the lock is released.
   */
  CollectionWriter writer(CollectionMeta collection, Durability durability);

  /**
   * Makes every write that returned before this call durable (syncs the journal: RocksDB's WAL) and
   * returns once it is, as mongod's {@code StorageEngine::waitUntilDurable}. Writers on other
   * threads are not held up, and their writes meanwhile may or may not be covered. Replication's
   * group commit calls it once for every entry written since its last call.
   */
  void waitUntilDurable();

  // ---- replication state (Column.LOCAL, Column.OPLOG): raw keys and values

  /** The value under {@code key} in a raw column, or null. */
  byte[] get(Column column, byte[] key);

  /** Writes one raw key; with {@code sync} the WAL is synced before returning. */
  void put(Column column, byte[] key, byte[] value, boolean sync);

  /** Every key and value of a raw column, ascending or (reverse) descending, read lazily. */
  Iterator<byte[][]> scanColumn(Column column, boolean reverse);

  /**
   * The keys from {@code fromKeyInclusive} on, read lazily: ascending to the end, or (reverse)
   * descending from the last key at or before it to the first. The oplog is read from a timestamp
   * this way without scanning from its start.
   */
  Iterator<byte[][]> scanColumnFrom(Column column, byte[] fromKeyInclusive, boolean reverse);

  /**
   * Deletes the keys in {@code [fromInclusive, toExclusive)} of a raw column, atomically; a null
   * {@code toExclusive} deletes to the end (the oplog after a timestamp, for rollback).
   */
  void deleteColumnRange(Column column, byte[] fromInclusive, byte[] toExclusive);

  /**
   * Commits, as one atomic batch that no {@link WriteObserver} sees, what {@code fill} adds: a
   * received oplog entry whose write was already there, with the session record it carries.
   */
  void commitBatch(java.util.function.Consumer<WriteObserver.Batch> fill);

  /** Whether storage is open and usable (for /healthz). */
  boolean isOpen();

  @Override
  void close();
}
