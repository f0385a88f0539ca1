package dev.starling.node.command.repl;

import dev.starling.node.command.CommandContext;
import dev.starling.node.command.Databases;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.DefaultRWConcern;
import dev.starling.node.repl.Replication;
import dev.starling.node.repl.ReplicationStatus;
import org.bson.BsonDocument;

/** Checks shared by the replica-set commands. */
final class ReplCommands {
  private ReplCommands() {}

  /**
   * The node's replication; admin database only; 76 NoReplicationEnabled on a standalone (its
   * {@link Replication#checkReplEnabledForCommand}), before the command reads its arguments.
   */
  static Replication replication(CommandContext context, String command) {
    Databases.requireAdmin(context, command);
    Replication replication = context.node().replication();
    replication.checkReplEnabledForCommand();
    return replication;
  }

  /** getDefaultRWConcern's reply (without ok): the stored defaults, or the implicit ones. */
  static BsonDocument defaultRWConcern(CommandContext context, Replication replication) {
    return DefaultRWConcern.describe(
        context.node().storage(), replication.snapshot().config(), context.node().clock().millis());
  }

  static ReplicationStatus initiated(Replication replication) {
    ReplicationStatus s = replication.snapshot();
    if (s.config() == null) {
      throw new MongoServerException(
          ErrorCode.NOT_YET_INITIALIZED, "no replset config has been received");
    }
    return s;
  }
}
