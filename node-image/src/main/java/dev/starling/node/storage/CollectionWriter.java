package dev.starling.node.storage;

import org.bson.BsonDocument;

/**
 * Writes documents of one collection; each call is one atomic write of the document and its index
 * entries.
 */
public interface CollectionWriter extends AutoCloseable {

  /** Inserts a document that has an {@code _id}; DuplicateKey (11000) if a unique key is taken. */
  void insert(BsonDocument doc);

  /** Replaces {@code before} (as stored) with {@code after}, which has the same {@code _id}. */
  void replace(BsonDocument before, BsonDocument after);

  void delete(BsonDocument doc);

  /** The collection as it is now (indexes may have become multikey). */
  CollectionMeta collection();

  @Override
  void close();
}
