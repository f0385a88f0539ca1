package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import org.bson.BsonDocument;

/** replSetRequestVotes: a candidate asks for this member's vote (node to node). */
public final class ReplSetRequestVotesCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetRequestVotes");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    return ReplCommands.replicaSet(context, "replSetRequestVotes").onRequestVotes(command);
  }
}
