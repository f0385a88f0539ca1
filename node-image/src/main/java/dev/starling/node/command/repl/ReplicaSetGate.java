package dev.starling.node.command.repl;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.ReplicationCoordinator;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * Refuses user writes and primary-only reads on a replica-set member that is not the writable
 * primary, as mongod does. The {@code local} database is never refused.
 */
public final class ReplicaSetGate {
  private static final Set<String> WRITES =
      Set.of(
          "insert",
          "update",
          "delete",
          "findAndModify",
          "findandmodify",
          "create",
          "drop",
          "dropDatabase",
          "renameCollection",
          "createIndexes",
          "dropIndexes");

  private static final Set<String> READS =
      Set.of(
          "find",
          "count",
          "distinct",
          "aggregate",
          "listCollections",
          "listIndexes",
          "collStats",
          "dbStats");

  private ReplicaSetGate() {}

  public static void check(
      ReplicationCoordinator replication, String name, String database, BsonDocument command) {
    if (replication == null || database.equals("local") || replication.isWritablePrimary()) {
      return;
    }
    if (WRITES.contains(name)) {
      throw new MongoServerException(ErrorCode.NOT_WRITABLE_PRIMARY, "not primary");
    }
    if (READS.contains(name)) {
      if (!secondaryOk(command)) {
        throw new MongoServerException(
            ErrorCode.NOT_PRIMARY_NO_SECONDARY_OK, "not primary and secondaryOk=false");
      }
      if (!replication.state().readable()) {
        throw new MongoServerException(
            ErrorCode.NOT_PRIMARY_OR_SECONDARY, "node is not in primary or recovering state");
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
