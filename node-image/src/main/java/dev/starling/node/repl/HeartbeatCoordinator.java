package dev.starling.node.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.Action;
import dev.starling.node.repl.core.DurableState;
import dev.starling.node.repl.core.HeartbeatRequest;
import dev.starling.node.repl.core.HeartbeatResult;
import dev.starling.node.repl.core.MemberState;
import dev.starling.node.repl.core.ReplSetConfig;
import dev.starling.node.repl.core.TopologyCoordinator;
import dev.starling.node.repl.core.UpdateResult;
import dev.starling.node.util.Log;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Heartbeats, as mongod's {@code replication_coordinator_impl_heartbeat} has them: one {@link
 * HeartbeatLoop} per other member of the config, whose replies and failures go to the core; {@code
 * replSetHeartbeat} from others; and configs learned from peers (a newer one in a reply, or fetched
 * from a sender whose config is newer, which is how a member added by {@code rs.add()} gets its
 * first config).
 *
 * <p>Everything here runs under the coordinator's monitor ({@code monitor}) except the calls to
 * peers.
 */
final class HeartbeatCoordinator {
  /** The coordinator's side; called with the monitor held unless noted. */
  interface Replication {
    /** The core, or (before a config) a core without one. */
    TopologyCoordinator topology();

    boolean closed();

    /** Persists {@code persist} (if any), then carries out {@code action}. */
    void act(DurableState persist, Action action);

    /** Publishes the core's view (state, commit point) after a change. */
    void publish();

    /** Signals replication progress: members' positions or config versions changed. */
    void progress();

    /** The host of member {@code memberId} in the current config, or null. */
    String hostOf(int memberId);

    /** The host this node goes by in the config (before one, its preferred name). */
    String selfHost();

    /** Stores and installs this node's first config (the core is replaced). */
    void installFirst(ReplSetConfig config);

    /** Stores and installs a newer config, restarts heartbeats, acts on it and publishes. */
    void installNext(ReplSetConfig config);

    /** An initial sync must run: the member is STARTUP2 until it is done. */
    void needInitialSync();
  }

  private final Object monitor;
  private final String setName;
  private final Replication replication;
  private final PeerCaller peers;
  private final Clock clock;
  private final Map<Integer, HeartbeatLoop> loops = new HashMap<>(); // guarded by monitor
  private long configGeneration; // guarded by monitor

  HeartbeatCoordinator(
      Object monitor, String setName, Replication replication, PeerCaller peers, Clock clock) {
    this.monitor = monitor;
    this.setName = setName;
    this.replication = replication;
    this.peers = peers;
    this.clock = clock;
  }

  /** (Re)starts one heartbeat loop per other member of the current config. Holds the monitor. */
  void restart() {
    stop();
    configGeneration++;
    ReplSetConfig config = replication.topology().config();
    if (config == null || replication.closed()) {
      return;
    }
    for (var m : config.members()) {
      if (m.id() != replication.topology().selfId()) {
        HeartbeatLoop loop = new HeartbeatLoop(m.id(), configGeneration, target, peers, clock);
        loops.put(m.id(), loop);
        loop.start();
      }
    }
  }

  /** Stops every loop. Holds the monitor. */
  void stop() {
    loops.values().forEach(HeartbeatLoop::stop);
    loops.clear();
  }

  /** Makes the next heartbeat to every member go now. Holds the monitor. */
  void allNow() {
    loops.values().forEach(HeartbeatLoop::now);
  }

  /** Makes the next heartbeat to {@code memberId} go now. Holds the monitor. */
  void now(int memberId) {
    HeartbeatLoop loop = loops.get(memberId);
    if (loop != null) {
      loop.now();
    }
  }

  private final HeartbeatLoop.Target target =
      new HeartbeatLoop.Target() {
        @Override
        public HeartbeatLoop.HeartbeatCall prepare(int memberId, long generation) {
          synchronized (monitor) {
            if (replication.closed() || generation != configGeneration) {
              return null;
            }
            String host = replication.hostOf(memberId);
            if (host == null) {
              return null;
            }
            TopologyCoordinator topology = replication.topology();
            BsonDocument request =
                ReplMessages.heartbeatRequest(
                    topology.prepareHeartbeatRequest(clock.millis(), memberId),
                    replication.selfHost());
            return new HeartbeatLoop.HeartbeatCall(
                host, request, topology.config().heartbeatTimeoutMillis());
          }
        }

        @Override
        public long succeeded(int memberId, long generation, BsonDocument reply, long ping) {
          BsonDocument newerConfig = null;
          long next;
          synchronized (monitor) {
            if (replication.closed() || generation != configGeneration) {
              return Long.MAX_VALUE;
            }
            long now = clock.millis();
            TopologyCoordinator topology = replication.topology();
            if (!isOk(reply)) {
              return topology.processHeartbeatFailure(now, memberId, false).nextHeartbeatAtMillis();
            }
            HeartbeatResult result =
                topology.processHeartbeatResponse(
                    now, memberId, ReplMessages.heartbeatResponse(reply), ping);
            replication.act(result.persist(), result.action());
            replication.publish();
            // A member's config version may have changed: wake reconfigs waiting for a majority.
            replication.progress();
            next = result.nextHeartbeatAtMillis();
            if (reply.get("config") instanceof BsonDocument doc) {
              newerConfig = doc;
            }
          }
          synchronized (monitor) {
            replication.progress();
            monitor.notifyAll();
          }
          if (newerConfig != null) {
            adopt(newerConfig);
          }
          return next;
        }

        @Override
        public long failed(int memberId, long generation, boolean refused) {
          synchronized (monitor) {
            if (replication.closed() || generation != configGeneration) {
              return Long.MAX_VALUE;
            }
            HeartbeatResult result =
                replication.topology().processHeartbeatFailure(clock.millis(), memberId, refused);
            replication.publish();
            return result.nextHeartbeatAtMillis();
          }
        }
      };

