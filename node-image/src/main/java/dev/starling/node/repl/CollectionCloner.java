package dev.starling.node.repl;

import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import dev.starling.node.storage.Durability;
import dev.starling.node.storage.StorageEngine;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;

/**
 * Copies databases and collections from a peer into local storage, writing nothing to the local
 * oplog: the oplog applied afterwards (from a point taken before the copy) makes the copy
 * consistent. Documents already present are replaced, so a copy can be repeated.
 */
final class CollectionCloner {
  private final PeerClients peers;
  private final String host;
  private final StorageEngine storage;
  private final OplogWriter oplog;

  CollectionCloner(PeerClients peers, String host, StorageEngine storage, OplogWriter oplog) {
    this.peers = peers;
    this.host = host;
    this.storage = storage;
    this.oplog = oplog;
  }

  /** The peer's databases other than {@code local}. */
  List<String> databases() {
    BsonDocument reply =
        peers.read(
            host,
            "admin",
            new BsonDocument("listDatabases", new BsonInt32(1))
                .append("nameOnly", BsonBoolean.TRUE),
            60_000);
    List<String> out = new ArrayList<>();
    for (BsonValue v : reply.getArray("databases")) {
      String name = v.asDocument().getString("name").getValue();
      if (!name.equals("local")) {
        out.add(name);
      }
    }
    return out;
  }

  /** The peer's collections of {@code db}: name and options. */
  List<BsonDocument> collections(String db) {
    List<BsonDocument> out = new ArrayList<>();
    try (RemoteCursor cursor =
        new RemoteCursor(peers, host, db, new BsonDocument("listCollections", new BsonInt32(1)))) {
      cursor.forEachRemaining(out::add);
    }
    return out;
  }

  /** Whether the peer has collection {@code name} in {@code db}. */
  boolean hasCollection(String db, String name) {
    return collections(db).stream().anyMatch(c -> c.getString("name").getValue().equals(name));
  }

  /** Copies every collection of every database. */
  void cloneAll() {
    for (String db : databases()) {
      for (BsonDocument info : collections(db)) {
        cloneCollection(db, info);
      }
    }
  }

  /** Copies one collection (options, indexes, documents) as the peer has it now. */
  void cloneCollection(String db, BsonDocument info) {
    String name = info.getString("name").getValue();
    BsonDocument options =
        info.get("options") instanceof BsonDocument o ? o.clone() : new BsonDocument();
    // The source's UUID: oplog entries name collections by it ("ui").
    java.util.UUID uuid =
        info.get("info") instanceof BsonDocument i && i.get("uuid") instanceof BsonBinary b
            ? b.asUuid(UuidRepresentation.STANDARD)
            : java.util.UUID.randomUUID();
    oplog.unlogged(
        () -> {
          CollectionMeta existing = storage.collection(db, name);
          if (existing != null && !existing.uuid().equals(uuid)) {
            storage.dropCollection(existing);
            existing = null;
          }
          if (existing == null) {
            storage.createCollection(db, name, options, uuid);
          }
        });
    List<BsonDocument> indexes = new ArrayList<>();
    try (RemoteCursor cursor =
        new RemoteCursor(peers, host, db, new BsonDocument("listIndexes", new BsonString(name)))) {
      cursor.forEachRemaining(indexes::add);
    }
    for (BsonDocument index : indexes) {
      String indexName = index.getString("name").getValue();
      if (indexName.equals("_id_")) {
        continue;
      }
      oplog.unlogged(
          () -> {
            CollectionMeta meta = storage.collection(db, name);
            if (meta.index(indexName) == null) {
              storage.createIndex(
                  meta,
                  indexName,
                  index.getDocument("key"),
                  index.getBoolean("unique", BsonBoolean.FALSE).getValue(),
                  index.getBoolean("sparse", BsonBoolean.FALSE).getValue());
            }
          });
    }
    try (RemoteCursor cursor =
        new RemoteCursor(
            peers,
            host,
            db,
            new BsonDocument("find", new BsonString(name))
                .append("batchSize", new BsonInt32(1000)))) {
      oplog.unlogged(
          () -> {
            try (CollectionWriter writer =
                storage.writer(storage.collection(db, name), Durability.WRITTEN)) {
              while (cursor.hasNext()) {
                put(writer, cursor.next());
              }
            }
          });
    }
  }

  /** Inserts {@code doc}, or replaces the document with its {@code _id}. */
  void put(CollectionWriter writer, BsonDocument doc) {
    BsonDocument existing = storage.findById(writer.collection(), doc.get("_id"));
    if (existing == null) {
      writer.insert(doc);
    } else if (!existing.equals(doc)) {
      writer.replace(existing, doc);
    }
  }
}
