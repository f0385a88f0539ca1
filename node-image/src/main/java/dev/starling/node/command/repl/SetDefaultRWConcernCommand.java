package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import org.bson.BsonDocument;

/**
 * setDefaultRWConcern: stores the cluster-wide default read/write concern on the primary (in
 * config.settings, replicated by the oplog) and replies with the new defaults.
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
    var replication = ReplCommands.replication(context, "setDefaultRWConcern");
    BsonDocument writeConcernError = replication.setDefaultRWConcern(command);
    BsonDocument reply = replication.describeDefaultRWConcern();
    if (writeConcernError != null) {
      reply.append("writeConcernError", writeConcernError);
    }
    return reply;
  }
}
