package dev.starling.node.command;

import dev.starling.node.config.NodeOptions;
import dev.starling.node.config.ServerParameters;
import dev.starling.node.exec.CursorManager;
import dev.starling.node.repl.OplogTruncator;
import dev.starling.node.repl.Replication;
import dev.starling.node.session.LogicalSessions;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.wire.ConnectionStats;
import java.time.Clock;
import java.time.Instant;

/**
 * The node's shared services that commands use. Time comes from the clock here, never from the
 * system directly. {@code replication} is never null: a {@link
 * dev.starling.node.repl.StandaloneReplication} unless the node runs with {@code --replSet}. {@code
 * oplogTruncator} (the oplog's size and truncation) is null on a standalone, which has no oplog.
 * {@code failCommand} is the node's failCommand fail point (switched only with test commands on).
 * {@code sessions} are the logical sessions clients use.
 */
public record NodeServices(
    StorageEngine storage,
    CursorManager cursors,
    NodeOptions options,
    ServerParameters parameters,
    ConnectionStats connections,
    OpCounters opCounters,
    Clock clock,
    Instant startedAt,
    String hostName,
    Replication replication,
    OplogTruncator oplogTruncator,
    FailCommandPoint failCommand,
    LogicalSessions sessions) {

  public NodeServices {
    java.util.Objects.requireNonNull(
        replication, "replication (StandaloneReplication on a standalone)");
    java.util.Objects.requireNonNull(failCommand, "failCommand");
    java.util.Objects.requireNonNull(sessions, "sessions");
  }

  /** "host:port" as this node names itself. */
  public String me() {
    return hostName + ":" + options.port;
  }
}
