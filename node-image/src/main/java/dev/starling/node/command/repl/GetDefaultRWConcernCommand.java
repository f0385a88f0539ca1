package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import org.bson.BsonDocument;

/** getDefaultRWConcern: the cluster-wide defaults, or the implicit ones, as mongod 6.0 shows. */
public final class GetDefaultRWConcernCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("getDefaultRWConcern");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    return ReplCommands.defaultRWConcern(
        context, ReplCommands.replicaSet(context, "getDefaultRWConcern"));
  }
}
