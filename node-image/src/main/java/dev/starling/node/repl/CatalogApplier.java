package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import java.util.Set;
import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Applies the catalog change of one {@code op: "c"} entry idempotently, as {@link OplogApplier}
 * describes. Runs inside {@link OplogWriter#applying}, so the one catalog write it makes commits
 * the entry; when it makes none, the entry is recorded alone.
 */
final class CatalogApplier {
  /** Fields of a create entry that are not collection options. */
  private static final Set<String> NOT_OPTIONS = Set.of("create", "idIndex");

  private CatalogApplier() {}

  static void apply(StorageEngine storage, BsonDocument entry) {
    String db = OplogApplier.split(entry.getString("ns").getValue())[0];
    UUID ui = OplogApplier.uuid(entry);
    BsonDocument o = entry.getDocument("o");
    String command = o.getFirstKey();
    switch (command) {
      case "create" -> create(storage, db, ui, o);
      case "drop" -> drop(storage, collection(storage, db, ui, o.getString("drop").getValue()));
      case "createIndexes" -> createIndex(storage, db, ui, o);
      case "dropIndexes" -> dropIndex(storage, db, ui, o);
      case "renameCollection" -> rename(storage, ui, o);
      case "dropDatabase" -> {
        // The primary logged a drop for each collection before this entry.
      }
      default ->
          throw new MongoServerException(
              ErrorCode.COMMAND_NOT_SUPPORTED,
              "cannot apply oplog command '" + command + "': " + entry.toJson());
    }
  }

  /** By UUID when the entry has one (null if absent), else by name. */
  private static CollectionMeta collection(StorageEngine storage, String db, UUID ui, String name) {
    return ui != null ? storage.collection(ui) : storage.collection(db, name);
  }

  private static void create(StorageEngine storage, String db, UUID ui, BsonDocument o) {
    String name = o.getString("create").getValue();
    if ((ui != null && storage.collection(ui) != null) || storage.collection(db, name) != null) {
      return;
    }
    BsonDocument options = new BsonDocument();
    for (String key : o.keySet()) {
      if (!NOT_OPTIONS.contains(key)) {
        options.append(key, o.get(key));
      }
    }
    if (ui != null) {
      storage.createCollection(db, name, options, ui);
    } else {
      storage.createCollection(db, name, options);
    }
  }

  private static void drop(StorageEngine storage, CollectionMeta collection) {
    if (collection != null) {
      storage.dropCollection(collection);
    }
  }

  private static void createIndex(StorageEngine storage, String db, UUID ui, BsonDocument o) {
    CollectionMeta collection =
        collection(storage, db, ui, o.getString("createIndexes").getValue());
    String name = o.getString("name").getValue();
    if (collection == null || name.equals("_id_") || collection.index(name) != null) {
      return;
    }
    storage.createIndex(
        collection, name, o.getDocument("key"), flag(o, "unique"), flag(o, "sparse"));
  }

  private static boolean flag(BsonDocument o, String field) {
    BsonValue value = o.get(field);
    return value != null
        && (value.isBoolean()
            ? value.asBoolean().getValue()
            : value.isNumber() && value.asNumber().doubleValue() != 0);
  }

  private static void dropIndex(StorageEngine storage, String db, UUID ui, BsonDocument o) {
    CollectionMeta collection = collection(storage, db, ui, o.getString("dropIndexes").getValue());
    if (!(o.get("index") instanceof org.bson.BsonString index)) {
      throw new MongoServerException(
          ErrorCode.COMMAND_NOT_SUPPORTED, "cannot apply dropIndexes without an index name: " + o);
    }
    if (collection != null && collection.index(index.getValue()) != null) {
      storage.dropIndex(collection, index.getValue());
    }
  }

  /**
   * Renames only while the source still has its old name: under another name (or already the
   * target's) a later rename or drop has been applied to it. A target that exists although the
   * primary did not drop one is left alone and the rename skipped; replay reaches the state where
   * it no longer matters.
   */
  private static void rename(StorageEngine storage, UUID ui, BsonDocument o) {
    String[] from = OplogApplier.split(o.getString("renameCollection").getValue());
    String[] to = OplogApplier.split(o.getString("to").getValue());
    CollectionMeta source =
        ui != null ? storage.collection(ui) : storage.collection(from[0], from[1]);
    if (source == null || !source.db().equals(from[0]) || !source.name().equals(from[1])) {
      return;
    }
    // mongod logs the dropped target's UUID here; this node logs a boolean.
    boolean dropTarget = flag(o, "dropTarget") || o.get("dropTarget") instanceof BsonBinary;
    if (storage.collection(to[0], to[1]) != null && !dropTarget) {
      Log.warn("applying a rename of %s: target %s exists; skipped", source.ns(), o.get("to"));
      return;
    }
    storage.renameCollection(source, to[0], to[1], dropTarget);
  }
}
