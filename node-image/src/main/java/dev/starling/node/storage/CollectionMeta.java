package dev.starling.node.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bson.BsonDocument;

/**
 * A collection as the catalog records it: its namespace, the stable id that prefixes its records,
 * its UUID (as listCollections and oplog entries show it) and its secondary indexes. Immutable:
 * catalog changes replace it.
 */
public record CollectionMeta(
    String db, String name, UUID uuid, long id, BsonDocument options, List<IndexMeta> indexes) {

  public CollectionMeta {
    indexes = List.copyOf(indexes);
  }

  public String ns() {
    return db + "." + name;
  }

  public IndexMeta index(String indexName) {
    for (IndexMeta index : indexes) {
      if (index.name().equals(indexName)) {
        return index;
      }
    }
    return null;
  }

  public CollectionMeta withIndexes(List<IndexMeta> newIndexes) {
    return new CollectionMeta(db, name, uuid, id, options, newIndexes);
  }

  public CollectionMeta withIndex(IndexMeta index) {
    List<IndexMeta> list = new ArrayList<>();
    for (IndexMeta existing : indexes) {
      list.add(existing.name().equals(index.name()) ? index : existing);
    }
    if (index(index.name()) == null) {
      list.add(index);
    }
    return withIndexes(list);
  }

  public CollectionMeta renamed(String newDb, String newName) {
    return new CollectionMeta(newDb, newName, uuid, id, options, indexes);
  }
}
