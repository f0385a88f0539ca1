package dev.starling.node.command.repl;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import java.util.List;
import org.bson.BsonDocument;

/** replSetGetConfig: the installed config with every default filled in. */
public final class ReplSetGetConfigCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("replSetGetConfig");
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    var s = ReplCommands.initiated(ReplCommands.replication(context, "replSetGetConfig"));
    return new BsonDocument("config", s.config().toBsonDocument());
  }
}
