package dev.starling.operator.observe;

import org.bson.BsonDocument;

/**
 * What one pod of a set answered in one observation: the raw replies, as the node sent them. A null
 * reply is a call that failed or was not made; {@code hello == null} means unreachable.
 *
 * @param name the pod name
 * @param host the member host the operator addresses it by
 * @param arbiter a pod of the arbiter StatefulSet
 * @param statusError the error code replSetGetStatus failed with (94 NotYetInitialized on a member
 *     without a config), or null
 */
public record MemberReplies(
    String name,
    String host,
    boolean arbiter,
    BsonDocument hello,
    BsonDocument status,
    Integer statusError,
    BsonDocument config,
    BsonDocument oplogStats,
    BsonDocument defaultRWConcern) {

  /** A pod that did not answer (not running, no address, or no reply in time). */
  public static MemberReplies unreachable(String name, String host, boolean arbiter) {
    return new MemberReplies(name, host, arbiter, null, null, null, null, null, null);
  }

  public boolean reachable() {
    return hello != null;
  }
}
