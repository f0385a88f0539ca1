package dev.starling.node.command;

import dev.starling.node.wire.ClientConnection;

/**
 * What a command runs against: the target database, the client connection and the node's services.
 */
public record CommandContext(String database, ClientConnection connection, NodeServices node) {}
