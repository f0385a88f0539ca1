package dev.starling.node.repl;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import dev.starling.node.storage.Durability;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.util.Log;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * Rollback by refetch. A member whose oplog holds entries its sync source does not have (it was a
 * primary whose last writes never reached a majority) finds the newest entry both oplogs share, the
 * common point. For every document the entries after it touched, it reads the source's current
 * version and makes the local copy equal (inserting, replacing or deleting); a local version that
 * differs is first written as BSON to {@code <dbpath>/rollback/<db>.<collection>/removed.<time>
 * .bson}. Collections created after the common point that the source lacks are dropped (their
 * documents saved the same way); collections the entries dropped or renamed are copied again from
 * the source. Then the local oplog is cut back to the common point.
 *
 * <p>The data is then newer than the oplog says, so the member stays RECOVERING while it applies
 * the source's entries from the common point up to the source's last entry when the rollback began
 * (its minValid): entries are idempotent full images, so applying them over newer data ends in the
 * source's state.
 *
 * <p>Why refetch rather than undo records: oplog entries here carry whole documents, so the source
 * is an exact authority for every touched document, and the primary's write path carries no
 * before-image. The price is that rollback needs the source reachable, which it is by definition
 * (divergence is found while fetching from it).
 */
final class Rollback {
  /** The outcome: where the oplog now ends, and how far to apply before being consistent. */
  record Result(OpTime commonPoint, OpTime minValid, int documentsRefetched, int documentsSaved) {}

  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS").withZone(ZoneOffset.UTC);

  private final PeerClients peers;
  private final StorageEngine storage;
  private final OplogWriter oplog;
  private final Path rollbackDir;
  private final String fileTime = FILE_TIME.format(Instant.now());
  private int saved;

  Rollback(PeerClients peers, StorageEngine storage, OplogWriter oplog, Path dbPath) {
    this.peers = peers;
    this.storage = storage;
    this.oplog = oplog;
    this.rollbackDir = dbPath.resolve("rollback");
  }

  Result run(String host, OpTime lastApplied, OpTime commitPoint) {
    BsonDocument sourceNewest = InitialSync.newestEntry(peers, host);
    if (sourceNewest == null) {
      throw new IllegalStateException("the sync source " + host + " has an empty oplog");
    }
    OpTime minValid = opTime(sourceNewest);
    List<BsonDocument> undo = new ArrayList<>();
    // Walk back from the newest entry we hold (it may be newer than what the fetcher last saw).
    Iterator<BsonDocument> newest = OplogWriter.read(storage, true);
    OpTime localLast = newest.hasNext() ? opTime(newest.next()) : lastApplied;
    OpTime common = findCommonPoint(host, OpTime.max(localLast, lastApplied), undo);
    if (common.isBefore(commitPoint)) {
      throw new IllegalStateException(
          "cannot roll back to "
              + common
              + ": it is before the majority commit point "
              + commitPoint
              + "; this member needs a resync");
    }
    Log.info(
        "rollback: common point with %s is %s; rolling back %d entries", host, common, undo.size());

    Map<String, Set<BsonValue>> documents = new LinkedHashMap<>();
    Set<String> created = new LinkedHashSet<>();
    Map<String, Set<String>> createdIndexes = new HashMap<>();
    Set<String> resync = new LinkedHashSet<>();
    for (BsonDocument entry : undo) {
      String op = entry.getString("op").getValue();
      String ns = entry.getString("ns").getValue();
      BsonDocument o = entry.getDocument("o", new BsonDocument());
      switch (op) {
        case "i", "d" ->
            documents.computeIfAbsent(ns, k -> new LinkedHashSet<>()).add(o.get("_id"));
        case "u" ->
            documents
                .computeIfAbsent(ns, k -> new LinkedHashSet<>())
                .add(entry.getDocument("o2").get("_id"));
        case "c" -> catalogEntry(ns, o, created, createdIndexes, resync);
        default -> {}
      }
      if (entry.get("lsid") instanceof BsonDocument lsid) {
        // The session's retryable-write record and image follow the source's, like a document.
        for (String side : List.of(RetryableWrites.TRANSACTIONS, RetryableWrites.IMAGES)) {
          documents
              .computeIfAbsent(RetryableWrites.DB + "." + side, k -> new LinkedHashSet<>())
              .add(lsid);
        }
      }
    }
    CollectionCloner cloner = new CollectionCloner(peers, host, storage, oplog);
    for (String ns : resync) {
      resyncCollection(cloner, ns);
    }
    for (String ns : created) {
      if (!resync.contains(ns)) {
        dropIfSourceLacks(cloner, ns);
      }
    }
    for (Map.Entry<String, Set<String>> e : createdIndexes.entrySet()) {
      dropIndexesSourceLacks(host, e.getKey(), e.getValue());
    }
    int refetched = 0;
    for (Map.Entry<String, Set<BsonValue>> e : documents.entrySet()) {
      if (!resync.contains(e.getKey())) {
        refetched += refetch(cloner, host, e.getKey(), e.getValue());
      }
    }
    oplog.truncateAfter(storage, common.ts());
    oplog.resumeAfter(common.ts());
    Log.info(
        "rollback: refetched %d documents, saved %d to %s; now recovering up to %s",
        refetched, saved, rollbackDir, minValid);
    return new Result(common, minValid, refetched, saved);
  }

