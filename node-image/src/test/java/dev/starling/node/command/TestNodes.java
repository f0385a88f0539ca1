package dev.starling.node.command;

import dev.starling.node.config.NodeOptions;
import dev.starling.node.config.ServerParameters;
import dev.starling.node.exec.CursorManager;
import dev.starling.node.repl.Replication;
import dev.starling.node.repl.StandaloneReplication;
import dev.starling.node.session.LogicalSessions;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.wire.ConnectionStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The node's services as the dispatcher tests build them: "node1" with default options. */
final class TestNodes {
  private TestNodes() {}

  /** A standalone node over {@code storage}. */
  static NodeServices standalone(StorageEngine storage, Clock clock) {
    return of(storage, clock, new StandaloneReplication());
  }

  static NodeServices of(StorageEngine storage, Clock clock, Replication replication) {
    NodeOptions options = new NodeOptions();
    ServerParameters parameters = new ServerParameters(options);
    return new NodeServices(
        storage,
        new CursorManager(clock, parameters.cursorTimeoutMillis()),
        options,
        parameters,
        new ConnectionStats(),
        new OpCounters(),
        clock,
        Instant.EPOCH,
        "node1",
        replication,
        null,
        new FailCommandPoint(),
        new LogicalSessions(Duration.ofMinutes(parameters.logicalSessionTimeoutMinutes())));
  }
}
