package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import org.bson.BsonDocument;

/** replSetStepUp: this member stands for election now, skipping the dry run. */
public final class ReplSetStepUpCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetStepUp");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    ReplCommands.replicaSet(context, "replSetStepUp").stepUp();
    return new BsonDocument();
  }
}
