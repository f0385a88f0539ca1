package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The replication fail points that {@code configureFailPoint} (a test command, behind {@code
 * enableTestCommands}) switches, to make partitions and divergence on one machine:
 *
 * <ul>
 *   <li>{@code stopReplProducer}: the oplog fetcher stops fetching (the node keeps its data and
 *       stays a secondary; a primary is not affected).
 *   <li>{@code dropReplicationTraffic}: every node-to-node message to and from this node fails, as
 *       if the network between it and the other members were cut; clients still reach it.
 *   <li>{@code onPrimaryTransactionalWrite}: a retryable write's statement closes its client's
 *       connection after its write commits (as if the reply were lost), or with {@code data:
 *       {failBeforeCommitExceptionCode: N}} fails before it commits; {@code closeConnection: false}
 *       keeps the connection. The drivers' retryable-writes tests use it.
 * </ul>
 *
 * Modes as mongod's: {@code "alwaysOn"}, {@code "off"}, {@code {times: n}}, {@code {skip: n}} (on
 * after the first n chances).
 */
public final class FailPoints {
  public static final String STOP_REPL_PRODUCER = "stopReplProducer";
  public static final String DROP_REPLICATION_TRAFFIC = "dropReplicationTraffic";
  public static final String ON_PRIMARY_TRANSACTIONAL_WRITE = "onPrimaryTransactionalWrite";
  private static final List<String> NAMES =
      List.of(STOP_REPL_PRODUCER, DROP_REPLICATION_TRAFFIC, ON_PRIMARY_TRANSACTIONAL_WRITE);

  /** Remaining activations; Long.MAX_VALUE is alwaysOn, 0 off. */
  private final Map<String, AtomicLong> points = new ConcurrentHashMap<>();

  /** Chances each point lets pass before it fires ({@code {skip: n}}). */
  private final Map<String, AtomicLong> skips = new ConcurrentHashMap<>();

  /** Each point's {@code data} document, as configured (empty when none was given). */
  private final Map<String, BsonDocument> data = new ConcurrentHashMap<>();

  public FailPoints() {
    NAMES.forEach(n -> points.put(n, new AtomicLong()));
  }

  /** Sets a point's mode; returns how many times it had fired before (mongod's "count"). */
  public long configure(String name, BsonValue mode) {
    return configure(name, mode, null);
  }

  /** Sets a point's mode and data; returns how many times it had fired before. */
  public long configure(String name, BsonValue mode, BsonDocument pointData) {
    AtomicLong point = points.get(name);
    if (point == null) {
      throw new MongoServerException(
          ErrorCode.BAD_VALUE, "Cannot find failpoint with name " + name);
    }
    long remaining;
    long skip = 0;
    if (mode instanceof BsonDocument d && d.get("skip") instanceof BsonValue k && k.isNumber()) {
      remaining = Long.MAX_VALUE;
      skip = k.asNumber().longValue();
    } else if (mode instanceof BsonString s && s.getValue().equals("alwaysOn")) {
      remaining = Long.MAX_VALUE;
    } else if (mode instanceof BsonString s && s.getValue().equals("off")) {
      remaining = 0;
    } else if (mode instanceof BsonDocument d
        && d.get("times") instanceof BsonValue t
        && t.isNumber()) {
      remaining = t.asNumber().longValue();
    } else {
      throw new MongoServerException(
          ErrorCode.BAD_VALUE, "mode must be \"alwaysOn\", \"off\", {times: n} or {skip: n}");
    }
    data.put(name, pointData == null ? new BsonDocument() : pointData.clone());
    skips.computeIfAbsent(name, n -> new AtomicLong()).set(skip);
    point.set(remaining);
    return 0;
  }

  /** The point's data if it fires now (a {@code times} point counts down), else null. */
  public BsonDocument fire(String name) {
    return fires(name) ? data.getOrDefault(name, new BsonDocument()) : null;
  }

  /** Whether the point fires now (a {@code times} point counts down). */
  public boolean fires(String name) {
    AtomicLong point = points.get(name);
    AtomicLong skip = skips.get(name);
    if (point.get() > 0 && skip != null && skip.getAndUpdate(k -> k > 0 ? k - 1 : 0) > 0) {
      return false;
    }
    while (true) {
      long left = point.get();
      if (left <= 0) {
        return false;
      }
      if (left == Long.MAX_VALUE || point.compareAndSet(left, left - 1)) {
        return true;
      }
    }
  }

  /** Refuses an incoming node-to-node message while dropReplicationTraffic is on. */
  public void refuseIncomingReplicationTraffic() {
    if (fires(DROP_REPLICATION_TRAFFIC)) {
      throw new MongoServerException(
          ErrorCode.HOST_UNREACHABLE, "replication traffic is dropped by a fail point");
    }
  }

  /** The reply configureFailPoint gives. */
  public static BsonDocument reply(long count) {
    return new BsonDocument("count", new BsonInt64(count));
  }
}
