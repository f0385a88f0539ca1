package dev.starling.node.command.crud;

import dev.starling.node.command.Replies;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import org.bson.BsonArray;
import org.bson.BsonValue;

/**
 * Runs the statements of a write command (documents, updates or deletes) one by one, collecting
 * per-statement errors as {@code writeErrors}; an ordered command stops at the first error, an
 * unordered one goes on.
 */
final class Statements {
  /** One statement's work; throws MongoServerException to report a write error for it. */
  interface Body {
    void run(int index, BsonValue statement);
  }

  /** Errors that end the whole command instead of one statement: the member stopped writing. */
  static final java.util.Set<ErrorCode> FAIL_THE_BATCH =
      java.util.EnumSet.of(
          ErrorCode.INTERRUPTED_DUE_TO_REPL_STATE_CHANGE,
          ErrorCode.NOT_WRITABLE_PRIMARY,
          ErrorCode.PRIMARY_STEPPED_DOWN,
          ErrorCode.SHUTDOWN_IN_PROGRESS,
          ErrorCode.INTERRUPTED_AT_SHUTDOWN);

  private Statements() {}

  static BsonArray run(BsonArray statements, boolean ordered, Body body) {
    BsonArray errors = new BsonArray();
    for (int i = 0; i < statements.size(); i++) {
      try {
        BsonValue statement = statements.get(i);
        if (!statement.isDocument()) {
          throw MongoServerException.typeMismatch("write statements must be objects");
        }
        body.run(i, statement);
      } catch (MongoServerException e) {
        if (FAIL_THE_BATCH.contains(e.error())) {
          // As mongod: this member can no longer write, so the whole command fails with it; a
          // driver then retries a retryable write on the new primary.
          throw e;
        }
        errors.add(Replies.writeError(i, e));
        if (ordered) {
          break;
        }
      }
    }
    return errors;
  }
}
