package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.DefaultRWConcern;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonString;

/**
 * setDefaultRWConcern: stores the cluster-wide default read/write concern on the primary (in
 * config.settings, replicated by the oplog), waits for a majority to have it, and replies with the
 * new defaults.
 */
public final class SetDefaultRWConcernCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("setDefaultRWConcern");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.primaryOnly(CommandMetadata.WriteConcernUse.AWAITED_BY_COMMAND);
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    var replicaSet = ReplCommands.replicaSet(context, "setDefaultRWConcern");
    var replication = context.node().replication();
    if (!replication.isWritablePrimary()) {
      throw new MongoServerException(ErrorCode.NOT_WRITABLE_PRIMARY, "not primary");
    }
    DefaultRWConcern.store(context.node().storage(), command, context.node().clock().millis());
    BsonDocument writeConcernError =
        replication.waitForWriteConcern(new BsonDocument("w", new BsonString("majority")));
    BsonDocument reply = ReplCommands.defaultRWConcern(context, replicaSet);
    if (writeConcernError != null) {
      reply.append("writeConcernError", writeConcernError);
    }
    return reply;
  }
}
