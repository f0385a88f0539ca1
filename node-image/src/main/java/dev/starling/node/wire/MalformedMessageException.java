package dev.starling.node.wire;

/** A message that breaks the wire protocol; the connection that sent it is closed. */
public final class MalformedMessageException extends RuntimeException {
  public MalformedMessageException(String message) {
    super(message, null, false, false);
  }

  public MalformedMessageException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
