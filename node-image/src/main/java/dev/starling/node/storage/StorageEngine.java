package dev.starling.node.storage;

import java.util.Iterator;
import java.util.List;
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

  /** Creates a collection; NamespaceExists (48) if it exists. */
  CollectionMeta createCollection(String db, String name, BsonDocument options);

  /** The collection, created with default options if missing (as an insert does implicitly). */
  CollectionMeta collectionForWrite(String db, String name);

  void dropCollection(CollectionMeta collection);

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

  long dataSize(CollectionMeta collection);

  /** An estimate of the bytes on disk of everything the node stores. */
  long totalSizeOnDisk();

  // ---- writes

  /**
   * A writer for one collection, holding that collection's write lock until closed. Close it
   * promptly: a synced write's WAL sync happens on close, after the lock is released.
   */
  CollectionWriter writer(CollectionMeta collection, Durability durability);

  // ---- replication state (Column.LOCAL, Column.OPLOG): raw keys and values

  /** The value under {@code key} in a raw column, or null. */
  byte[] get(Column column, byte[] key);

  /** Writes one raw key; with {@code sync} the WAL is synced before returning. */
  void put(Column column, byte[] key, byte[] value, boolean sync);

  /** Every key and value of a raw column, ascending or (reverse) descending, read lazily. */
  Iterator<byte[][]> scanColumn(Column column, boolean reverse);

  /** The keys and values of a raw column from {@code fromKey} (inclusive) up, read lazily. */
  Iterator<byte[][]> scanColumnFrom(Column column, byte[] fromKey);

  /** Whether storage is open and usable (for /healthz). */
  boolean isOpen();

  @Override
  void close();
}