  /** Walks both oplogs back from our last entry; collects our entries the source lacks. */
  private OpTime findCommonPoint(String host, OpTime lastApplied, List<BsonDocument> undo) {
    Iterator<BsonDocument> local = OplogWriter.read(storage, true);
    try (RemoteCursor remote =
        RemoteCursor.oplog(
            peers,
            host,
            new BsonDocument(
                    "filter", new BsonDocument("ts", new BsonDocument("$lte", lastApplied.ts())))
                .append("sort", new BsonDocument("$natural", new BsonInt32(-1)))
                .append("batchSize", new BsonInt32(1000)))) {
      BsonDocument l = local.hasNext() ? local.next() : null;
      BsonDocument r = remote.hasNext() ? remote.next() : null;
      while (l != null && r != null) {
        BsonTimestamp lts = l.getTimestamp("ts");
        BsonTimestamp rts = r.getTimestamp("ts");
        int c = lts.compareTo(rts);
        if (c == 0 && l.equals(r)) {
          return opTime(l);
        }
        if (c >= 0) {
          undo.add(l);
          l = local.hasNext() ? local.next() : null;
        }
        if (c <= 0) {
          r = remote.hasNext() ? remote.next() : null;
        }
      }
    }
    throw new IllegalStateException(
        "no common point with " + host + ": the oplogs share no entry; this member needs a resync");
  }

  private static void catalogEntry(
      String ns,
      BsonDocument o,
      Set<String> created,
      Map<String, Set<String>> createdIndexes,
      Set<String> resync) {
    String db = ns.substring(0, ns.indexOf('.'));
    String first = o.isEmpty() ? "" : o.getFirstKey();
    switch (first) {
      case "create" -> created.add(db + "." + o.getString("create").getValue());
      case "createIndexes" ->
          createdIndexes
              .computeIfAbsent(
                  db + "." + o.getString("createIndexes").getValue(), k -> new LinkedHashSet<>())
              .add(o.getString("name").getValue());
      case "drop" -> resync.add(db + "." + o.getString("drop").getValue());
      case "dropIndexes" -> resync.add(db + "." + o.getString("dropIndexes").getValue());
      case "renameCollection" -> {
        resync.add(o.getString("renameCollection").getValue());
        resync.add(o.getString("to").getValue());
      }
      case "dropDatabase" -> resync.add(db + ".*");
      default -> {}
    }
  }

  /** Makes the local collection a fresh copy of the source's (or absent if the source lacks it). */
  private void resyncCollection(CollectionCloner cloner, String ns) {
    String db = ns.substring(0, ns.indexOf('.'));
    String name = ns.substring(ns.indexOf('.') + 1);
    if (name.equals("*")) {
      for (CollectionMeta c : storage.collections(db)) {
        resyncCollection(cloner, c.ns());
      }
      for (BsonDocument info : cloner.collections(db)) {
        cloner.cloneCollection(db, info);
      }
      return;
    }
    CollectionMeta local = storage.collection(db, name);
    if (local != null) {
      saveAll(local);
      oplog.unlogged(() -> storage.dropCollection(local));
    }
    for (BsonDocument info : cloner.collections(db)) {
      if (info.getString("name").getValue().equals(name)) {
        cloner.cloneCollection(db, info);
      }
    }
  }

