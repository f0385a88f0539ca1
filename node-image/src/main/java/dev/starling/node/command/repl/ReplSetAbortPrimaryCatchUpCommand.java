package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import org.bson.BsonDocument;

/** replSetAbortPrimaryCatchUp: a new primary still catching up takes writes with what it has. */
public final class ReplSetAbortPrimaryCatchUpCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetAbortPrimaryCatchUp");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    ReplCommands.replicaSet(context, "replSetAbortPrimaryCatchUp").abortPrimaryCatchUp();
    return new BsonDocument();
  }
}
