package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import org.bson.BsonDocument;

/** replSetHeartbeat: a member's periodic status exchange (node to node). */
public final class ReplSetHeartbeatCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetHeartbeat");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    return ReplCommands.replicaSet(context, "replSetHeartbeat").onHeartbeat(command);
  }
}
