package dev.starling.node.command.crud;

import dev.starling.node.command.CommandContext;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.RetryableWrites;
import org.bson.BsonDocument;

/**
 * A write command's statements under a retryable write ({@code txnNumber}): a statement the
 * session's transaction number already executed is answered from its oplog entry, not run again;
 * the others run with their statement id (their index in the command), so that their entries carry
 * the session. Without a txnNumber every statement simply runs.
 */
final class Retries {
  private final RetryableWrites.Checkout checkout;

  Retries(CommandContext context) {
    this.checkout = context.retryable();
  }

  /** The oplog entry of statement {@code stmtId} if it already ran, else null: run it. */
  BsonDocument executed(int stmtId) {
    return checkout == null ? null : checkout.executed(stmtId);
  }

  void run(int stmtId, Runnable write) {
    run(stmtId, null, write);
  }

  /**
   * Runs statement {@code stmtId}; {@code retryImage} ("preImage" or "postImage") keeps the
   * document a retried findAndModify returns.
   */
  void run(int stmtId, String retryImage, Runnable write) {
    if (checkout == null) {
      write.run();
    } else {
      checkout.run(stmtId, retryImage, write);
    }
  }

  /** The document a findAndModify kept with its write {@code entry}. */
  BsonDocument image(BsonDocument entry) {
    return checkout.image(entry.getTimestamp("ts"));
  }

  /** A statement that may write many documents cannot be retried: refused, as mongod does. */
  void refuseMulti(boolean multi) {
    if (checkout != null && multi) {
      throw new MongoServerException(
          ErrorCode.INVALID_OPTIONS, "Cannot use (or request) retryable writes with multi=true");
    }
  }

  /** What an executed entry's op was: "i", "u" or "d". */
  static String op(BsonDocument entry) {
    return entry.getString("op").getValue();
  }
}
