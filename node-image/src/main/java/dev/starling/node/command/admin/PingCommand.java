package dev.starling.node.command.admin;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import org.bson.BsonDocument;

/** ping: answers ok. */
public final class PingCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("ping");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    return new BsonDocument();
  }
}
