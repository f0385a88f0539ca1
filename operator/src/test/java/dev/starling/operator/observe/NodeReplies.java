package dev.starling.operator.observe;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.types.ObjectId;

/**
 * Replies shaped as starling-node sends them (HelloCommand, ReplSetGetStatusCommand,
 * ReplSetGetConfigCommand with $_internalIncludeNewlyAdded, CollStatsCommand on local.oplog.rs,
 * GetDefaultRWConcernCommand), for the set {@code shop/orders}.
 */
final class NodeReplies {
  static final ObjectId REPLICA_SET_ID = new ObjectId("65a000000000000000000001");
  static final long MB = 1024L * 1024L;

  private NodeReplies() {}

  static String host(int ordinal) {
    return "orders-" + ordinal + ".orders-hs.shop.svc.cluster.local:27017";
  }

  static String arbiterHost(int index) {
    return "orders-arbiter-" + index + ".orders-hs.shop.svc.cluster.local:27017";
  }

  static BsonDocument opTime(int seconds, long term) {
    return new BsonDocument("ts", new BsonTimestamp(seconds, 1)).append("t", new BsonInt64(term));
  }

  /** A config member as replSetGetConfig shows it. */
  static BsonDocument configMember(int id, String host) {
    return new BsonDocument("_id", new BsonInt32(id))
        .append("host", new BsonString(host))
        .append("arbiterOnly", BsonBoolean.FALSE)
        .append("buildIndexes", BsonBoolean.TRUE)
        .append("hidden", BsonBoolean.FALSE)
        .append("priority", new BsonDouble(1))
        .append("tags", new BsonDocument())
        .append("secondaryDelaySecs", new BsonInt64(0))
        .append("votes", new BsonInt32(1));
  }

  static BsonDocument config(int version, long term, List<BsonDocument> members) {
    BsonArray ms = new BsonArray();
    ms.addAll(members);
    return new BsonDocument("_id", new BsonString("orders"))
        .append("version", new BsonInt32(version))
        .append("term", new BsonInt64(term))
        .append("members", ms)
        .append("protocolVersion", new BsonInt64(1))
        .append("writeConcernMajorityJournalDefault", BsonBoolean.TRUE)
        .append(
            "settings",
            new BsonDocument("chainingAllowed", BsonBoolean.TRUE)
                .append("heartbeatIntervalMillis", new BsonInt32(2000))
                .append("heartbeatTimeoutSecs", new BsonInt32(10))
                .append("electionTimeoutMillis", new BsonInt32(10000))
                .append("catchUpTimeoutMillis", new BsonInt32(-1))
                .append("catchUpTakeoverDelayMillis", new BsonInt32(30000))
                .append("getLastErrorModes", new BsonDocument())
                .append(
                    "getLastErrorDefaults",
                    new BsonDocument("w", new BsonInt32(1)).append("wtimeout", new BsonInt32(0)))
                .append("replicaSetId", new BsonObjectId(REPLICA_SET_ID)));
  }

  /** The plain config of data members 0..n-1. */
  static BsonDocument config(int version, long term, int n) {
    List<BsonDocument> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      members.add(configMember(i, host(i)));
    }
    return config(version, term, members);
  }

  /** One member of a replSetGetStatus reply. */
  static BsonDocument statusMember(
      int id, String host, int state, String stateStr, double health, int optimeSeconds) {
    return new BsonDocument("_id", new BsonInt32(id))
        .append("name", new BsonString(host))
        .append("health", new BsonDouble(health))
        .append("state", new BsonInt32(state))
        .append("stateStr", new BsonString(stateStr))
        .append("uptime", new BsonInt64(100))
        .append("optime", opTime(optimeSeconds, 2))
        .append("optimeDurable", opTime(optimeSeconds, 2))
        .append("optimeDate", new BsonDateTime(1000L * optimeSeconds))
        .append("configVersion", new BsonInt32(5))
        .append("configTerm", new BsonInt64(2));
  }

  static BsonDocument status(int myState, long term, List<BsonDocument> members) {
    BsonArray ms = new BsonArray();
    ms.addAll(members);
    return new BsonDocument("set", new BsonString("orders"))
        .append("date", new BsonDateTime(1_000_000))
        .append("myState", new BsonInt32(myState))
        .append("term", new BsonInt64(term))
        .append("members", ms);
  }

  static BsonDocument hello(boolean primary, boolean secondary, int lastWriteSeconds) {
    return new BsonDocument("topologyVersion", new BsonDocument())
        .append("hosts", new BsonArray())
        .append("setName", new BsonString("orders"))
        .append("setVersion", new BsonInt32(5))
        .append("isWritablePrimary", BsonBoolean.valueOf(primary))
        .append("secondary", BsonBoolean.valueOf(secondary))
        .append(
            "lastWrite",
            new BsonDocument("opTime", opTime(lastWriteSeconds, 2))
                .append("lastWriteDate", new BsonDateTime(1000L * lastWriteSeconds)))
        .append("maxWireVersion", new BsonInt32(17));
  }

  /** hello of a node started with --replSet that has no config yet. */
  static BsonDocument helloWithoutConfig() {
    return new BsonDocument("topologyVersion", new BsonDocument())
        .append("isWritablePrimary", BsonBoolean.FALSE)
        .append("secondary", BsonBoolean.FALSE)
        .append("info", new BsonString("Does not have a valid replica set config"))
        .append("isreplicaset", BsonBoolean.TRUE)
        .append("maxWireVersion", new BsonInt32(17));
  }

  static BsonDocument oplogStats(long maxSizeMB) {
    return new BsonDocument("ns", new BsonString("local.oplog.rs"))
        .append("size", new BsonInt64(12345))
        .append("count", new BsonInt64(10))
        .append("capped", BsonBoolean.TRUE)
        .append("max", new BsonInt64(-1))
        .append("maxSize", new BsonInt64(maxSizeMB * MB));
  }

  static BsonDocument implicitDefaultRWConcern() {
    return new BsonDocument(
            "defaultReadConcern", new BsonDocument("level", new BsonString("local")))
        .append("defaultWriteConcern", new BsonDocument("w", new BsonString("majority")))
        .append("defaultWriteConcernSource", new BsonString("implicit"))
        .append("defaultReadConcernSource", new BsonString("implicit"))
        .append("localUpdateWallClockTime", new BsonDateTime(1_000_000));
  }

  static BsonDocument globalDefaultRWConcern(BsonDocument writeConcern) {
    return new BsonDocument(
            "defaultReadConcern", new BsonDocument("level", new BsonString("local")))
        .append("defaultWriteConcern", writeConcern)
        .append("updateWallClockTime", new BsonDateTime(900_000))
        .append("defaultWriteConcernSource", new BsonString("global"))
        .append("defaultReadConcernSource", new BsonString("implicit"))
        .append("localUpdateWallClockTime", new BsonDateTime(1_000_000));
  }
}
