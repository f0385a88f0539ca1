package dev.starling.node.storage;

import org.bson.BsonDocument;

/**
 * A secondary index as the catalog records it. The {@code _id} index is implicit: records are keyed
 * by {@code _id}.
 *
 * @param id the key prefix of this index's entries
 * @param multikey whether some document produced several keys (an array value), which limits how
 *     bounds combine
 */
public record IndexMeta(
    String name, BsonDocument key, boolean unique, boolean sparse, long id, boolean multikey) {

  public IndexMeta withMultikey() {
    return new IndexMeta(name, key, unique, sparse, id, true);
  }

  /** The spec as listIndexes shows it. */
  public BsonDocument toListEntry() {
    BsonDocument doc = new BsonDocument("v", new org.bson.BsonInt32(2)).append("key", key);
    doc.append("name", new org.bson.BsonString(name));
    if (unique) {
      doc.append("unique", org.bson.BsonBoolean.TRUE);
    }
    if (sparse) {
      doc.append("sparse", org.bson.BsonBoolean.TRUE);
    }
    return doc;
  }
}