  private void dropIfSourceLacks(CollectionCloner cloner, String ns) {
    String db = ns.substring(0, ns.indexOf('.'));
    String name = ns.substring(ns.indexOf('.') + 1);
    CollectionMeta local = storage.collection(db, name);
    if (local != null && !cloner.hasCollection(db, name)) {
      saveAll(local);
      oplog.unlogged(() -> storage.dropCollection(local));
    }
  }

  private void dropIndexesSourceLacks(String host, String ns, Set<String> names) {
    String db = ns.substring(0, ns.indexOf('.'));
    String name = ns.substring(ns.indexOf('.') + 1);
    if (storage.collection(db, name) == null) {
      return;
    }
    Set<String> sourceIndexes = new LinkedHashSet<>();
    try (RemoteCursor cursor =
        new RemoteCursor(peers, host, db, new BsonDocument("listIndexes", new BsonString(name)))) {
      cursor.forEachRemaining(ix -> sourceIndexes.add(ix.getString("name").getValue()));
    } catch (RuntimeException e) {
      // the source has no such collection: every index goes
    }
    for (String index : names) {
      CollectionMeta meta = storage.collection(db, name);
      if (!sourceIndexes.contains(index) && meta != null && meta.index(index) != null) {
        oplog.unlogged(() -> storage.dropIndex(meta, index));
      }
    }
  }

  /** Makes each document equal to the source's version; returns how many were read. */
  private int refetch(CollectionCloner cloner, String host, String ns, Set<BsonValue> ids) {
    String db = ns.substring(0, ns.indexOf('.'));
    String name = ns.substring(ns.indexOf('.') + 1);
    int count = 0;
    for (BsonValue id : ids) {
      BsonDocument remote;
      try (RemoteCursor cursor =
          new RemoteCursor(
              peers,
              host,
              db,
              new BsonDocument("find", new BsonString(name))
                  .append("filter", new BsonDocument("_id", id))
                  .append("limit", new BsonInt32(1)))) {
        remote = cursor.hasNext() ? cursor.next() : null;
      }
      count++;
      if (remote != null && storage.collection(db, name) == null) {
        // The source has a collection we lack: copy it whole (with its UUID).
        for (BsonDocument info : cloner.collections(db)) {
          if (info.getString("name").getValue().equals(name)) {
            cloner.cloneCollection(db, info);
          }
        }
        return count;
      }
      CollectionMeta collection = storage.collection(db, name);
      BsonDocument local = collection == null ? null : storage.findById(collection, id);
      if (local == null ? remote == null : local.equals(remote)) {
        continue;
      }
      if (local != null) {
        save(ns, local);
      }
      oplog.unlogged(
          () -> {
            CollectionMeta target = storage.collection(db, name);
            if (target == null) {
              return;
            }
            try (CollectionWriter writer = storage.writer(target, Durability.WRITTEN)) {
              if (remote == null) {
                writer.delete(local);
              } else if (local == null) {
                writer.insert(remote);
              } else {
                writer.replace(local, remote);
              }
            }
          });
    }
    return count;
  }

  private void saveAll(CollectionMeta collection) {
    Iterator<BsonDocument> docs = storage.scan(collection);
    while (docs.hasNext()) {
      save(collection.ns(), docs.next());
    }
  }

  /** Appends {@code doc} to the collection's rollback file. */
  private void save(String ns, BsonDocument doc) {
    Path dir = rollbackDir.resolve(ns);
    try {
      Files.createDirectories(dir);
      try (OutputStream out =
          Files.newOutputStream(
              dir.resolve("removed." + fileTime + ".bson"),
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND)) {
        out.write(BsonCodec.encode(doc));
      }
      saved++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the rollback file in " + dir, e);
    }
  }

  private static OpTime opTime(BsonDocument entry) {
    return new OpTime(entry.getTimestamp("ts"), entry.getNumber("t").longValue());
  }
}
