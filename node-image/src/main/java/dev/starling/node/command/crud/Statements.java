package dev.starling.node.command.crud;

import dev.starling.node.command.Replies;
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
        errors.add(Replies.writeError(i, e));
        if (ordered) {
          break;
        }
      }
    }
    return errors;
  }
}
