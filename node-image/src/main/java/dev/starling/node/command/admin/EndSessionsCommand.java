package dev.starling.node.command.admin;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import org.bson.BsonDocument;

/**
 * endSessions: drivers send it when they close. This node does not keep server-side session state
 * yet, so ending a session has nothing to release.
 */
public final class EndSessionsCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("endSessions");
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
