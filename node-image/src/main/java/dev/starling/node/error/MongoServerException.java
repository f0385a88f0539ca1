package dev.starling.node.error;

import org.bson.BsonDocument;

/**
 * A failure reported to the client as {@code {ok: 0, errmsg, code, codeName}}. Thrown anywhere
 * below the command layer; the command layer turns it into the reply.
 */
public class MongoServerException extends RuntimeException {
  private final ErrorCode error;
  private final BsonDocument extra;

  public MongoServerException(ErrorCode error, String message) {
    this(error, message, null);
  }

  public MongoServerException(ErrorCode error, String message, BsonDocument extra) {
    super(message, null, false, false);
    this.error = error;
    this.extra = extra;
  }

  public ErrorCode error() {
    return error;
  }

  public int code() {
    return error.code();
  }

  /**
   * Fields added to the error reply beside errmsg/code/codeName, such as keyPattern and keyValue;
   * may be null.
   */
  public BsonDocument extra() {
    return extra;
  }

  public static MongoServerException badValue(String message) {
    return new MongoServerException(ErrorCode.BAD_VALUE, message);
  }

  public static MongoServerException typeMismatch(String message) {
    return new MongoServerException(ErrorCode.TYPE_MISMATCH, message);
  }

  public static MongoServerException failedToParse(String message) {
    return new MongoServerException(ErrorCode.FAILED_TO_PARSE, message);
  }
}
