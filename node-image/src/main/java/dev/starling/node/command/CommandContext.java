package dev.starling.node.command;

import dev.starling.node.repl.RetryableWrites;
import dev.starling.node.wire.ClientConnection;

/**
 * What a command runs against: the target database, the client connection and the node's services,
 * and, for a retryable write ({@code txnNumber}), its session checked out ({@code retryable}, else
 * null).
 */
public record CommandContext(
    String database,
    ClientConnection connection,
    NodeServices node,
    RetryableWrites.Checkout retryable) {

  public CommandContext(String database, ClientConnection connection, NodeServices node) {
    this(database, connection, node, null);
  }
}
