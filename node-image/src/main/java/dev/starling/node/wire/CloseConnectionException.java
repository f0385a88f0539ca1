package dev.starling.node.wire;

/**
 * Thrown by a request handler to close the client's connection without a reply, as mongod's
 * failCommand fail point does with {@code closeConnection}. The connection loop closes only this
 * connection.
 */
public final class CloseConnectionException extends RuntimeException {
  public CloseConnectionException(String message) {
    super(message);
  }
}
