package dev.starling.operator.observe;

import java.util.Set;
import org.bson.BsonDocument;

/**
 * The commands the operator sends to the members of a set: what the {@link Observer} asks and what
 * the actor does. {@link NodeAdminClient} sends them to the real nodes; {@link FakeNodeAdmin}
 * answers them from memory, for benchmarks of the operator alone. A command a member refuses is a
 * {@code MongoCommandException} with the node's error code; a member that does not answer is any
 * other RuntimeException.
 */
public interface NodeAdmin extends AutoCloseable {
  /** hello: reachability, and what the member thinks it is. */
  BsonDocument hello(String host);

  BsonDocument replSetGetStatus(String host);

  /** The {@code config} document, with {@code newlyAdded} marks (the planner gates on them). */
  BsonDocument replSetGetConfig(String host);

  /** collStats of local.oplog.rs: {@code maxSize} is the configured size in bytes. */
  BsonDocument oplogStats(String host);

  BsonDocument getDefaultRWConcern(String host);

  void replSetInitiate(String host, BsonDocument config);

  void replSetReconfig(String host, BsonDocument config);

  /** Never forced: the primary steps down only once a secondary caught up. */
  void replSetStepDown(String host, int stepDownSecs, int secondaryCatchUpPeriodSecs);

  void replSetResizeOplog(String host, int sizeMB);

  /** On the primary; it replies once a majority has the new default. */
  void setDefaultWriteConcern(String host, BsonDocument writeConcern);

  /**
   * The hosts {@code owner} (a ReplicaSet, {@code namespace/name}) talks to now, claimed before it
   * talks to them; what no owner claims any more may be let go.
   */
  void retain(String owner, Set<String> hosts);

  /**
   * Whether a member is asked only once its pod runs and has an address. True for real nodes; the
   * fake answers for any host, so that its benchmark needs no running pod.
   */
  default boolean needsRunningPods() {
    return true;
  }

  @Override
  void close();
}
