package dev.starling.node.command.admin;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonString;

/** whatsmyuri: the client's address as this node sees it. */
public final class WhatsMyUriCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("whatsmyuri");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    return new BsonDocument("you", new BsonString(context.connection().remoteAddress()));
  }
}
