package dev.starling.node.command;

import dev.starling.node.config.NodeOptions;
import dev.starling.node.config.ServerParameters;
import dev.starling.node.exec.CursorManager;
import dev.starling.node.repl.Replication;
import dev.starling.node.repl.StandaloneReplication;
import dev.starling.node.session.LogicalSessions;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.wire.ClientConnection;
import dev.starling.node.wire.ConnectionStats;
import dev.starling.node.wire.OpCode;
import dev.starling.node.wire.Request;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.UuidRepresentation;

/**
 * The node's services as the dispatcher tests build them ("node1" with default options), and how
 * those tests send a command.
 */
final class TestNodes {
  private TestNodes() {}

  /** Sends {@code command} for database {@code db} as an OP_MSG from connection 1; the reply. */
  static BsonDocument run(CommandDispatcher dispatcher, String db, BsonDocument command) {
    return dispatcher.handle(
        new Request(1, OpCode.OP_MSG, db, command, false, false), new ClientConnection(1, null));
  }

  /** A new logical session id, as a driver makes one. */
  static BsonDocument newLsid() {
    return new BsonDocument("id", new BsonBinary(UUID.randomUUID(), UuidRepresentation.STANDARD));
  }

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
