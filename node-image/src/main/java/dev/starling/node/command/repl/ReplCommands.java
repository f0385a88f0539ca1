package dev.starling.node.command.repl;

import dev.starling.node.command.CommandContext;
import dev.starling.node.command.Databases;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.DefaultRWConcern;
import dev.starling.node.repl.ReplicaSetCommands;
import dev.starling.node.repl.Replication;
import dev.starling.node.repl.ReplicationStatus;
import org.bson.BsonDocument;

/** Checks shared by the replica-set commands. */
final class ReplCommands {
  private ReplCommands() {}

  /**
   * The member's replica-set commands; admin database only; 76 NoReplicationEnabled on a standalone
   * ({@link Replication#replicaSetCommands}), before the command reads its arguments.
   */
  static ReplicaSetCommands replicaSet(CommandContext context, String command) {
    Databases.requireAdmin(context, command);
    return context.node().replication().replicaSetCommands();
  }

  /** getDefaultRWConcern's reply (without ok): the stored defaults, or the implicit ones. */
  static BsonDocument defaultRWConcern(CommandContext context, ReplicaSetCommands replicaSet) {
    return DefaultRWConcern.describe(
        context.node().storage(), replicaSet.status().config(), context.node().clock().millis());
  }

  static ReplicationStatus initiated(ReplicaSetCommands replicaSet) {
    ReplicationStatus s = replicaSet.status();
    if (s.config() == null) {
      throw new MongoServerException(
          ErrorCode.NOT_YET_INITIALIZED, "no replset config has been received");
    }
    return s;
  }
}
