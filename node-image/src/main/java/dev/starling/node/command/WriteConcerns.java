package dev.starling.node.command;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.storage.Durability;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

/** A standalone node's reading of a command's writeConcern. */
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
   * The writeConcernError to add to a reply, or null: a standalone can acknowledge {@code w} 0, 1
   * and "majority" only.
   */
  public static BsonDocument error(BsonDocument command) {
    BsonValue w = writeConcern(command).get("w");
    if (w != null && w.isNumber() && w.asNumber().intValue() > 1) {
      return new BsonDocument("code", new BsonInt32(ErrorCode.UNSATISFIABLE_WRITE_CONCERN.code()))
          .append("codeName", new BsonString(ErrorCode.UNSATISFIABLE_WRITE_CONCERN.codeName()))
          .append("errmsg", new BsonString("cannot use 'w' > 1 on a standalone"));
    }
    if (w != null && w.isString() && !w.asString().getValue().equals("majority")) {
      return new BsonDocument("code", new BsonInt32(ErrorCode.UNSATISFIABLE_WRITE_CONCERN.code()))
          .append("codeName", new BsonString(ErrorCode.UNSATISFIABLE_WRITE_CONCERN.codeName()))
          .append(
              "errmsg",
              new BsonString("unrecognized write concern mode: " + w.asString().getValue()));
    }
    return null;
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
   */
  public static BsonDocument finish(
      CommandContext context, BsonDocument command, BsonDocument reply) {
    var replication = context.node().replication();
    BsonDocument error =
        replication != null
            ? replication.awaitWriteConcern(
                replication.effectiveWriteConcern(writeConcern(command)))
            : error(command);
    if (error != null) {
      reply.append("writeConcernError", error);
    }
    return reply;
  }
}
