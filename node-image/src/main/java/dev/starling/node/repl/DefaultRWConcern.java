package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.CollectionWriter;
import dev.starling.node.storage.Durability;
import dev.starling.node.storage.StorageEngine;
import java.util.Set;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The replica set's default read and write concerns, as mongod 5.0+ keeps them.
 *
 * <p>The cluster-wide default (CWWC), set with setDefaultRWConcern, is the document {@code {_id:
 * "ReadWriteConcernDefaults"}} in {@code config.settings}: written on the primary through the
 * ordinary write path, so it is in the oplog and every member applies it and agrees. Without it,
 * the implicit default applies: {@code w: "majority"}, or {@code w: 1} when arbiters make a
 * majority unsafe to wait for ({@link ReplSetConfig#isImplicitDefaultWriteConcernMajority}).
 */
public final class DefaultRWConcern {
  public static final String DB = "config";
  public static final String COLLECTION = "settings";
  public static final String ID = "ReadWriteConcernDefaults";

  private static final Set<String> READ_LEVELS = Set.of("local", "available", "majority");

  private DefaultRWConcern() {}

  /** The stored defaults document, or null when setDefaultRWConcern never ran. */
  public static BsonDocument stored(StorageEngine storage) {
    CollectionMeta settings = storage.collection(DB, COLLECTION);
    return settings == null ? null : storage.findById(settings, new BsonString(ID));
  }

  /** The cluster-wide default write concern, or null when none was set. */
  public static BsonDocument clusterWideWriteConcern(StorageEngine storage) {
    BsonDocument doc = stored(storage);
    return doc != null && doc.get("defaultWriteConcern") instanceof BsonDocument wc ? wc : null;
  }

  /** mongod's implicit default for {@code config}: {@code w: "majority"} or {@code w: 1}. */
  public static BsonDocument implicitWriteConcern(ReplSetConfig config) {
    BsonValue w =
        config == null || config.isImplicitDefaultWriteConcernMajority()
            ? new BsonString("majority")
            : new BsonInt32(1);
    return new BsonDocument("w", w).append("wtimeout", new BsonInt32(0));
  }

  /**
   * The write concern a write waits for: the client's, with {@code w} (and {@code wtimeout}) taken
   * from the default when the client gave none, as mongod applies the default to a write concern
   * without {@code w}.
   */
  public static BsonDocument effective(
      StorageEngine storage, ReplSetConfig config, BsonDocument requested) {
    if (requested.containsKey("w")) {
      return requested;
    }
    return apply(requested, clusterWideWriteConcern(storage), config);
  }

  /** {@link #effective}'s rule: {@code cwwc} (null when unset) else the implicit default. */
  static BsonDocument apply(BsonDocument requested, BsonDocument cwwc, ReplSetConfig config) {
    if (requested.containsKey("w")) {
      return requested;
    }
    BsonDocument fallback = cwwc != null ? cwwc : implicitWriteConcern(config);
    BsonDocument out = requested.clone();
    out.put("w", fallback.get("w"));
    if (!out.containsKey("wtimeout") && fallback.containsKey("wtimeout")) {
      out.put("wtimeout", fallback.get("wtimeout"));
    }
    if (!out.containsKey("j") && fallback.containsKey("j")) {
      out.put("j", fallback.get("j"));
    }
    return out;
  }

  /** getDefaultRWConcern's reply (without ok), as mongod 6.0 shows it. */
  public static BsonDocument describe(StorageEngine storage, ReplSetConfig config, long nowMillis) {
    BsonDocument doc = stored(storage);
    BsonDocument reply = new BsonDocument();
    boolean globalRead = doc != null && doc.get("defaultReadConcern") instanceof BsonDocument;
    boolean globalWrite = doc != null && doc.get("defaultWriteConcern") instanceof BsonDocument;
    reply.append(
        "defaultReadConcern",
        globalRead
            ? doc.getDocument("defaultReadConcern")
            : new BsonDocument("level", new BsonString("local")));
    reply.append(
        "defaultWriteConcern",
        globalWrite ? doc.getDocument("defaultWriteConcern") : implicitWriteConcern(config));
    if (doc != null && doc.containsKey("updateWallClockTime")) {
      reply.append("updateWallClockTime", doc.get("updateWallClockTime"));
    }
    reply.append("defaultWriteConcernSource", new BsonString(globalWrite ? "global" : "implicit"));
    reply.append("defaultReadConcernSource", new BsonString(globalRead ? "global" : "implicit"));
    reply.append("localUpdateWallClockTime", new BsonDateTime(nowMillis));
    return reply;
  }

  /**
   * setDefaultRWConcern on the primary: checks the arguments (2 BadValue) and stores the merged
   * defaults in {@code config.settings} (logged in the oplog). The caller waits for a majority.
   */
  public static void store(StorageEngine storage, BsonDocument command, long nowMillis) {
    BsonValue rc = command.get("defaultReadConcern");
    BsonValue wc = command.get("defaultWriteConcern");
    if (rc == null && wc == null) {
      throw MongoServerException.badValue(
          "At least one of the \"defaultReadConcern\" or \"defaultWriteConcern\" fields must be"
              + " present");
    }
    BsonDocument before = stored(storage);
    BsonDocument after =
        new BsonDocument("_id", new BsonString(ID))
            .append("updateWallClockTime", new BsonDateTime(nowMillis));
    if (before != null && before.get("defaultReadConcern") instanceof BsonDocument old) {
      after.append("defaultReadConcern", old);
    }
    if (before != null && before.get("defaultWriteConcern") instanceof BsonDocument old) {
      after.append("defaultWriteConcern", old);
    }
    if (rc != null) {
      after.put("defaultReadConcern", readConcern(rc));
    }
    if (wc != null) {
      after.put("defaultWriteConcern", writeConcern(wc, before));
    }
    if (after.get("defaultReadConcern") instanceof BsonDocument r && r.isEmpty()) {
      after.remove("defaultReadConcern");
    }
    CollectionMeta settings = storage.collectionForWrite(DB, COLLECTION);
    try (CollectionWriter writer = storage.writer(settings, Durability.WRITTEN)) {
      BsonDocument current = storage.findById(settings, new BsonString(ID));
      if (current == null) {
        writer.insert(after);
      } else {
        writer.replace(current, after);
      }
    }
  }

  private static BsonDocument readConcern(BsonValue rc) {
    if (!rc.isDocument()) {
      throw MongoServerException.typeMismatch("defaultReadConcern must be an object");
    }
    BsonDocument doc = rc.asDocument();
    for (String f : doc.keySet()) {
      if (!f.equals("level")) {
        throw MongoServerException.badValue(
            "Default read concern can only have the 'level' field, found " + f);
      }
    }
    if (doc.containsKey("level")) {
      BsonValue level = doc.get("level");
      if (!level.isString() || !READ_LEVELS.contains(level.asString().getValue())) {
        throw MongoServerException.badValue(
            "Default read concern level must be local, available or majority");
      }
    }
    return doc;
  }

  private static BsonDocument writeConcern(BsonValue wc, BsonDocument before) {
    if (!wc.isDocument()) {
      throw MongoServerException.typeMismatch("defaultWriteConcern must be an object");
    }
    BsonDocument doc = wc.asDocument();
    if (doc.isEmpty()) {
      if (before != null && before.containsKey("defaultWriteConcern")) {
        throw MongoServerException.badValue(
            "The global default write concern cannot be unset once it is set.");
      }
      throw MongoServerException.badValue("Default write concern must have 'w' field.");
    }
    BsonValue w = doc.get("w");
    if (w == null) {
      throw MongoServerException.badValue("Default write concern must have 'w' field.");
    }
    if (w.isNumber() && w.asNumber().intValue() == 0) {
      throw MongoServerException.badValue("Default write concern can not have 'w: 0'.");
    }
    if (!w.isNumber() && !w.isString()) {
      throw new MongoServerException(
          ErrorCode.FAILED_TO_PARSE, "w has to be a number or string; found: " + w.getBsonType());
    }
    BsonDocument out = new BsonDocument("w", w);
    if (doc.containsKey("j")) {
      out.append("j", doc.get("j"));
    }
    out.append("wtimeout", doc.containsKey("wtimeout") ? doc.get("wtimeout") : new BsonInt32(0));
    return out;
  }
}
