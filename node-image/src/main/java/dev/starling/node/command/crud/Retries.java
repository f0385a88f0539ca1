package dev.starling.node.command.crud;

import dev.starling.node.command.CommandContext;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.FailPoints;
import dev.starling.node.repl.RetryableWrites;
import dev.starling.node.wire.CloseConnectionException;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;

/**
 * A write command's statements under a retryable write ({@code txnNumber}): a statement the
 * session's transaction number already executed is answered from its oplog entry, not run again;
 * the others run with their statement id (their index in the command), so that their entries carry
 * the session. Without a txnNumber every statement simply runs. As mongod (5.0+), the reply names
 * the statements answered from the session's history: {@code retriedStmtIds} for insert, update and
 * delete, {@code retriedStmtId} for findAndModify; absent when none was.
 */
final class Retries {
  private final RetryableWrites.Checkout checkout;
  private final CommandContext context;
  private final BsonArray retried = new BsonArray();

  Retries(CommandContext context) {
    this.checkout = context.retryable();
    this.context = context;
  }

  /**
   * The oplog entry of statement {@code stmtId} if it already ran (the statement is then reported
   * as retried), else null: run it.
   */
  BsonDocument executed(int stmtId) {
    BsonDocument entry = checkout == null ? null : checkout.executed(stmtId);
    if (entry != null) {
      retried.add(new BsonInt32(stmtId));
    }
    return entry;
  }

  /**
   * Adds to an insert, update or delete reply mongod's {@code retriedStmtIds}: the int32 ids of the
   * statements answered from the session's history instead of executed, in the order they came;
   * nothing when none was.
   */
  BsonDocument reportRetried(BsonDocument reply) {
    if (!retried.isEmpty()) {
      reply.append("retriedStmtIds", retried.clone());
    }
    return reply;
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
      return;
    }
    BsonDocument failing =
        context.node().replication().failPoints().fire(FailPoints.ON_PRIMARY_TRANSACTIONAL_WRITE);
    boolean close =
        failing != null && failing.getBoolean("closeConnection", BsonBoolean.TRUE).getValue();
    if (failing != null && failing.get("failBeforeCommitExceptionCode") instanceof BsonValue code) {
      if (close) {
        throw new CloseConnectionException("onPrimaryTransactionalWrite fail point, before commit");
      }
      throw new MongoServerException(
          ErrorCode.ofOrInternal(code.asNumber().intValue()),
          "Failing write for "
              + checkout.txnNumber()
              + " due to failpoint. The write must not be reflected.");
    }
    checkout.run(stmtId, retryImage, write);
    if (close) {
      throw new CloseConnectionException("onPrimaryTransactionalWrite fail point, after commit");
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
