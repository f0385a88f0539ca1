package dev.starling.node.command.repl;

import dev.starling.node.command.CommandContext;
import dev.starling.node.command.Databases;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.ReplicationCoordinator;
import dev.starling.node.repl.ReplicationStatus;

/** Checks shared by the replica-set commands. */
final class ReplCommands {
  private ReplCommands() {}

  /** The coordinator; 76 NoReplicationEnabled on a standalone node; admin database only. */
  static ReplicationCoordinator replication(CommandContext context, String command) {
    Databases.requireAdmin(context, command);
    ReplicationCoordinator replication = context.node().replication();
    if (replication == null) {
      throw new MongoServerException(
          ErrorCode.NO_REPLICATION_ENABLED, "not running with --replSet");
    }
    return replication;
  }

  static ReplicationStatus initiated(ReplicationCoordinator replication) {
    ReplicationStatus s = replication.snapshot();
    if (s.config() == null) {
      throw new MongoServerException(
          ErrorCode.NOT_YET_INITIALIZED, "no replset config has been received");
    }
    return s;
  }
}
