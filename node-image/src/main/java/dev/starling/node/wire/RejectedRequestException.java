package dev.starling.node.wire;

import dev.starling.node.error.MongoServerException;

/**
 * A well-framed request whose content is invalid (bad BSON, too large): answered with an error
 * reply.
 */
public final class RejectedRequestException extends RuntimeException {
  private final int requestId;
  private final int opCode;
  private final MongoServerException error;

  public RejectedRequestException(int requestId, int opCode, MongoServerException error) {
    super(error.getMessage(), null, false, false);
    this.requestId = requestId;
    this.opCode = opCode;
    this.error = error;
  }

  public int requestId() {
    return requestId;
  }

  public int opCode() {
    return opCode;
  }

  public MongoServerException error() {
    return error;
  }
}
