package dev.starling.node.repl;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import dev.starling.node.storage.Column;
import dev.starling.node.storage.Durability;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import java.util.List;
import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;

/**
 * Applies a primary's oplog entries on a secondary. Each entry's data change and the entry itself,
 * exactly as received, commit in one batch (see {@link OplogWriter#applying}), so after a crash the
 * oplog says precisely which entries were applied; an entry whose timestamp the oplog already holds
 * is skipped.
 *
 * <p>Application is idempotent, so that it can replay entries over a clone taken while the primary
 * kept writing (initial sync) or over state that already has them:
 *
 * <ul>
 *   <li>{@code i}: upsert by {@code _id} (replace if present); {@code u}: replace the document
 *       {@code o2._id} with {@code o}, inserting it if missing; {@code d}: delete by {@code _id} if
 *       present. A missing collection is created (with the entry's {@code ui}, logging nothing).
 *   <li>{@code c}: create if missing, drop if present, createIndexes if no index has that name,
 *       dropIndexes if present, renameCollection if the source still has its old name; {@code
 *       dropDatabase} changes nothing, because the primary logs each collection's drop before it
 *       and writes it only once the database is empty.
 *   <li>{@code n}: only recorded.
 * </ul>
 *
 * <p>Collections are found by the entry's {@code ui}, as in mongod, whatever their name now; so a
 * clone must create its collections with the source's UUIDs. An entry for a UUID that is absent
 * while another collection holds its namespace belongs to a collection dropped or renamed away
 * later, and its data change is skipped. A duplicate key error (possible while replaying over newer
 * data, where a later entry fixes the conflict) skips the data change too, as mongod does during
 * initial sync; the entry is still recorded, and {@link #duplicateKeysIgnored} counts these.
 *
 * <p>Not thread-safe: one thread applies, in timestamp order. Writes are not synced; the caller
 * decides when a batch must be durable.
 */
public final class OplogApplier {
  private final StorageEngine storage;
  private final OplogWriter oplog;
  private long duplicateKeysIgnored;

  public OplogApplier(StorageEngine storage, OplogWriter oplog) {
    this.storage = storage;
    this.oplog = oplog;
  }

  /** Applies entries in order; stops at the first that fails, by throwing. */
  public void apply(List<BsonDocument> batch) {
    for (BsonDocument entry : batch) {
      apply(entry);
    }
  }

  /**
   * Applies one entry and records it in the oplog.
   *
   * @return false if it was skipped because the oplog already holds this very entry
   * @throws OplogDivergedException if the oplog holds a different entry with the same timestamp
   * @throws MongoServerException for an entry this node cannot apply (an unknown op or command), in
   *     which case nothing is recorded
   */
  public boolean apply(BsonDocument entry) {
    byte[] existing = storage.get(Column.OPLOG, OplogWriter.key(entry.getTimestamp("ts")));
    if (existing != null) {
      BsonDocument local = BsonCodec.decode(existing);
      if (local.equals(entry)) {
        return false;
      }
      // Two primaries (an old one that had not yet learned of the new term, and the new one) used
      // the same timestamp: our log diverged here, and only a rollback may settle it.
      throw new OplogDivergedException(local, entry);
    }
    String op = entry.getString("op").getValue();
    Runnable change =
        switch (op) {
          case "i" -> () -> upsert(entry, entry.getDocument("o").get("_id"));
          case "u" -> () -> upsert(entry, fullImageUpdate(entry).get("_id"));
          case "d" -> () -> delete(entry);
          case "c" -> () -> CatalogApplier.apply(storage, entry);
          case "n" -> () -> {};
          default ->
              throw new MongoServerException(
                  ErrorCode.BAD_VALUE, "unknown oplog entry op '" + op + "': " + entry.toJson());
        };
    oplog.applying(storage, entry, () -> ignoringDuplicateKeys(entry, change));
    return true;
  }

