package dev.starling.node.command.repl;

import dev.starling.node.command.CommandMetadata;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.Replication;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * Refuses, on a replica-set member that is not the writable primary, what mongod refuses there: a
 * command only the primary runs, and a command a secondary runs only for clients that opted in
 * (with a non-primary read preference) when they did not, or while the member is not readable. A
 * command's {@link CommandMetadata} says which it is. The {@code local} database is never refused.
 */
public final class ReplicaSetGate {
  private ReplicaSetGate() {}

  public static void check(
      Replication replication,
      CommandMetadata.AllowedOnSecondary allowed,
      String database,
      BsonDocument command) {
    if (database.equals("local") || replication.isWritablePrimary()) {
      return;
    }
    switch (allowed) {
      case ALWAYS -> {}
      case NEVER -> throw new MongoServerException(ErrorCode.NOT_WRITABLE_PRIMARY, "not primary");
      case OPT_IN -> {
        if (!secondaryOk(command)) {
          throw new MongoServerException(
              ErrorCode.NOT_PRIMARY_NO_SECONDARY_OK, "not primary and secondaryOk=false");
        }
        if (!replication.isReadable()) {
          throw new MongoServerException(
              ErrorCode.NOT_PRIMARY_OR_SECONDARY, "node is not in primary or recovering state");
        }
      }
    }
  }

  /** A {@code $readPreference} whose mode is anything but primary. */
  static boolean secondaryOk(BsonDocument command) {
    return command.get("$readPreference") instanceof BsonDocument pref
        && pref.get("mode") instanceof BsonString mode
        && !mode.getValue().equals("primary");
  }
}
