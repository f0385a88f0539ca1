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
   * On a replica-set member only {@code j: true} syncs the WAL in the write itself: {@code w:
   * "majority"} waits for a majority's durable OpTimes, which the journal flusher advances for many
   * writes with one sync.
   */
  public static Durability durability(CommandContext context, BsonDocument command) {
    if (context.node().replication() != null) {
      return Args.bool(writeConcern(command), "j", false) ? Durability.SYNCED : Durability.WRITTEN;
    }
    return durability(command);
  }

  /** {@code j: true}, and {@code w: "majority"} (journaled by default, as mongod), sync the WAL. */
  public static Durability durability(BsonDocument command) {
    BsonDocument wc = writeConcern(command);
    if (Args.bool(wc, "j", false)) {
      return Durability.SYNCED;
    }
    BsonValue w = wc.get("w");
    if (w != null && w.isString() && w.asString().getValue().equals("majority")) {
      return Durability.SYNCED;
    }
    return Durability.WRITTEN;
  }

  /**
   * Refuses, before the command runs, a concern a standalone cannot satisfy, as mongod's
   * validateWriteConcern: 2 BadValue for {@code w} over 1 or a {@code w} mode other than
   * "majority". A writeConcern that is not a document is left to the command's own parsing.
   */
  public static void validate(CommandContext context, BsonDocument command) {
    if (context.node().replication() != null
        || !(command.get("writeConcern") instanceof BsonDocument wc)) {
      return;
    }
    BsonValue w = wc.get("w");
    if (w != null && w.isNumber() && w.asNumber().intValue() > 1) {
      throw new MongoServerException(
          ErrorCode.BAD_VALUE, "cannot use 'w' > 1 when a host is not replicated");
    }
    if (w != null && w.isString() && !w.asString().getValue().equals("majority")) {
      throw new MongoServerException(
          ErrorCode.BAD_VALUE,
          "cannot use non-majority 'w' mode \""
              + w.asString().getValue()
              + "\" when a host is not a member of a replica set");
    }
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
    var replication = context.node().replication();
    BsonDocument error =
        replication != null
            ? replication.awaitWriteConcern(
                replication.effectiveWriteConcern(writeConcern(command)))
            : null;
    if (error != null) {
      reply.append("writeConcernError", error);
    }
    return reply;
  }
}