  /**
   * The {@code o2} of an update whose {@code o} is the whole after-image, as this node's primaries
   * log them; mongod's modifier and diff forms ({@code $set}, {@code $v: 2}) are refused.
   */
  private static BsonDocument fullImageUpdate(BsonDocument entry) {
    BsonDocument o = entry.getDocument("o");
    if (!o.containsKey("_id") || (!o.isEmpty() && o.getFirstKey().startsWith("$"))) {
      throw new MongoServerException(
          ErrorCode.COMMAND_NOT_SUPPORTED,
          "only full-image update entries can be applied: " + entry.toJson());
    }
    return entry.getDocument("o2");
  }

  /** How many entries' data changes were skipped for a duplicate key. */
  public long duplicateKeysIgnored() {
    return duplicateKeysIgnored;
  }

  private void ignoringDuplicateKeys(BsonDocument entry, Runnable change) {
    try {
      change.run();
    } catch (MongoServerException e) {
      if (e.error() != ErrorCode.DUPLICATE_KEY) {
        throw e;
      }
      duplicateKeysIgnored++;
      BsonTimestamp ts = entry.getTimestamp("ts");
      Log.warn(
          "applying %s: ignored a duplicate key (%s); a later entry is expected to resolve it",
          ts.getTime() + ":" + ts.getInc(), e.getMessage());
    }
  }

  private void upsert(BsonDocument entry, BsonValue id) {
    CollectionMeta collection = target(entry, true);
    if (collection == null) {
      return;
    }
    BsonDocument doc = entry.getDocument("o");
    try (CollectionWriter writer = storage.writer(collection, Durability.WRITTEN)) {
      BsonDocument current = storage.findById(writer.collection(), id);
      if (current == null) {
        writer.insert(doc);
      } else {
        writer.replace(current, doc);
      }
    }
  }

  private void delete(BsonDocument entry) {
    CollectionMeta collection = target(entry, false);
    if (collection == null) {
      return;
    }
    try (CollectionWriter writer = storage.writer(collection, Durability.WRITTEN)) {
      BsonDocument current =
          storage.findById(writer.collection(), entry.getDocument("o").get("_id"));
      if (current != null) {
        writer.delete(current);
      }
    }
  }

  /**
   * The collection a document entry applies to: by {@code ui}, else by namespace if free (created,
   * unlogged, when {@code create}); null to skip the data change.
   */
  private CollectionMeta target(BsonDocument entry, boolean create) {
    String[] ns = split(entry.getString("ns").getValue());
    UUID ui = uuid(entry);
    CollectionMeta collection = ui != null ? storage.collection(ui) : null;
    if (collection != null) {
      return collection;
    }
    CollectionMeta byName = storage.collection(ns[0], ns[1]);
    if (byName != null) {
      return ui == null ? byName : null;
    }
    if (!create) {
      return null;
    }
    CollectionMeta[] created = new CollectionMeta[1];
    oplog.unlogged(
        () ->
            created[0] =
                ui == null
                    ? storage.collectionForWrite(ns[0], ns[1])
                    : storage.createCollection(ns[0], ns[1], new BsonDocument(), ui));
    return created[0];
  }

  /** The entry's {@code ui}, or null. */
  static UUID uuid(BsonDocument entry) {
    if (entry.get("ui") instanceof BsonBinary ui
        && ui.getType() == BsonBinarySubType.UUID_STANDARD.getValue()) {
      return ui.asUuid(UuidRepresentation.STANDARD);
    }
    return null;
  }

  /** "db.coll" as {db, coll}. */
  static String[] split(String ns) {
    int dot = ns.indexOf('.');
    if (dot <= 0) {
      throw new MongoServerException(ErrorCode.INVALID_NAMESPACE, "bad namespace in entry: " + ns);
    }
    return new String[] {ns.substring(0, dot), ns.substring(dot + 1)};
  }
}
