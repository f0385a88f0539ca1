package dev.starling.node.command;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.Durability;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * A command's writeConcern: how durably it writes, what it waits for, what a standalone refuses.
 */
public final class WriteConcerns {
  private WriteConcerns() {}

  /**
   * How durably the command writes: {@code j: true} syncs the WAL, and on a standalone {@code w:
   * "majority"} too ({@link dev.starling.node.repl.Replication#writeDurability}).
   */
  public static Durability durability(CommandContext context, BsonDocument command) {
    BsonDocument wc = writeConcern(command);
    return context.node().replication().writeDurability(wc, Args.bool(wc, "j", false));
  }

  /**
   * Refuses, before the command runs, a writeConcern that is not a document, and one this node can
   * never satisfy ({@link dev.starling.node.repl.Replication#validateWriteConcern}: on a
   * standalone, {@code w} over 1 or a mode other than "majority").
   */
  public static void validate(CommandContext context, BsonDocument command) {
    context.node().replication().validateWriteConcern(writeConcern(command));
  }

  private static BsonDocument writeConcern(BsonDocument command) {
    BsonValue wc = command.get("writeConcern");
    if (wc == null || wc.isNull()) {
      return new BsonDocument();
    }
    if (!wc.isDocument()) {
      throw new MongoServerException(ErrorCode.FAILED_TO_PARSE, "writeConcern must be an object");
    }
    return wc.asDocument();
  }

  /**
   * Adds a writeConcernError to a write reply when the concern cannot be satisfied. On a replica
   * set member this first waits for replication as the concern asks (w, wtimeout, j); a concern
   * without {@code w} takes the set's default (setDefaultRWConcern's, else mongod's implicit one).
   * A standalone has nothing to wait for: {@link #validate} refused what it cannot satisfy.
   */
  public static BsonDocument finish(
      CommandContext context, BsonDocument command, BsonDocument reply) {
    BsonDocument error = context.node().replication().waitForWriteConcern(writeConcern(command));
    if (error != null) {
      reply.append("writeConcernError", error);
    }
    return reply;
  }
}
