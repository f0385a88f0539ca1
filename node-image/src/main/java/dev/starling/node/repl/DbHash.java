package dev.starling.node.repl;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A database's content hash as mongod's dbHash computes it, for comparing replica-set members: each
 * collection's hash is the MD5 of its documents' BSON bytes in {@code _id} order, and the
 * database's is the MD5 of those hex strings in collection-name order.
 *
 * <p>Like mongod, it hashes only replicated collections: nothing in {@code local}, no {@code
 * system.profile} and no {@code tmp.mr.*}; other {@code system.*} collections are included. It
 * reads without a snapshot, so compare members when no writes are in flight.
 *
 * @param collections each hashed collection's MD5 (hex), by name
 * @param uuids each hashed collection's UUID, by name
 * @param md5 the database's MD5 (hex)
 */
public record DbHash(
    SortedMap<String, String> collections, SortedMap<String, UUID> uuids, String md5) {

  /**
   * Hashes the database's collections, or only those named in {@code only} (empty: all).
   *
   * @param only names of collections to hash; names that do not exist are ignored
   */
  public static DbHash of(StorageEngine storage, String db, Set<String> only) {
    SortedMap<String, String> hashes = new TreeMap<>();
    SortedMap<String, UUID> uuids = new TreeMap<>();
    for (CollectionMeta collection : storage.collections(db)) {
      if (!isReplicated(collection) || (!only.isEmpty() && !only.contains(collection.name()))) {
        continue;
      }
      hashes.put(collection.name(), hashCollection(storage, collection));
      uuids.put(collection.name(), collection.uuid());
    }
    MessageDigest all = newDigest();
    for (String hash : hashes.values()) {
      all.update(hash.getBytes(StandardCharsets.US_ASCII));
    }
    return new DbHash(
        Collections.unmodifiableSortedMap(hashes),
        Collections.unmodifiableSortedMap(uuids),
        HexFormat.of().formatHex(all.digest()));
  }

  private static boolean isReplicated(CollectionMeta collection) {
    return !collection.db().equals("local")
        && !collection.name().equals("system.profile")
        && !collection.name().startsWith("tmp.mr.");
  }

  private static String hashCollection(StorageEngine storage, CollectionMeta collection) {
    MessageDigest digest = newDigest();
    Iterator<org.bson.BsonDocument> docs = storage.scan(collection);
    while (docs.hasNext()) {
      digest.update(BsonCodec.encode(docs.next()));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has MD5", e);
    }
  }
}
