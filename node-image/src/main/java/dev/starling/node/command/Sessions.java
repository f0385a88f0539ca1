package dev.starling.node.command;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * What the dispatcher does for sessions and causal consistency around every command: cursors belong
 * to the session that opened them, replies of a replica-set member carry {@code operationTime} and
 * {@code $clusterTime}, and a read concern's {@code afterClusterTime} waits. Ending a session
 * releases what it owned.
 */
public final class Sessions {
  /** Cluster time is not signed while authentication is off: a zero hash, key id 0. */
  private static final BsonDocument NO_SIGNATURE =
      new BsonDocument("hash", new org.bson.BsonBinary(new byte[20]))
          .append("keyId", new BsonInt64(0));

  /** How long an afterClusterTime read waits when the command sets no maxTimeMS. */
  private static final long DEFAULT_CLUSTER_TIME_WAIT_MILLIS = 600_000;

  private Sessions() {}

  /** A member adds the timestamp of its last applied entry as operationTime and cluster time. */
  static void appendClusterTime(NodeServices node, BsonDocument reply) {
    BsonTimestamp time = node.replication().operationTime();
    if (time == null || reply.containsKey("$clusterTime")) {
      return;
    }
    reply.append("operationTime", time);
    reply.append(
        "$clusterTime", new BsonDocument("clusterTime", time).append("signature", NO_SIGNATURE));
  }

  /**
   * Waits, before a read with {@code readConcern.afterClusterTime}, until this member has applied
   * that time (for level "majority", until the commit point has reached it), up to the command's
   * maxTimeMS.
   */
  static void awaitAfterClusterTime(
      NodeServices node, BsonDocument command, ReadConcerns.Args readConcern) {
    if (readConcern.afterClusterTime() == null) {
      return;
    }
    long maxMillis = maxTimeMillis(command);
    try {
      node.replication()
          .awaitClusterTime(
              readConcern.afterClusterTime(),
              readConcern.majorityCommitted(),
              maxMillis > 0 ? maxMillis : DEFAULT_CLUSTER_TIME_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MongoServerException(
          ErrorCode.INTERRUPTED_AT_SHUTDOWN, "interrupted waiting for afterClusterTime");
    }
  }

  /** The command's maxTimeMS when it sets a positive one, else 0 (no limit). */
  static long maxTimeMillis(BsonDocument command) {
    return command.get("maxTimeMS") instanceof BsonValue max
            && max.isNumber()
            && max.asNumber().longValue() > 0
        ? max.asNumber().longValue()
        : 0;
  }

  /** A cursor a command opened in a session belongs to that session. */
  static void adoptCursor(NodeServices node, BsonDocument reply, BsonDocument lsid) {
    if (reply.get("cursor") instanceof BsonDocument cursor
        && cursor.get("id") instanceof BsonValue id
        && id.isInt64()
        && id.asInt64().getValue() != 0) {
      node.cursors().own(id.asInt64().getValue(), lsid);
    }
  }

  /** A getMore must name the session of its cursor (mongod's 50736, 50737, 50738). */
  static void checkGetMore(
      NodeServices node, String name, BsonDocument command, BsonDocument lsid) {
    if (name.equals("getMore") && command.get("getMore") instanceof BsonValue id && id.isInt64()) {
      node.cursors().checkSession(id.asInt64().getValue(), lsid);
    }
  }

  /** Ends sessions: their cursors are killed and their retryable-write memory released. */
  public static void end(NodeServices node, List<BsonDocument> lsids) {
    for (BsonDocument lsid : lsids) {
      node.sessions().end(lsid);
      node.cursors().killSession(lsid);
      node.replication().sessionEnded(lsid);
    }
  }

  /** Ends the sessions unused for longer than their timeout (called periodically). */
  public static void reapExpired(NodeServices node) {
    end(node, node.sessions().expire(node.clock().instant()));
  }
}