  private static boolean isOk(BsonDocument reply) {
    BsonValue ok = reply.get("ok");
    return ok != null && ok.isNumber() && ok.asNumber().doubleValue() == 1;
  }

  /**
   * replSetHeartbeat received: updates the core, and replies with this node's view. A sender with
   * an older config gets ours in {@code config}; a sender with a newer one makes this node fetch it
   * (an uninitialized node learns its first config this way, after rs.add()).
   */
  BsonDocument onHeartbeat(BsonDocument command) {
    HeartbeatRequest request = ReplMessages.heartbeatRequest(command);
    String from = command.get("from") instanceof BsonString f ? f.getValue() : null;
    boolean fetchConfig;
    BsonDocument reply;
    synchronized (monitor) {
      long now = clock.millis();
      TopologyCoordinator topology = replication.topology();
      ReplSetConfig config = topology.config();
      if (!request.setName().equals(setName)) {
        throw new MongoServerException(
            ErrorCode.INCONSISTENT_REPLICA_SET_NAMES,
            "Our set name of "
                + setName
                + " does not match name "
                + request.setName()
                + " reported by remote node");
      }
      if (config != null) {
        if (topology.shouldHeartbeatSenderNow(request)) {
          now(request.senderId());
        }
        UpdateResult result = topology.processHeartbeatRequest(now, request);
        replication.act(result.persist(), result.action());
        replication.publish();
        replication.progress();
        reply = ReplMessages.heartbeatResponse(topology.prepareHeartbeatResponse(now));
        int cmp =
            ReplSetConfig.compareVersionAndTerm(
                request.configVersion(), request.configTerm(), config.version(), config.term());
        if (cmp < 0) {
          reply.append("config", config.toBsonDocument());
        }
        fetchConfig = cmp > 0;
        if (fetchConfig && request.senderId() >= 0) {
          HeartbeatLoop loop = loops.get(request.senderId());
          if (loop != null) {
            loop.now();
            fetchConfig = false;
          }
        }
      } else {
        reply =
            new BsonDocument("set", new BsonString(setName))
                .append("state", new BsonInt32(MemberState.STARTUP.code()))
                .append("term", new BsonInt64(topology.term()))
                .append("configVersion", new BsonInt32(-2))
                .append("configTerm", new BsonInt64(-1));
        fetchConfig = request.configVersion() > 0;
      }
    }
    if (fetchConfig && from != null) {
      Thread.ofVirtual().name("repl-config-fetch").start(() -> fetchConfigFrom(from));
    }
    return reply;
  }

  /** Asks {@code host} for its config with a heartbeat that says ours is older. */
  private void fetchConfigFrom(String host) {
    BsonDocument request;
    synchronized (monitor) {
      TopologyCoordinator topology = replication.topology();
      ReplSetConfig config = topology.config();
      request =
          ReplMessages.heartbeatRequest(
              new HeartbeatRequest(
                  setName,
                  topology.selfId(),
                  topology.term(),
                  config == null ? -2 : config.version(),
                  config == null ? -1 : config.term()),
              replication.selfHost());
    }
    try {
      BsonDocument reply = peers.call(host, "admin", request, 10_000);
      if (reply.get("config") instanceof BsonDocument doc) {
        adopt(doc);
      }
    } catch (RuntimeException e) {
      Log.info("replica set %s: could not fetch the config from %s: %s", setName, host, e);
    }
  }

  /** A config document from a peer: installed if it is valid (and newer). */
  private void adopt(BsonDocument doc) {
    ReplSetConfig next;
    try {
      next = ReplSetConfig.parse(doc);
    } catch (RuntimeException e) {
      Log.info("replica set %s: ignoring an invalid config from a peer: %s", setName, e);
      return;
    }
    adoptConfig(next);
  }

  /**
   * Installs {@code next}, learned from a peer, if it is of this set and newer than ours. A member
   * that gets its first config this way and holds no data starts with an initial sync.
   */
  void adoptConfig(ReplSetConfig next) {
    synchronized (monitor) {
      ReplSetConfig current = replication.topology().config();
      if (!next.name().equals(setName)
          || (current != null
              && ReplSetConfig.compareVersionAndTerm(
                      next.version(), next.term(), current.version(), current.term())
                  <= 0)) {
        return;
      }
      if (current == null) {
        replication.installFirst(next);
        TopologyCoordinator installed = replication.topology();
        if (installed.selfId() >= 0
            && installed.memberState() != MemberState.ARBITER
            && installed.myLastApplied().isNull()) {
          replication.needInitialSync();
        }
        replication.publish();
      } else {
        replication.installNext(next);
      }
      Log.info("replica set %s: installed config version %d from a peer", setName, next.version());
      monitor.notifyAll();
    }
  }
}
